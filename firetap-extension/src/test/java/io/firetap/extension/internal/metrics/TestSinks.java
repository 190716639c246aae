package io.firetap.extension.internal.metrics;

import io.firetap.testkit.sink.InMemorySink;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** Hand-written sinks for the reporter's tests. */
final class TestSinks {
    private TestSinks() {
    }

    /** Keeps what it is sent, like {@link InMemorySink}, but fails its first call as retryable. */
    static final class FailsFirstCall implements Sink {
        final InMemorySink stored;
        private final AtomicBoolean failed = new AtomicBoolean();

        FailsFirstCall(String name) {
            this.stored = new InMemorySink(name, SinkLimits.generous());
        }

        @Override
        public String name() {
            return stored.name();
        }

        @Override
        public SinkLimits limits() {
            return stored.limits();
        }

        @Override
        public CompletableFuture<SendResult> send(List<SinkRecord> batch) {
            if (failed.compareAndSet(false, true)) {
                return CompletableFuture.completedFuture(
                        SendResult.failedAll(batch.size(), true, "ServiceUnavailableException", "slow down"));
            }
            return stored.send(batch);
        }

        @Override
        public CompletableFuture<Void> shutdown() {
            return stored.shutdown();
        }
    }

    /** Refuses every record for good, as a destination refuses a record it can never store. */
    static final class RejectsAll implements Sink {
        private final String name;

        RejectsAll(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public SinkLimits limits() {
            return SinkLimits.generous();
        }

        @Override
        public CompletableFuture<SendResult> send(List<SinkRecord> batch) {
            return CompletableFuture.completedFuture(
                    SendResult.failedAll(batch.size(), false, "ValidationException", "refused"));
        }

        @Override
        public CompletableFuture<Void> shutdown() {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Holds every send until {@link #release()}; then they, and every later one, succeed. */
    static final class Gated implements Sink {
        final InMemorySink stored;
        private final CompletableFuture<Void> open = new CompletableFuture<>();

        Gated(String name) {
            this.stored = new InMemorySink(name, SinkLimits.generous());
        }

        void release() {
            open.complete(null);
        }

        @Override
        public String name() {
            return stored.name();
        }

        @Override
        public SinkLimits limits() {
            return stored.limits();
        }

        @Override
        public CompletableFuture<SendResult> send(List<SinkRecord> batch) {
            return open.thenCompose(ignored -> stored.send(batch));
        }

        @Override
        public CompletableFuture<Void> shutdown() {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Answers every send with the one future it was given. */
    static final class Answering implements Sink {
        private final CompletableFuture<SendResult> answer;

        Answering(CompletableFuture<SendResult> answer) {
            this.answer = answer;
        }

        @Override
        public String name() {
            return "answering";
        }

        @Override
        public SinkLimits limits() {
            return SinkLimits.generous();
        }

        @Override
        public CompletableFuture<SendResult> send(List<SinkRecord> batch) {
            return answer;
        }

        @Override
        public CompletableFuture<Void> shutdown() {
            return CompletableFuture.completedFuture(null);
        }
    }
}
