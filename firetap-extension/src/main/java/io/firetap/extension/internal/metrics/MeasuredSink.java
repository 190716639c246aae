package io.firetap.extension.internal.metrics;

import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * A sink with every call measured by {@link SinkMeasures}; otherwise the sink itself: same name,
 * limits and answers, and cancelling a call cancels the sink's own.
 */
final class MeasuredSink implements Sink {
    private final Sink sink;
    private final SinkMeasures measures;
    private final int index;

    MeasuredSink(Sink sink, SinkMeasures measures, int index) {
        this.sink = sink;
        this.measures = measures;
        this.index = index;
    }

    @Override
    public String name() {
        return sink.name();
    }

    @Override
    public SinkLimits limits() {
        return sink.limits();
    }

    @Override
    public CompletableFuture<Void> start() {
        return sink.start();
    }

    @Override
    public CompletableFuture<SendResult> send(List<SinkRecord> batch) {
        measureSafely(() -> measures.beforeCall(index));
        CompletableFuture<SendResult> sent = sink.send(batch);
        CompletableFuture<SendResult> measured = sent.thenApply(result -> {
            if (result != null) {
                boolean delivered = result.failures().size() < batch.size();
                measureSafely(() -> measures.answered(index, sink.name(), delivered));
            }
            return result;
        });
        measured.whenComplete((result, failure) -> {
            if (failure instanceof CancellationException) {
                sent.cancel(true);
            }
        });
        return measured;
    }

    /** A measurement that fails is left out: it must never turn a delivered batch into a retried one. */
    private static void measureSafely(Runnable measurement) {
        try {
            measurement.run();
        } catch (RuntimeException e) {
            // the figure is missing from this emission; the call's answer stands
        }
    }

    @Override
    public CompletableFuture<Void> flush() {
        return sink.flush();
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        return sink.shutdown();
    }

    @Override
    public void close() {
        sink.close();
    }

    @Override
    public String toString() {
        return sink.toString();
    }
}
