package io.firetap.extension.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.FunctionMetadata;
import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import io.firetap.extension.metrics.MetricsConfig;
import io.firetap.extension.metrics.MetricsConfig.Destination;
import io.firetap.testkit.sink.InMemorySink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SinkMeasuresTest {
    private static final FunctionMetadata FUNCTION = new FunctionMetadata("checkout", "$LATEST", 512, "eu-west-1",
            "x86_64", "/aws/lambda/checkout", "stream");
    private static final MetricsConfig ON = new MetricsConfig(EnumSet.of(Destination.STDERR), Duration.ofMinutes(1),
            "firetap");

    private final AtomicLong nanos = new AtomicLong();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8);

    private static List<LogLine> lines(String text, int n) {
        List<LogLine> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(LogLine.ofUtf8(text + " " + i, Source.SOCKET));
        }
        return records;
    }

    private List<EmfValidator.Document> sinkDocuments() {
        List<EmfValidator.Document> docs = new ArrayList<>();
        for (String line : err.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                docs.add(EmfValidator.validate(line));
            }
        }
        return docs;
    }

    @Test
    void offTheSinksAreTheSameObjectsAndNothingIsMeasured() {
        InMemorySink memory = new InMemorySink();
        SinkMeasures measures = SinkMeasures.of(MetricsConfig.off(), List.of(memory));
        assertThat(measures.sinks()).containsExactly(memory);
        assertThat(measures.measuring()).isFalse();
    }

    @Test
    void theDelayRunsFromTheOldestLinesArrivalToTheAnswerAndTheHighWaterMarksAreThePeaks() {
        TestSinks.Gated gated = new TestSinks.Gated("slow");
        SinkMeasures measures = SinkMeasures.of(ON, List.of(gated), nanos::get);
        assertThat(measures.sinks()).singleElement().satisfies(s -> {
            assertThat(s).isNotSameAs(gated);
            assertThat(s.name()).isEqualTo("slow");
            assertThat(s.limits()).isEqualTo(gated.limits());
        });
        ShippingPipeline pipeline = ShippingPipeline.builder().clock(nanos::get).sinks(measures.sinks()).build();
        measures.attach(pipeline);
        MetricsReporter metrics = MetricsReporter.builder(ON, FUNCTION, pipeline).measures(measures).stderr(stderr)
                .clocks(nanos::get, () -> 1_764_720_000_000L + TimeUnit.NANOSECONDS.toMillis(nanos.get())).build();

        pipeline.offerAll(lines("early", 10));            // arrives at 0 ms
        nanos.set(TimeUnit.MILLISECONDS.toNanos(250));
        pipeline.offerAll(lines("later", 5));             // arrives at 250 ms: 15 pending
        long peakBytes = pipeline.counters().bufferedBytes();
        pipeline.requestFlush();
        nanos.set(TimeUnit.MILLISECONDS.toNanos(400));    // the destination answers at 400 ms
        gated.release();
        assertThat(pipeline.flush(Duration.ofSeconds(20)).complete()).isTrue();
        metrics.shutdownDone();                           // an emission that starts a new window
        metrics.shutdownDone();                           // the next: nothing was sent in between

        List<EmfValidator.Document> docs = sinkDocuments();
        List<EmfValidator.Document> sink = docs.stream().filter(d -> "slow".equals(d.dimension("Sink"))).toList();
        List<EmfValidator.Document> function = docs.stream().filter(d -> d.metrics().containsKey("Invocations"))
                .toList();
        assertThat(sink).hasSize(2);
        assertThat(function).hasSize(2);

        // the first line arrived at 0 and its call answered at 400 ms; a second call (when the lane took
        // the lines in two batches) carried lines from 250 ms on
        List<Double> delays = sink.get(0).metrics().get("DeliveryDelay");
        assertThat(delays).isNotEmpty().contains(400.0).allMatch(ms -> ms >= 150.0 && ms <= 400.0);
        assertThat(sink.get(0).units()).containsEntry("DeliveryDelay", "Milliseconds")
                .containsEntry("LinesPendingHighWater", "Count");
        assertThat(sink.get(0).value("LinesPendingHighWater")).isEqualTo(15);
        assertThat(sink.get(0).value("LinesDelivered")).isEqualTo(15);
        assertThat(function.get(0).value("BufferedBytesHighWater")).isEqualTo(peakBytes);
        assertThat(function.get(0).units()).containsEntry("BufferedBytesHighWater", "Bytes");

        // a new window starts at the levels of the emission: all delivered, nothing in the buffer
        assertThat(sink.get(1).metrics()).doesNotContainKey("DeliveryDelay");
        assertThat(sink.get(1).value("LinesPendingHighWater")).isZero();
        assertThat(function.get(1).value("BufferedBytesHighWater")).isZero();
        // everything fitted in memory: nothing went to the spill files
        assertThat(sink).allSatisfy(d -> assertThat(d.value("LinesSpilled")).isZero());
        pipeline.shutdown(Duration.ofSeconds(5));
    }

    @Test
    void aCallThatDeliveredNothingGivesNoDelay() {
        TestSinks.FailsFirstCall flaky = new TestSinks.FailsFirstCall("flaky");
        SinkMeasures measures = SinkMeasures.of(ON, List.of(flaky), nanos::get);
        ShippingPipeline pipeline = ShippingPipeline.builder().clock(nanos::get)
                .config(PipelineConfig.defaults()).sinks(measures.sinks()).build();
        measures.attach(pipeline);
        MetricsReporter metrics = MetricsReporter.builder(ON, FUNCTION, pipeline).measures(measures).stderr(stderr)
                .build();

        pipeline.offerAll(lines("line", 3));
        nanos.set(TimeUnit.MILLISECONDS.toNanos(30));
        assertThat(pipeline.flush(Duration.ofSeconds(20)).complete()).isTrue();
        metrics.shutdownDone();

        EmfValidator.Document sink = sinkDocuments().stream().filter(d -> "flaky".equals(d.dimension("Sink")))
                .findFirst().orElseThrow();
        // two calls: the first failed as a whole (no value), the retry delivered
        assertThat(sink.value("RecordsRetried")).isPositive();
        assertThat(sink.metrics().get("DeliveryDelay")).containsExactly(30.0);
        pipeline.shutdown(Duration.ofSeconds(5));
    }

    @Test
    void cancellingAMeasuredCallCancelsTheSinksOwnAndAnAnswerIsPassedOnUnchanged() {
        CompletableFuture<SendResult> own = new CompletableFuture<>();
        Sink pending = new Sink() {
            @Override
            public String name() {
                return "pending";
            }

            @Override
            public SinkLimits limits() {
                return SinkLimits.generous();
            }

            @Override
            public CompletableFuture<SendResult> send(List<SinkRecord> batch) {
                return own;
            }

            @Override
            public CompletableFuture<Void> shutdown() {
                return CompletableFuture.completedFuture(null);
            }
        };
        // measured but never attached to a pipeline: the measurements are skipped, the answers are not
        Sink measured = SinkMeasures.of(ON, List.of(pending)).sinks().get(0);
        CompletableFuture<SendResult> call = measured.send(List.of());
        call.cancel(true);
        assertThat(own).isCancelled();

        CompletableFuture<SendResult> second = new CompletableFuture<>();
        SendResult answer = SendResult.success();
        Sink answering = new TestSinks.Answering(second);
        CompletableFuture<SendResult> passed = SinkMeasures.of(ON, List.of(answering)).sinks().get(0).send(List.of());
        second.complete(answer);
        assertThat(passed).isCompletedWithValue(answer);
    }
}
