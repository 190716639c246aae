package io.firetap.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.Lines;
import io.firetap.core.ScriptedSink;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When a sink's batch leaves without a flush: on its interval, or once it is full — nothing else. */
@Timeout(60)
class SendTriggerTest {
    private static final SinkLimits SMALL = new SinkLimits(10, 4096, 1024, 0);
    private static final Duration LONG = Duration.ofSeconds(20);

    private static PipelineConfig config(Duration interval) {
        return PipelineConfig.defaults().withRetry(Duration.ofMillis(1), Duration.ofMillis(5)).withFlushInterval(interval);
    }

    @Test
    void leftToItsIntervalASinkMakesAtMostOneCallPerInterval() throws Exception {
        Duration interval = Duration.ofMillis(100);
        AtomicReference<ShippingPipeline> ref = new AtomicReference<>();
        List<Long> callStarts = new ArrayList<>();
        // every call brings three more lines while it is in flight, as steady traffic would
        ScriptedSink sink = new ScriptedSink("primary", SMALL).script((call, batch) -> {
            synchronized (callStarts) {
                callStarts.add(System.nanoTime());
            }
            for (int i = 0; i < 3; i++) {
                ref.get().offer(Lines.record("during call " + call + " #" + i));
            }
            return CompletableFuture.completedFuture(SendResult.success());
        });
        try (ShippingPipeline pipeline = ShippingPipeline.builder().config(config(interval))
                .sink(sink).build()) {
            ref.set(pipeline);
            long firstLine = System.nanoTime();
            pipeline.offer(Lines.record("first"));
            assertThat(sink.awaitCalls(5, LONG)).isTrue();

            List<Long> starts;
            synchronized (callStarts) {
                starts = List.copyOf(callStarts);
            }
            assertThat(starts.get(0) - firstLine).isGreaterThanOrEqualTo(interval.toNanos());
            for (int k = 1; k < starts.size(); k++) {
                assertThat(starts.get(k) - starts.get(k - 1)).as("call %d after call %d", k + 1, k)
                        .isGreaterThanOrEqualTo(interval.toNanos());
            }
            // the three lines of each call went out together, in the next call
            List<List<SinkRecord>> calls = sink.calls();
            assertThat(lineCount(calls.get(1))).isEqualTo(3);
            assertThat(lineCount(calls.get(2))).isEqualTo(3);
        }
    }

    @Test
    void aBatchLeavesBeforeItsIntervalOnlyOnceItIsFull() throws Exception {
        SinkLimits limits = new SinkLimits(500, 10_240, 4096, 0);
        ScriptedSink sink = new ScriptedSink("primary", limits);
        try (ShippingPipeline pipeline = ShippingPipeline.builder().config(config(Duration.ofMinutes(10))).sink(sink).build()) {
            // 80 lines of 100 bytes: 8,080 bytes with their newlines, short of a 10,240-byte call even
            // though they take more than that in the buffer's memory (each line counts 48 bytes more)
            pipeline.offerAll(Lines.numbered(80, 100));
            pipeline.offerAll(Lines.numbered(30, 100));
            assertThat(sink.awaitCalls(1, LONG)).isTrue();

            long firstCallBytes = sink.calls().get(0).stream().mapToLong(SinkRecord::size).sum();
            assertThat(firstCallBytes).isGreaterThan(10_240 - 101);
        }
    }

    private static long lineCount(List<SinkRecord> batch) {
        return batch.stream().mapToLong(SinkRecord::lineCount).sum();
    }
}
