package io.firetap.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.Lines;
import io.firetap.core.LogLine;
import io.firetap.core.ScriptedSink;
import io.firetap.core.internal.SpillStore;
import io.firetap.core.internal.SpillStoreAccess;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.SinkLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline under {@link OverflowPolicy#SPILL}: memory, then disk, then memory again, in one order. */
@Timeout(60)
class SpillPipelineTest {
    private static final Duration LONG = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private PipelineConfig spilling(long spillCap) {
        return PipelineConfig.builder().bufferBytes(64 * 1024).overflow(OverflowPolicy.SPILL)
                .retry(Duration.ofMillis(1), Duration.ofMillis(5)).spillDir(tmp.resolve("spill"))
                .spillMaxBytes(spillCap).build();
    }

    private static ScriptedSink gated(String name, CountDownLatch gate) {
        return new ScriptedSink(name, SinkLimits.generous()).script((call, batch) -> CompletableFuture.supplyAsync(() -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return SendResult.success();
        }));
    }

    private List<Path> spillFiles() throws IOException {
        Path dir = tmp.resolve("spill");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".spill")).toList();
        }
    }

    @Test
    void aBacklogBeyondMemoryGoesToDiskAndEveryLineIsDeliveredInOrderThenTheFilesAreGone() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        ScriptedSink slow = gated("slow", gate);
        RecordingSink healthy = new RecordingSink("healthy", SinkLimits.generous());
        try (ShippingPipeline pipeline = ShippingPipeline.builder().config(spilling(64L << 20)).sink(slow).sink(healthy)
                .build()) {
            List<LogLine> first = Lines.numbered(30_000, 52);
            assertThat(pipeline.offerAll(first)).isEqualTo(first.size());
            PipelineCounters during = pipeline.counters();
            assertThat(during.spilledLines()).as("lines beyond the 64 KiB bound").isGreaterThan(20_000);
            assertThat(during.bufferedBytes()).isLessThanOrEqualTo(64 * 1024);
            assertThat(during.spillDiskBytes()).isPositive();
            assertThat(during.sink("slow").spilledLines()).isEqualTo(during.spilledLines());
            assertThat(spillFiles()).isNotEmpty();
            // the healthy sink is not held up by the stuck one: it reads the disk at its own pace
            assertThat(Lines.await(() -> healthy.lineCount() == first.size(), 20_000)).isTrue();

            gate.countDown();
            List<LogLine> second = Lines.numbered(1_000, 30);
            assertThat(pipeline.offerAll(second)).isEqualTo(second.size());
            assertThat(pipeline.flush(LONG).complete()).isTrue();

            List<LogLine> all = new ArrayList<>(first);
            all.addAll(second);
            assertThat(slow.stored()).isEqualTo(Lines.joined(all));
            assertThat(healthy.bytes()).isEqualTo(Lines.joined(all));
            PipelineCounters after = pipeline.counters();
            assertThat(after.lostLines()).isZero();
            assertThat(after.droppedSpill()).isZero();
            assertThat(after.spillDiskBytes()).isZero();
            assertThat(spillFiles()).as("every spilled line delivered: files deleted").isEmpty();

            // the disk is empty again: memory takes lines again
            List<LogLine> third = Lines.numbered(10, 30);
            assertThat(pipeline.offerAll(third)).isEqualTo(third.size());
            assertThat(pipeline.counters().spilledLines()).isEqualTo(after.spilledLines());
            assertThat(pipeline.counters().bufferedBytes()).isPositive();
        }
    }

    @Test
    void whatTheDiskCapCannotTakeIsDroppedAndCountedAndNothingElseIsLost() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        ScriptedSink slow = gated("slow", gate);
        try (ShippingPipeline pipeline = ShippingPipeline.builder().config(spilling(1L << 20)).sink(slow).build()) {
            List<LogLine> lines = Lines.numbered(40_000, 52);
            int accepted = pipeline.offerAll(lines);
            assertThat(accepted).isBetween(10_000, 39_999);
            PipelineCounters full = pipeline.counters();
            assertThat(full.droppedSpill()).isEqualTo(lines.size() - accepted);
            assertThat(full.droppedOverflow()).isZero();
            assertThat(full.spillDiskBytes()).isLessThanOrEqualTo(1L << 20);
            assertThat(pipeline.offer(lines.get(accepted))).as("the line that did not fit still does not").isFalse();

            gate.countDown();
            assertThat(pipeline.flush(LONG).complete()).isTrue();
            assertThat(slow.stored()).isEqualTo(Lines.joined(lines.subList(0, accepted)));
            PipelineCounters after = pipeline.counters();
            assertThat(after.lostLines()).isEqualTo(after.droppedSpill()).isEqualTo(lines.size() - accepted + 1);
            assertThat(after.sink("slow").deliveredLines()).isEqualTo(accepted);
            // with room again, the disk takes lines again
            assertThat(spillFiles()).isEmpty();
        }
    }

    @Test
    void atShutdownWhatIsLeftOnDiskIsCountedAndTheFilesAreDeleted() throws Exception {
        ScriptedSink dead = new ScriptedSink("dead", SinkLimits.generous()).script((call, batch) -> new CompletableFuture<>());
        ShippingPipeline pipeline = ShippingPipeline.builder().config(spilling(64L << 20).toBuilder()
                .sendTimeout(Duration.ofMillis(50)).build()).sink(dead).build();
        List<LogLine> lines = Lines.numbered(10_000, 52);
        assertThat(pipeline.offerAll(lines)).isEqualTo(lines.size());
        assertThat(spillFiles()).isNotEmpty();
        FlushResult end = pipeline.shutdown(Duration.ofMillis(300));
        assertThat(end.complete()).isFalse();
        PipelineCounters c = pipeline.counters();
        assertThat(c.sink("dead").expiredLines()).isEqualTo(lines.size());
        assertThat(c.lostLines()).isEqualTo(lines.size());
        assertThat(tmp.resolve("spill")).isEmptyDirectory();
    }

    @Test
    void linesAnEarlierProcessLeftOnDiskAreDeliveredFirstAfterARestart() throws Exception {
        List<LogLine> left = Lines.numbered(3_000, 40);
        SpillStoreAccess.leaveBehind(tmp.resolve("spill"), left);
        RecordingSink sink = new RecordingSink("sink", SinkLimits.generous());
        try (ShippingPipeline pipeline = ShippingPipeline.builder().config(spilling(64L << 20)).sink(sink).build()) {
            List<LogLine> fresh = Lines.numbered(100, 20);
            pipeline.offerAll(fresh);
            assertThat(pipeline.flush(LONG).complete()).isTrue();
            List<LogLine> all = new ArrayList<>(left);
            all.addAll(fresh);
            assertThat(sink.bytes()).isEqualTo(Lines.joined(all));
            assertThat(pipeline.counters().acceptedLines()).isEqualTo(all.size());
            assertThat(spillFiles()).isEmpty();
        }
    }
}
