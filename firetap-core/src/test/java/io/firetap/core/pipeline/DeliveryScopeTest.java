package io.firetap.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firetap.core.Lines;
import io.firetap.core.LogRecord;
import io.firetap.core.ScriptedSink;
import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import io.firetap.core.sink.InMemorySink;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.SinkLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the per-invocation barriers rely on: flushes scoped to a delivery class.
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
        InMemorySink primary = new InMemorySink("primary", SMALL);
        ScriptedSink archive = new ScriptedSink("archive", SMALL).script((call, batch) -> new CompletableFuture<>());
        ShippingPipeline pipeline = ShippingPipeline.builder()
                .config(config().withDelivery("archive", DeliveryClass.BEST_EFFORT))
                .sink(primary).sink(archive).build();
        try {
            List<LogRecord> lines = Lines.numbered(30, 20);
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
        InMemorySink primary = new InMemorySink("primary", SMALL);
        InMemorySink archive = new InMemorySink("archive", SMALL);
        ShippingPipeline pipeline = ShippingPipeline.builder()
                .config(config().withDelivery("archive", DeliveryClass.BEST_EFFORT))
                .sink(primary).sink(archive).build();
        List<LogRecord> lines = Lines.numbered(50, 20);
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
        InMemorySink primary = new InMemorySink("primary", SMALL);
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
                .sink(new InMemorySink("firehose", SMALL)).sink(new InMemorySink("s3", SMALL));

        assertThatThrownBy(builder::build).isInstanceOf(ConfigException.class)
                .hasMessage("FIRETAP_S4_DELIVERY='best-effort' is not valid: expected a variable that names a"
                        + " configured sink: FIRETAP_FIREHOSE_DELIVERY (sink firehose), FIRETAP_S3_DELIVERY (sink s3)");
    }
}
