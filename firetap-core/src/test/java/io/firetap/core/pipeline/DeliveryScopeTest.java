package io.firetap.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firetap.core.Lines;
import io.firetap.core.LogLine;
import io.firetap.core.ScriptedSink;
import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.SinkLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the per-invocation barriers rely on: flushes scoped to a delivery class, the age of the
 * oldest pending line, and a flush of only the old lines.
 */
@Timeout(60)
class DeliveryScopeTest {
    private static final SinkLimits SMALL = new SinkLimits(10, 4096, 1024, 0);
    private static final Duration LONG = Duration.ofSeconds(20);
    /** Long enough that no test here sees a batch leave on its interval unless it waits for one. */
    private static final Duration NEVER = Duration.ofMinutes(10);

    private static PipelineConfig config() {
        return PipelineConfig.defaults().withRetry(Duration.ofMillis(1), Duration.ofMillis(5)).withFlushInterval(NEVER);
    }

    @Test
    void aGuaranteedFlushNeitherAsksNorWaitsForABestEffortSink() throws Exception {
        RecordingSink primary = new RecordingSink("primary", SMALL);
        ScriptedSink archive = new ScriptedSink("archive", SMALL).script((call, batch) -> new CompletableFuture<>());
        ShippingPipeline pipeline = ShippingPipeline.builder()
                .config(config().withDelivery("archive", DeliveryClass.BEST_EFFORT))
                .sink(primary).sink(archive).build();
        try {
            List<LogLine> lines = Lines.numbered(30, 20);
            pipeline.offerAll(lines);

            FlushResult result = pipeline.flush(LONG, DeliveryClass.GUARANTEED);

            assertThat(result.complete()).isTrue();
            assertThat(result.pendingBySink()).containsOnlyKeys("primary");
            assertThat(primary.bytes()).isEqualTo(Lines.joined(lines));
            // the archive was not asked to send early: its lines wait for their interval
            assertThat(archive.calls()).isEmpty();
            assertThat(pipeline.pendingLines(DeliveryClass.BEST_EFFORT)).isEqualTo(30);
            assertThat(pipeline.deliveryClasses()).containsExactly(DeliveryClass.GUARANTEED, DeliveryClass.BEST_EFFORT);
        } finally {
            pipeline.shutdown(Duration.ofMillis(100));
        }
    }

    @Test
    void aBestEffortSinkGetsEverythingAtShutdown() {
        RecordingSink primary = new RecordingSink("primary", SMALL);
        RecordingSink archive = new RecordingSink("archive", SMALL);
        ShippingPipeline pipeline = ShippingPipeline.builder()
                .config(config().withDelivery("archive", DeliveryClass.BEST_EFFORT))
                .sink(primary).sink(archive).build();
        List<LogLine> lines = Lines.numbered(50, 20);
        pipeline.offerAll(lines);
        assertThat(pipeline.flush(LONG, DeliveryClass.GUARANTEED).complete()).isTrue();
        assertThat(archive.batches()).isEmpty();

        assertThat(pipeline.shutdown(LONG).complete()).isTrue();

        assertThat(archive.bytes()).isEqualTo(Lines.joined(lines));
        assertThat(pipeline.counters().lostLines()).isZero();
    }

    @Test
    void startingIsAwaitedPerDeliveryClass() {
        CompletableFuture<Void> archiveStart = new CompletableFuture<>();
        RecordingSink primary = new RecordingSink("primary", SMALL);
        ScriptedSink archive = new ScriptedSink("archive", SMALL).startWith(archiveStart);
        ShippingPipeline pipeline = ShippingPipeline.builder()
                .config(config().withDelivery("archive", DeliveryClass.BEST_EFFORT))
                .sink(primary).sink(archive).build();
        try {
            assertThat(pipeline.awaitSinksStarted(LONG, DeliveryClass.GUARANTEED)).isTrue();
            assertThat(pipeline.awaitSinksStarted(Duration.ZERO, DeliveryClass.BEST_EFFORT)).isFalse();
            assertThat(pipeline.awaitSinksStarted(Duration.ZERO)).isFalse();
            archiveStart.complete(null);
            assertThat(pipeline.awaitSinksStarted(LONG)).isTrue();
        } finally {
            pipeline.shutdown(Duration.ofMillis(100));
        }
    }

    @Test
    void theOldestPendingLineIsTrackedPerSinkAndPerClass() {
        RecordingSink primary = new RecordingSink("primary", SMALL);
        ScriptedSink archive = new ScriptedSink("archive", SMALL).script((call, batch) -> new CompletableFuture<>());
        ShippingPipeline pipeline = ShippingPipeline.builder()
                .config(config().withDelivery("archive", DeliveryClass.BEST_EFFORT))
                .sink(primary).sink(archive).build();
        try {
            assertThat(pipeline.oldestPendingSince(DeliveryClass.GUARANTEED)).isEmpty();
            long before = System.nanoTime();
            pipeline.offerAll(Lines.numbered(3, 10));
            long after = System.nanoTime();
            pipeline.offerAll(Lines.numbered(3, 10));

            OptionalLong oldest = pipeline.oldestPendingSince(DeliveryClass.GUARANTEED);
            assertThat(oldest).isPresent();
            assertThat(oldest.getAsLong() - before).isBetween(-TimeUnit.MILLISECONDS.toNanos(1), after - before);
            assertThat(pipeline.oldestPendingSince("archive")).isEqualTo(oldest);

            assertThat(pipeline.flush(LONG, DeliveryClass.GUARANTEED).complete()).isTrue();
            assertThat(pipeline.oldestPendingSince(DeliveryClass.GUARANTEED)).isEmpty();
            assertThat(pipeline.oldestPendingSince("primary")).isEmpty();
            assertThat(pipeline.oldestPendingSince(DeliveryClass.BEST_EFFORT)).isEqualTo(oldest);
            assertThatThrownBy(() -> pipeline.oldestPendingSince("nope")).isInstanceOf(IllegalArgumentException.class);
        } finally {
            pipeline.shutdown(Duration.ofMillis(100));
        }
    }

    @Test
    void aFlushOfTheOldLinesMakesNoExtraCallForNewerOnes() throws Exception {
        CompletableFuture<SendResult> firstAnswer = new CompletableFuture<>();
        ScriptedSink sink = new ScriptedSink("primary", SMALL)
                .script((call, batch) -> call == 1 ? firstAnswer : CompletableFuture.completedFuture(SendResult.success()));
        ShippingPipeline pipeline = ShippingPipeline.builder().config(config()).sink(sink).build();
        try {
            List<LogLine> old = Lines.numbered(4, 10);
            pipeline.offerAll(old);
            pipeline.requestFlush();
            assertThat(sink.awaitCalls(1, LONG)).isTrue();
            long cut = System.nanoTime();
            awaitClockPast(cut + TimeUnit.MILLISECONDS.toNanos(2));
            pipeline.offerAll(Lines.numbered(5, 12));

            CompletableFuture<FlushResult> flushed = CompletableFuture.supplyAsync(
                    () -> pipeline.flushAcceptedBy(cut, DeliveryClass.GUARANTEED, LONG));
            firstAnswer.complete(SendResult.success());

            assertThat(flushed.get(30, TimeUnit.SECONDS).complete()).isTrue();
            assertThat(sink.stored()).isEqualTo(Lines.joined(old));
            assertThat(sink.calls()).hasSize(1);
            assertThat(pipeline.pendingLines(DeliveryClass.GUARANTEED)).isEqualTo(5);
        } finally {
            pipeline.shutdown(Duration.ofMillis(500));
        }
    }

    @Test
    void aGivenClockStampsTheArrivals() {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
        ScriptedSink sink = new ScriptedSink("primary", SMALL).script((call, batch) -> new CompletableFuture<>());
        ShippingPipeline pipeline = ShippingPipeline.builder().config(config()).clock(clock::get).sink(sink).build();
        try {
            pipeline.offerAll(Lines.numbered(2, 10));
            clock.addAndGet(TimeUnit.MINUTES.toNanos(5));
            pipeline.offerAll(Lines.numbered(2, 10));

            assertThat(pipeline.oldestPendingSince(DeliveryClass.GUARANTEED)).hasValue(1_000_000_000L);
            assertThat(pipeline.flushAcceptedBy(999_999_999L, DeliveryClass.GUARANTEED, LONG).complete()).isTrue();
            assertThat(sink.calls()).isEmpty();
        } finally {
            pipeline.shutdown(Duration.ofMillis(100));
        }
    }

    @Test
    void aFlushOfLinesOlderThanAnyPendingReturnsAtOnce() {
        ScriptedSink sink = new ScriptedSink("primary", SMALL).script((call, batch) -> new CompletableFuture<>());
        ShippingPipeline pipeline = ShippingPipeline.builder().config(config()).sink(sink).build();
        try {
            long cut = System.nanoTime();
            pipeline.offerAll(Lines.numbered(4, 10));

            FlushResult result = pipeline.flushAcceptedBy(cut, DeliveryClass.GUARANTEED, LONG);

            assertThat(result.complete()).isTrue();
            assertThat(sink.calls()).isEmpty();
        } finally {
            pipeline.shutdown(Duration.ofMillis(100));
        }
    }

    @Test
    void deliveryClassesComeFromPerSinkVariables() {
        PipelineConfig config = PipelineConfig.from(Settings.of(Map.of("FIRETAP_S3_DELIVERY", "Best-Effort",
                "FIRETAP_FIREHOSE_DELIVERY", "guaranteed", "FIRETAP_DELIVERY", "strict")));

        assertThat(config.deliveryOf("s3")).isEqualTo(DeliveryClass.BEST_EFFORT);
        assertThat(config.deliveryOf("firehose")).isEqualTo(DeliveryClass.GUARANTEED);
        assertThat(config.deliveryOf("kinesis")).isEqualTo(DeliveryClass.GUARANTEED);
        assertThat(DeliveryClass.variableFor("my-sink.v2")).isEqualTo("FIRETAP_MY_SINK_V2_DELIVERY");
        assertThat(PipelineConfig.from(Settings.of(Map.of("FIRETAP_S3_DELIVERY", " ")))).isEqualTo(PipelineConfig.defaults());
    }

    @Test
    void aBadDeliveryValueNamesTheVariableTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> PipelineConfig.from(Settings.of(Map.of("FIRETAP_S3_DELIVERY", "sometimes"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("FIRETAP_S3_DELIVERY='sometimes' is not valid: expected one of guaranteed, best-effort");
    }

    @Test
    void aDeliveryVariableThatNamesNoSinkIsRefused() {
        PipelineConfig config = PipelineConfig.from(Settings.of(Map.of("FIRETAP_S4_DELIVERY", "best-effort")));
        ShippingPipeline.Builder builder = ShippingPipeline.builder().config(config)
                .sink(new RecordingSink("firehose", SMALL)).sink(new RecordingSink("s3", SMALL));

        assertThatThrownBy(builder::build).isInstanceOf(ConfigException.class)
                .hasMessage("FIRETAP_S4_DELIVERY='best-effort' is not valid: expected a variable that names a"
                        + " configured sink: FIRETAP_FIREHOSE_DELIVERY (sink firehose), FIRETAP_S3_DELIVERY (sink s3)");
    }

    /** Waits, without sleeping a fixed time, until the clock has passed {@code nanos}. */
    private static void awaitClockPast(long nanos) {
        while (System.nanoTime() - nanos <= 0) {
            Thread.onSpinWait();
        }
    }
}
