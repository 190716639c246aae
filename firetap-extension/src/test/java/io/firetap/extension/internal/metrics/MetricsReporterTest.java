package io.firetap.extension.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.FunctionMetadata;
import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.core.config.Settings;
import io.firetap.core.pipeline.FlushResult;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.pipeline.PipelineCounters;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.extension.metrics.MetricsConfig;
import io.firetap.testkit.sink.InMemorySink;
import io.firetap.core.sink.SinkLimits;
import io.firetap.extension.ExtensionEvent;
import io.firetap.extension.internal.InvocationBarrier;
import io.firetap.extension.metrics.MetricsConfig.Destination;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsReporterTest {
    private static final FunctionMetadata FUNCTION = new FunctionMetadata("checkout", "$LATEST", 512, "eu-west-1",
            "x86_64", "/aws/lambda/checkout", "stream");
    private static final long EPOCH_MILLIS = 1_764_720_000_000L;
    private static final long FAR_DEADLINE = Long.MAX_VALUE / 4;

    private final AtomicLong nanos = new AtomicLong();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8);

    /** The default barrier's essentials: flush, and say how long that held — here a figure the test sets. */
    private static final class FlushingBarrier implements InvocationBarrier {
        private final ShippingPipeline pipeline;
        long holdNanos;

        FlushingBarrier(ShippingPipeline pipeline) {
            this.pipeline = pipeline;
        }

        @Override
        public Passage pass(ExtensionEvent.Invoke invoke) {
            FlushResult flushed = pipeline.flush(Duration.ofSeconds(20));
            return new Passage(invoke.requestId(), true, flushed.complete(), flushed.pendingLines(), 0, holdNanos,
                    InvocationBarrier.Hold.DELIVERED);
        }
    }

    private MetricsReporter.Builder reporter(MetricsConfig config, ShippingPipeline pipeline) {
        return MetricsReporter.builder(config, FUNCTION, pipeline).stderr(stderr)
                .clocks(nanos::get, () -> EPOCH_MILLIS + TimeUnit.NANOSECONDS.toMillis(nanos.get()));
    }

    private static MetricsConfig config(Duration interval, Destination... destinations) {
        return new MetricsConfig(EnumSet.of(destinations[0], destinations), interval, "firetap");
    }

    private static ExtensionEvent.Invoke invoke(int k) {
        return new ExtensionEvent.Invoke("request-" + k, FAR_DEADLINE, "");
    }

    private static void offer(ShippingPipeline pipeline, AtomicLong source, Source tag, String text, int lines) {
        List<LogLine> records = new ArrayList<>();
        for (int i = 1; i <= lines; i++) {
            records.add(LogLine.ofUtf8(text + " line " + i, tag));
        }
        pipeline.offerAll(records);
        source.addAndGet(lines);
    }

    /** Every line written to the captured stderr, each checked against the EMF specification. */
    private List<EmfValidator.Document> stderrDocuments() {
        List<EmfValidator.Document> docs = new ArrayList<>();
        for (String line : err.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                docs.add(EmfValidator.validate(line));
            }
        }
        return docs;
    }

    private static List<EmfValidator.Document> emfLinesIn(InMemorySink sink) {
        return sink.lines().stream().filter(EmfValidator::looksLikeEmf).map(EmfValidator::validate).toList();
    }

    private static double sum(List<EmfValidator.Document> docs, String metric, Predicate<EmfValidator.Document> which) {
        return docs.stream().filter(which).mapToDouble(d -> d.value(metric)).sum();
    }

    private static Predicate<EmfValidator.Document> dimension(String name, String value) {
        return d -> value.equals(d.dimension(name));
    }

    private static Predicate<EmfValidator.Document> has(String metric) {
        return d -> d.metrics().containsKey(metric);
    }

    @Test
    void everyLineIsEmfAndTheDeltasAddUpToWhatTheSinksGot() {
        InMemorySink memory = new InMemorySink("memory", SinkLimits.generous());
        TestSinks.FailsFirstCall flaky = new TestSinks.FailsFirstCall("flaky");
        ShippingPipeline pipeline = ShippingPipeline.builder().sink(memory).sink(flaky).build();
        AtomicLong wrapper = new AtomicLong();
        AtomicLong socket = new AtomicLong();
        MetricsReporter metrics = reporter(config(Duration.ofSeconds(10), Destination.STDERR, Destination.SINKS),
                pipeline).source("wrapper", wrapper::get).source("socket", socket::get).build();
        FlushingBarrier inner = new FlushingBarrier(pipeline);
        InvocationBarrier barrier = metrics.measure(inner);

        List<Double> holdsMs = new ArrayList<>();
        for (int k = 1; k <= 25; k++) {
            offer(pipeline, wrapper, Source.WRAPPER, "invocation " + k, 10 * k);
            offer(pipeline, socket, Source.SOCKET, "socket client " + k, 3);
            inner.holdNanos = k * 1_000_000L + 123_456;
            holdsMs.add(k + 0.123);
            barrier.pass(invoke(k));
            nanos.addAndGet(TimeUnit.SECONDS.toNanos(3));
        }
        metrics.shutdownStarting();
        pipeline.shutdown(Duration.ofSeconds(20));
        metrics.shutdownDone();

        List<EmfValidator.Document> docs = stderrDocuments();
        assertThat(docs).allSatisfy(d -> {
            assertThat(d.namespace()).isEqualTo("firetap");
            assertThat(d.dimension("FunctionName")).isEqualTo("checkout");
            assertThat(d.units().values()).isSubsetOf("Count", "Bytes", "Milliseconds");
        });
        // due at the invocations 12, 24, 36, 48, 60 and 72 s after the start, and at SHUTDOWN: function, 2 sources, 2 sinks
        List<EmfValidator.Document> functionDocs = docs.stream().filter(has("Invocations")).toList();
        assertThat(functionDocs).hasSize(7);
        assertThat(functionDocs).extracting(EmfValidator.Document::timestamp).containsExactly(
                EPOCH_MILLIS + 12_000, EPOCH_MILLIS + 24_000, EPOCH_MILLIS + 36_000, EPOCH_MILLIS + 48_000,
                EPOCH_MILLIS + 60_000, EPOCH_MILLIS + 72_000, EPOCH_MILLIS + 75_000);
        assertThat(functionDocs).allSatisfy(d -> assertThat(d.dimensionSets()).containsExactly(List.of("FunctionName")));
        assertThat(docs).hasSize(7 * 5);

        assertThat(sum(docs, "Invocations", d -> true)).isEqualTo(25);
        assertThat(sum(docs, "InvocationsLeftPending", d -> true)).isZero();
        assertThat(functionDocs.stream().flatMap(d -> d.metrics().getOrDefault("Hold", List.of()).stream()))
                .containsExactlyElementsOf(holdsMs);
        assertThat(sum(docs, "LinesReceived", dimension("Source", "wrapper"))).isEqualTo(wrapper.get());
        assertThat(sum(docs, "LinesReceived", dimension("Source", "socket"))).isEqualTo(socket.get());
        assertThat(docs.stream().filter(has("LinesReceived")))
                .allSatisfy(d -> assertThat(d.dimensionSets())
                        .containsExactly(List.of("FunctionName", "Source"), List.of("FunctionName")));

        PipelineCounters end = pipeline.counters();
        assertThat(end.lostLines()).isZero();
        for (InMemorySink sink : List.of(memory, flaky.stored)) {
            Predicate<EmfValidator.Document> ofSink = dimension("Sink", sink.name());
            assertThat(sum(docs, "LinesDelivered", ofSink)).as("%s", sink.name()).isEqualTo(sink.lineCount());
            assertThat(sum(docs, "RecordsDelivered", ofSink)).isEqualTo(sink.records().size());
            assertThat(sum(docs, "BytesDelivered", ofSink)).isEqualTo(sink.bytes().length);
            assertThat(sum(docs, "RecordsRetried", ofSink)).isEqualTo(end.sink(sink.name()).retriedRecords());
        }
        assertThat(sum(docs, "RecordsRetried", dimension("Sink", "flaky"))).isPositive();
        assertThat(docs).noneMatch(has("LinesDropped"));
        // gauges at the last emission, after the last delivery
        assertThat(functionDocs.get(6).value("BufferedBytes")).isZero();
        assertThat(docs.subList(30, 35).stream().filter(has("LinesPending"))).hasSize(2)
                .allSatisfy(d -> assertThat(d.value("LinesPending")).isZero());

        // the copies through the sinks: the same documents, whose counts reach up to the last copy
        List<EmfValidator.Document> viaSinks = emfLinesIn(memory);
        assertThat(viaSinks).hasSize(7 * 5);
        assertThat(emfLinesIn(flaky.stored)).hasSize(7 * 5);
        assertThat(sum(viaSinks, "Invocations", d -> true)).isEqualTo(25);
        assertThat(sum(viaSinks, "LinesReceived", dimension("Source", "wrapper"))).isEqualTo(wrapper.get());
        assertThat(sum(viaSinks, "LinesDelivered", dimension("Sink", "memory")))
                .as("all but the last copy's own five lines").isEqualTo(memory.lineCount() - 5);
        assertThat(memory.lines().stream().filter(line -> !EmfValidator.looksLikeEmf(line)))
                .hasSize((int) (wrapper.get() + socket.get()));
        assertThat(memory.lines()).filteredOn(EmfValidator::looksLikeEmf).allMatch(MetricsReporter::isOwnLine);
    }

    @Test
    void lossesAreCountedByReasonAndInAll() {
        PipelineConfig small = PipelineConfig.from(Settings.of(Map.of("FIRETAP_BUFFER_BYTES", "64KiB",
                "FIRETAP_OVERFLOW", "drop")));
        TestSinks.Gated stuck = new TestSinks.Gated("stuck");
        ShippingPipeline pipeline = ShippingPipeline.builder().config(small).sink(new TestSinks.RejectsAll("refusing"))
                .sink(stuck).build();
        AtomicLong socket = new AtomicLong();
        MetricsReporter metrics = reporter(config(Duration.ZERO, Destination.STDERR), pipeline)
                .source("socket", socket::get).build();

        // the stuck sink holds every line, so the buffer fills and the rest overflows
        offer(pipeline, socket, Source.SOCKET, "x".repeat(200), 1_000);
        metrics.shutdownStarting();
        pipeline.shutdown(Duration.ofMillis(300));
        offer(pipeline, socket, Source.SOCKET, "too late", 7);
        metrics.shutdownDone();

        PipelineCounters end = pipeline.counters();
        assertThat(end.droppedOverflow()).isPositive();
        assertThat(end.droppedClosed()).isEqualTo(7);
        assertThat(end.sink("refusing").rejectedLines()).isPositive();
        assertThat(end.sink("stuck").expiredLines()).isPositive();

        List<EmfValidator.Document> docs = stderrDocuments();
        List<EmfValidator.Document> drops = docs.stream().filter(has("LinesDropped")).toList();
        assertThat(drops).extracting(d -> d.dimension("Reason"))
                .containsExactly("overflow", "closed", "rejected", "expired");
        assertThat(sum(drops, "LinesDropped", dimension("Reason", "overflow"))).isEqualTo(end.droppedOverflow());
        assertThat(sum(drops, "LinesDropped", dimension("Reason", "closed"))).isEqualTo(7);
        assertThat(sum(drops, "LinesDropped", dimension("Reason", "rejected").and(dimension("Sink", "refusing"))))
                .isEqualTo(end.sink("refusing").rejectedLines());
        assertThat(sum(drops, "LinesDropped", dimension("Reason", "expired").and(dimension("Sink", "stuck"))))
                .isEqualTo(end.sink("stuck").expiredLines());
        assertThat(sum(drops, "LinesDropped", d -> true)).isEqualTo(end.lostLines());
        assertThat(drops.get(0).dimensionSets()).containsExactly(List.of("FunctionName", "Reason"), List.of("FunctionName"));
        assertThat(drops.get(2).dimensionSets()).containsExactly(List.of("FunctionName", "Sink", "Reason"),
                List.of("FunctionName", "Reason"), List.of("FunctionName"));
        assertThat(sum(docs, "LinesReceived", d -> true)).isEqualTo(socket.get());
    }

    @Test
    void throughTheSinksOnlyWhileTheBufferIsLessThanHalfFullAndASkippedCopyIsCarriedOver() {
        TestSinks.Gated gated = new TestSinks.Gated("gated");
        PipelineConfig small = PipelineConfig.from(Settings.of(Map.of("FIRETAP_BUFFER_BYTES", "64KiB")));
        ShippingPipeline pipeline = ShippingPipeline.builder().config(small).sink(gated).build();
        AtomicLong socket = new AtomicLong();
        MetricsReporter metrics = reporter(config(Duration.ZERO, Destination.SINKS), pipeline)
                .source("socket", socket::get).build();
        InvocationBarrier barrier = metrics.measure(new InvocationBarrier() {
            @Override
            public Passage pass(ExtensionEvent.Invoke invoke) {
                return new Passage(invoke.requestId(), true, false, 1, 0, 1_000_000, InvocationBarrier.Hold.DELIVERED);
            }
        });

        offer(pipeline, socket, Source.SOCKET, "y".repeat(300), 120);   // about 41 KiB of the 64 KiB
        barrier.pass(invoke(1));   // due: but the buffer is more than half full
        assertThat(pipeline.counters().acceptedLines()).as("nothing of firetap's offered").isEqualTo(120);

        gated.release();
        assertThat(pipeline.flush(Duration.ofSeconds(20)).complete()).isTrue();
        barrier.pass(invoke(2));
        // what the real barrier does after its emission: the emission's lines go out with the invocation's
        assertThat(pipeline.flush(Duration.ofSeconds(20)).complete()).isTrue();
        metrics.shutdownStarting();
        pipeline.shutdown(Duration.ofSeconds(20));
        metrics.shutdownDone();

        List<EmfValidator.Document> viaSinks = emfLinesIn(gated.stored);
        assertThat(viaSinks.stream().filter(has("Invocations"))).as("the second emission and SHUTDOWN's").hasSize(2);
        assertThat(sum(viaSinks, "Invocations", d -> true)).isEqualTo(2);
        assertThat(sum(viaSinks, "InvocationsLeftPending", d -> true)).isEqualTo(2);
        assertThat(sum(viaSinks, "LinesReceived", d -> true)).isEqualTo(120);
        assertThat(sum(viaSinks, "LinesDelivered", d -> true)).as("the 120 lines and the second emission's 3")
                .isEqualTo(123);
        assertThat(err.size()).as("nothing on stderr without stderr").isZero();
    }

    @Test
    void offItIsTheBarrierItselfAndWritesNothing() {
        InMemorySink memory = new InMemorySink();
        ShippingPipeline pipeline = ShippingPipeline.builder().sink(memory).build();
        MetricsReporter metrics = reporter(MetricsConfig.off(), pipeline).build();
        InvocationBarrier barrier = new FlushingBarrier(pipeline);

        assertThat(metrics.measure(barrier)).isSameAs(barrier);
        metrics.shutdownStarting();
        pipeline.shutdown(Duration.ofSeconds(20));
        metrics.shutdownDone();

        assertThat(err.size()).isZero();
        assertThat(memory.lineCount()).isZero();
    }

    @Test
    void anInvocationAllocatesNothingWhenNoEmissionIsDue() {
        InMemorySink memory = new InMemorySink();
        ShippingPipeline pipeline = ShippingPipeline.builder().sink(memory).build();
        MetricsReporter metrics = MetricsReporter.builder(config(Duration.ofHours(1), Destination.STDERR,
                Destination.SINKS), FUNCTION, pipeline).stderr(stderr).build();
        InvocationBarrier.Passage passage = new InvocationBarrier.Passage("request", true, true, 0, 10, 2_000_000,
                InvocationBarrier.Hold.DELIVERED);
        InvocationBarrier barrier = metrics.measure(new InvocationBarrier() {
            @Override
            public Passage pass(ExtensionEvent.Invoke invoke) {
                return passage;
            }
        });
        ExtensionEvent.Invoke invoke = invoke(1);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) {
            barrier.pass(invoke);   // past the first hundred holds, where sampling starts
        }

        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            barrier.pass(invoke);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated by 100,000 invocations").isLessThan(1_024);
        assertThat(err.size()).isZero();
        pipeline.shutdown(Duration.ofSeconds(5));
    }

    @Test
    void holdsAreAtMostAHundredSamplesPerEmissionAndTheLargestIsAmongThem() {
        InMemorySink memory = new InMemorySink();
        ShippingPipeline pipeline = ShippingPipeline.builder().sink(memory).build();
        MetricsReporter metrics = reporter(config(Duration.ofSeconds(1), Destination.STDERR), pipeline).build();
        long[] hold = new long[1];
        InvocationBarrier barrier = metrics.measure(new InvocationBarrier() {
            @Override
            public Passage pass(ExtensionEvent.Invoke invoke) {
                return new Passage(invoke.requestId(), true, true, 0, 0, hold[0], InvocationBarrier.Hold.DELIVERED);
            }
        });
        // the largest early, so later samples could push it out of the reservoir
        for (int k = 1; k <= 1_000; k++) {
            hold[0] = TimeUnit.MILLISECONDS.toNanos(k == 3 ? 5_000 : k);
            barrier.pass(invoke(k));
        }
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        barrier.pass(invoke(1_001));   // due: the emission covers the thousand before it

        EmfValidator.Document first = stderrDocuments().get(0);
        assertThat(first.value("Invocations")).isEqualTo(1_000);
        List<Double> samples = first.metrics().get("Hold");
        assertThat(samples).hasSize(100).contains(5_000.0).doesNotHaveDuplicates();
        assertThat(Arrays.stream(samples.stream().mapToDouble(Double::doubleValue).toArray()))
                .allMatch(ms -> ms >= 1 && ms <= 1_000 || ms == 5_000);
        pipeline.shutdown(Duration.ofSeconds(5));
    }

    @Test
    void withoutAFunctionNameTheDimensionIsLeftOutRatherThanSentEmpty() {
        InMemorySink memory = new InMemorySink();
        ShippingPipeline pipeline = ShippingPipeline.builder().sink(memory).build();
        MetricsReporter metrics = MetricsReporter.builder(config(Duration.ZERO, Destination.STDERR),
                new FunctionMetadata("", "", 0, "", "", "", ""), pipeline).stderr(stderr).build();
        metrics.shutdownStarting();
        pipeline.shutdown(Duration.ofSeconds(5));
        metrics.shutdownDone();

        List<EmfValidator.Document> docs = stderrDocuments();
        assertThat(docs).hasSize(2);
        assertThat(docs.get(0).dimensionSets()).containsExactly(List.of());
        assertThat(docs.get(1).dimensionSets()).containsExactly(List.of("Sink"));
        assertThat(docs).allSatisfy(d -> assertThat(d.dimensions()).doesNotContainKey("FunctionName"));
    }
}
