package io.firetap.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.Lines;
import io.firetap.core.LogLine;
import io.firetap.core.ScriptedSink;
import io.firetap.core.sink.EntryFailure;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ShippingPipelineTest {
    private static final SinkLimits SMALL = new SinkLimits(10, 4096, 1024, 0);
    private static final Duration LONG = Duration.ofSeconds(20);

    private static PipelineConfig fast() {
        return PipelineConfig.defaults().withRetry(Duration.ofMillis(1), Duration.ofMillis(5));
    }

    @Test
    void deferredWorkersLeaveTheSinkUnstartedUntilAskedYetAcceptLines() throws Exception {
        java.util.concurrent.atomic.AtomicInteger starts = new java.util.concurrent.atomic.AtomicInteger();
        RecordingSink memory = new RecordingSink("memory", SMALL);
        io.firetap.core.sink.Sink sink = new io.firetap.core.sink.Sink() {
            @Override
            public String name() {
                return memory.name();
            }

            @Override
            public io.firetap.core.sink.SinkLimits limits() {
                return memory.limits();
            }

            @Override
            public java.util.concurrent.CompletableFuture<Void> start() {
                starts.incrementAndGet();
                return memory.start();
            }

            @Override
            public java.util.concurrent.CompletableFuture<io.firetap.core.sink.SendResult> send(
                    List<io.firetap.core.sink.SinkRecord> batch) {
                return memory.send(batch);
            }

            @Override
            public java.util.concurrent.CompletableFuture<Void> shutdown() {
                return memory.shutdown();
            }
        };
        List<LogLine> lines = Lines.numbered(100, 20);
        try (ShippingPipeline pipeline = ShippingPipeline.builder().config(fast()).sink(sink).deferWorkers().build()) {
            assertThat(pipeline.offerAll(lines)).isEqualTo(lines.size());
            assertThat(pipeline.awaitSinksStarted(Duration.ofMillis(50))).isFalse();
            assertThat(starts.get()).isZero();
            assertThat(memory.batches()).isEmpty();
            pipeline.startWorkers();
            pipeline.startWorkers();
            assertThat(pipeline.awaitSinksStarted(LONG)).isTrue();
            assertThat(pipeline.flush(LONG).complete()).isTrue();
            assertThat(starts.get()).isEqualTo(1);
            assertThat(memory.bytes()).isEqualTo(Lines.joined(lines));
        }
    }

    @Test
    void aFlushStartsDeferredWorkers() {
        RecordingSink sink = new RecordingSink("memory", SMALL);
        List<LogLine> lines = Lines.numbered(10, 20);
        try (ShippingPipeline pipeline = ShippingPipeline.builder().config(fast()).sink(sink).deferWorkers().build()) {
            pipeline.offerAll(lines);
            assertThat(pipeline.flush(LONG).complete()).isTrue();
            assertThat(sink.bytes()).isEqualTo(Lines.joined(lines));
        }
    }

    @Test
    void deliversEveryLineOnceInOrder() {
        RecordingSink sink = new RecordingSink("memory", SMALL);
        List<LogLine> lines = Lines.numbered(5_000, 37);
        try (ShippingPipeline pipeline = ShippingPipeline.builder().config(fast()).sink(sink).build()) {
            assertThat(pipeline.offerAll(lines)).isEqualTo(lines.size());
            FlushResult flushed = pipeline.flush(LONG);
            assertThat(flushed.complete()).isTrue();
            assertThat(flushed.pendingLines()).isZero();
            assertThat(sink.bytes()).isEqualTo(Lines.joined(lines));
            SinkCounters c = pipeline.counters().sink("memory");
            assertThat(c.deliveredLines()).isEqualTo(5_000);
            assertThat(c.pendingLines()).isZero();
            assertThat(pipeline.counters().lostLines()).isZero();
        }
    }

    @Test
    void aPartialFailureRetriesOnlyTheFailedEntries() {
        ScriptedSink sink = new ScriptedSink("scripted", SinkLimits.generous()).script((call, batch) ->
                CompletableFuture.completedFuture(call == 1
                        ? SendResult.partial(List.of(new EntryFailure(1, true, "ServiceUnavailableException", "slow down"),
                                new EntryFailure(3, true, "ServiceUnavailableException", "slow down")))
                        : SendResult.success()));
        PipelineConfig noPacking = fast().withPacking(false);
        List<LogLine> lines = Lines.numbered(6, 10);
        try (ShippingPipeline pipeline = ShippingPipeline.builder().config(noPacking).sink(sink).build()) {
            pipeline.offerAll(lines);
            assertThat(pipeline.flush(LONG).complete()).isTrue();
        }
        List<List<SinkRecord>> calls = sink.calls();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).hasSize(6);
        // The retry carries exactly entries 1 and 3 of the first call, the very same records.
        assertThat(calls.get(1)).containsExactly(calls.get(0).get(1), calls.get(0).get(3));
        assertThat(new String(sink.stored())).isEqualTo("line-0-xxx\nline-2-xxx\nline-4-xxx\nline-5-xxx\n"
                + "line-1-xxx\nline-3-xxx\n");
    }

    @Test
    void randomPartialFailuresAndWholeCallFailuresLoseNothing() {
        Random random = new Random(42);
        ScriptedSink sink = new ScriptedSink("flaky", SMALL).script((call, batch) -> {
            int roll;
            List<EntryFailure> failures = new ArrayList<>();
            synchronized (random) {
                roll = random.nextInt(100);
                for (int i = 0; i < batch.size(); i++) {
                    if (random.nextInt(100) < 20) {
                        failures.add(new EntryFailure(i, true, "ServiceUnavailableException", ""));
                    }
                }
            }
            if (roll < 20) {
                return CompletableFuture.completedFuture(
                        SendResult.failedAll(batch.size(), true, "ThrottlingException", "throttled"));
            }
            if (roll < 25) {
                return CompletableFuture.failedFuture(new IllegalStateException("HTTP 500"));
            }
            return CompletableFuture.completedFuture(SendResult.partial(failures));
        });
        List<LogLine> lines = Lines.numbered(3_000, 60);
        try (ShippingPipeline pipeline = ShippingPipeline.builder().config(fast()).sink(sink).build()) {
            pipeline.offerAll(lines);
            assertThat(pipeline.flush(LONG).complete()).isTrue();
            SinkCounters c = pipeline.counters().sink("flaky");
            assertThat(c.deliveredLines()).isEqualTo(3_000);
            assertThat(c.failedCalls()).isPositive();
            assertThat(c.retriedRecords()).isPositive();
            assertThat(pipeline.counters().lostLines()).isZero();
        }
        assertThat(sink.violations()).isEmpty();
        // Every line exactly once (retries may reorder records, never duplicate or drop them).
        List<String> delivered = new ArrayList<>(List.of(new String(sink.stored()).split("\n")));
        List<String> expected = new ArrayList<>(List.of(new String(Lines.joined(lines)).split("\n")));
        assertThat(delivered).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aRejectedEntryIsCountedAndNeverRetried() {
        ScriptedSink sink = new ScriptedSink("strict", SinkLimits.generous()).script((call, batch) ->
                CompletableFuture.completedFuture(call == 1
                        ? SendResult.partial(List.of(new EntryFailure(0, false, "InvalidArgumentException", "bad record")))
                        : SendResult.success()));
        try (ShippingPipeline pipeline = ShippingPipeline.builder().config(fast().withPacking(false)).sink(sink).build()) {
            pipeline.offerAll(Lines.numbered(3, 10));
            assertThat(pipeline.flush(LONG).complete()).isTrue();
            SinkCounters c = pipeline.counters().sink("strict");
            assertThat(c.rejectedLines()).isEqualTo(1);
            assertThat(c.deliveredLines()).isEqualTo(2);
            assertThat(c.calls()).isEqualTo(1);
            assertThat(pipeline.counters().lostLines()).isEqualTo(1);
        }
        assertThat(sink.calls()).hasSize(1);
    }

    @Test
    void flushHonoursItsDeadlineAgainstASinkThatNeverAnswers() {
        ScriptedSink silent = new ScriptedSink("silent", SMALL).script((call, batch) -> new CompletableFuture<>());
        ShippingPipeline pipeline = ShippingPipeline.builder().config(fast()).sink(silent).build();
        try {
            pipeline.offerAll(Lines.numbered(25, 10));
            Duration deadline = Duration.ofMillis(200);
            FlushResult result = pipeline.flush(deadline);
            assertThat(result.complete()).isFalse();
            assertThat(result.pendingLines()).isEqualTo(25);
            assertThat(result.pendingBySink()).containsEntry("silent", 25L);
            assertThat(result.elapsedNanos()).isGreaterThanOrEqualTo(deadline.toNanos());
            assertThat(silent.calls()).isNotEmpty();
        } finally {
            pipeline.shutdown(Duration.ofMillis(100));
        }
    }

    @Test
    void shutdownDeliversTenThousandPendingLines() {
        RecordingSink sink = new RecordingSink("memory", new SinkLimits(500, 4L << 20, 1000 * 1024, 0));
        ShippingPipeline pipeline = ShippingPipeline.builder()
                .config(fast().withFlushInterval(Duration.ofMinutes(10))).sink(sink).build();
        List<LogLine> lines = Lines.numbered(10_000, 100);
        pipeline.offerAll(lines);
        FlushResult result = pipeline.shutdown(LONG);
        assertThat(result.complete()).isTrue();
        assertThat(sink.bytes()).isEqualTo(Lines.joined(lines));
        assertThat(sink.isShutDown()).isTrue();
        // Idempotent: the second call returns the first call's result, and nothing is accepted after.
        assertThat(pipeline.shutdown(Duration.ZERO)).isSameAs(result);
        assertThat(pipeline.offer(Lines.record("late"))).isFalse();
        assertThat(pipeline.counters().droppedClosed()).isEqualTo(1);
    }

    @Test
    void shutdownAgainstADeadSinkCountsWhatExpiredAndReturns() {
        ScriptedSink dead = new ScriptedSink("dead", SMALL).script((call, batch) -> new CompletableFuture<>());
        ShippingPipeline pipeline = ShippingPipeline.builder().config(fast()).sink(dead).build();
        pipeline.offerAll(Lines.numbered(40, 10));
        FlushResult result = pipeline.shutdown(Duration.ofMillis(300));
        assertThat(result.complete()).isFalse();
        assertThat(result.pendingLines()).isEqualTo(40);
        SinkCounters c = pipeline.counters().sink("dead");
        assertThat(c.expiredLines()).isEqualTo(40);
        assertThat(pipeline.counters().lostLines()).isEqualTo(40);
        assertThat(dead.isShutDown()).isTrue();
    }

    @Test
    void dropPolicyCountsExactly() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        ScriptedSink gated = new ScriptedSink("gated", SinkLimits.generous())
                .script((call, batch) -> CompletableFuture.supplyAsync(() -> {
                    awaitQuietly(gate);
                    return SendResult.success();
                }));
        // Each 52-byte line costs 52 + 48 = 100 bytes: 64 KiB holds 655 of them.
        PipelineConfig config = fast().withBufferBytes(64 * 1024).withOverflow(OverflowPolicy.DROP, Duration.ZERO);
        try (ShippingPipeline pipeline = ShippingPipeline.builder().config(config).sink(gated).build()) {
            List<LogLine> lines = Lines.numbered(1_000, 52);
            int accepted = 0;
            for (LogLine line : lines) {
                accepted += pipeline.offer(line) ? 1 : 0;
            }
            assertThat(accepted).isEqualTo(655);
            PipelineCounters c = pipeline.counters();
            assertThat(c.acceptedLines()).isEqualTo(655);
            assertThat(c.droppedOverflow()).isEqualTo(345);
            gate.countDown();
            assertThat(pipeline.flush(LONG).complete()).isTrue();
            assertThat(pipeline.counters().sink("gated").deliveredLines()).isEqualTo(655);
            assertThat(new String(gated.stored())).isEqualTo(new String(Lines.joined(lines.subList(0, 655))));
        }
    }

    @Test
    void blockPolicyHoldsTheWriterUntilTheSinkFreesSpace() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        ScriptedSink gated = new ScriptedSink("gated", SinkLimits.generous())
                .script((call, batch) -> CompletableFuture.supplyAsync(() -> {
                    awaitQuietly(gate);
                    return SendResult.success();
                }));
        PipelineConfig config = fast().withBufferBytes(64 * 1024).withOverflow(OverflowPolicy.BLOCK, Duration.ofMinutes(1));
        try (ShippingPipeline pipeline = ShippingPipeline.builder().config(config).sink(gated).build()) {
            List<LogLine> lines = Lines.numbered(2_000, 52);
            AtomicInteger accepted = new AtomicInteger(-1);
            Thread writer = new Thread(() -> accepted.set(pipeline.offerAll(lines)), "writer");
            writer.start();
            // The writer fills the buffer and then waits: it has not returned, nothing was dropped.
            assertThat(Lines.await(() -> writer.getState() == Thread.State.TIMED_WAITING
                    && pipeline.counters().acceptedLines() == 655, 10_000)).isTrue();
            assertThat(accepted.get()).isEqualTo(-1);
            assertThat(pipeline.counters().droppedOverflow()).isZero();
            gate.countDown();
            writer.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(accepted.get()).isEqualTo(2_000);
            assertThat(pipeline.flush(LONG).complete()).isTrue();
            assertThat(gated.stored()).isEqualTo(Lines.joined(lines));
            assertThat(pipeline.counters().lostLines()).isZero();
        }
    }

    @Test
    void blockPolicyGivesUpAfterItsBoundAndThenDropsWithoutWaiting() {
        ScriptedSink dead = new ScriptedSink("dead", SinkLimits.generous()).script((call, batch) -> new CompletableFuture<>());
        PipelineConfig config = fast().withBufferBytes(64 * 1024).withOverflow(OverflowPolicy.BLOCK, Duration.ofMillis(50));
        ShippingPipeline pipeline = ShippingPipeline.builder().config(config).sink(dead).build();
        try {
            List<LogLine> lines = Lines.numbered(1_000, 52);
            assertThat(pipeline.offerAll(lines)).isEqualTo(655);
            // In the same overflow episode a further writer does not wait again.
            assertThat(pipeline.offer(Lines.record("more"))).isFalse();
            assertThat(pipeline.counters().droppedOverflow()).isEqualTo(346);
        } finally {
            pipeline.shutdown(Duration.ofMillis(100));
        }
    }

    @Test
    void aStuckSinkDoesNotHoldUpAnotherSinkWithinTheBufferBound() throws Exception {
        RecordingSink healthy = new RecordingSink("healthy", SMALL);
        ScriptedSink stuck = new ScriptedSink("stuck", SMALL).script((call, batch) -> new CompletableFuture<>());
        ShippingPipeline pipeline = ShippingPipeline.builder().config(fast()).sink(healthy).sink(stuck).build();
        try {
            List<LogLine> lines = Lines.numbered(2_000, 40);
            pipeline.offerAll(lines);
            FlushResult result = pipeline.flush(Duration.ofMillis(300));
            assertThat(result.pendingBySink()).containsEntry("healthy", 0L).containsEntry("stuck", 2_000L);
            assertThat(healthy.bytes()).isEqualTo(Lines.joined(lines));
        } finally {
            pipeline.shutdown(Duration.ofMillis(100));
        }
        assertThat(pipeline.counters().sink("stuck").expiredLines()).isEqualTo(2_000);
        assertThat(pipeline.counters().sink("healthy").expiredLines()).isZero();
    }

    @Test
    void linesLeaveOnTheirIntervalWithoutAFlush() throws Exception {
        RecordingSink sink = new RecordingSink("memory", SMALL);
        try (ShippingPipeline pipeline = ShippingPipeline.builder()
                .config(fast().withFlushInterval(Duration.ofMillis(20))).sink(sink).build()) {
            pipeline.offer(Lines.record("alone"));
            assertThat(sink.awaitLines(1, LONG)).isTrue();
            assertThat(sink.lines()).containsExactly("alone");
        }
    }

    @Test
    void aSinkThatThrowsIsRetriedNotFatal() {
        AtomicInteger attempts = new AtomicInteger();
        ScriptedSink throwing = new ScriptedSink("throwing", SMALL).script((call, batch) -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("boom");
            }
            return CompletableFuture.completedFuture(SendResult.success());
        });
        try (ShippingPipeline pipeline = ShippingPipeline.builder().config(fast()).sink(throwing).build()) {
            pipeline.offerAll(Lines.numbered(3, 10));
            assertThat(pipeline.flush(LONG).complete()).isTrue();
            assertThat(pipeline.counters().sink("throwing").deliveredLines()).isEqualTo(3);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
