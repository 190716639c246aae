package io.firetap.testkit.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.FunctionMetadata;
import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.core.config.Settings;
import io.firetap.core.pipeline.FlushResult;
import io.firetap.core.pipeline.OversizePolicy;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.core.pipeline.SinkCounters;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkLimits;
import io.firetap.testkit.fault.FaultKind;
import io.firetap.testkit.fault.Faults;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The behaviour every firetap {@link Sink} must show, as an abstract JUnit 5 test: extend it in a
 * sink module's tests, say how to reach a destination (a testkit endpoint) and how to read back
 * what it accepted, and the kit drives the sink through the real {@link ShippingPipeline}.
 *
 * <pre>{@code
 * class MySinkCompatibilityTest extends SinkCompatibilityKit {
 *     @Override
 *     protected Destination openDestination() {
 *         MyEndpoint endpoint = MyEndpoint.start();
 *         return new Destination() {
 *             public Sink newSink(Settings settings) { return new MySink(endpoint.uri(), settings); }
 *             public List<byte[]> acceptedRecords() { return endpoint.records(); }
 *             public Faults faults() { return endpoint.faults(); }
 *             public void close() { endpoint.close(); }
 *         };
 *     }
 * }
 * }</pre>
 *
 * <p>What it checks: every line delivered exactly once and in order without faults, with packing
 * on and off, and every record within the sink's own {@link SinkLimits}; a line longer than a
 * record split (or truncated with a visible marker) and never failing a batch; nothing lost under
 * throttling, per-entry failures, server errors, connection resets and latency; during an outage,
 * a flush that honours its deadline, and every line written during it delivered once it ends; a
 * shutdown that delivers what is left in bounded time.
 *
 * <p>No test waits out a wall-clock outage: the outage lasts until the destination has refused
 * enough calls to show the sink retried, then the kit ends it.
 *
 * <p>The tests are flat, each with a {@link DisplayName}, rather than in {@code @Nested} groups:
 * Surefire reports an inherited nested class under the kit's name, not the sink's, so two kits in
 * one module would share a report and a failure could not be traced to its sink.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
public abstract class SinkCompatibilityKit {

    /** Calls the destination must refuse during the outage before the kit ends it: a first attempt and two retries. */
    private static final int OUTAGE_REFUSED_CALLS = 3;

    /** The destination under test and how to observe it. */
    protected interface Destination extends AutoCloseable {
        /**
         * A new sink aimed at this destination; {@code settings} carries the kit's own variables
         * (pipeline settings) on top of whatever the sink needs.
         */
        Sink newSink(Settings settings);

        /**
         * What the destination accepted so far, in order: its records, or for destinations without
         * records (an HTTP endpoint) the bodies of its requests — each a run of {@code \n}-terminated lines.
         */
        List<byte[]> acceptedRecords();

        /** Whether {@link #acceptedRecords()} are the sink's records (so their count and size are checked). */
        default boolean keepsRecords() {
            return true;
        }

        /** The destination's fault switches. */
        Faults faults();

        /**
         * Calls the destination refused for breaking one of its limits (too many records, bytes per
         * call or per record, a missing field), described; a correct sink causes none.
         */
        default List<String> limitViolations() {
            return List.of();
        }

        @Override
        void close();
    }

    /** The mixes of faults every sink must ride out without losing a line. */
    enum FaultMix {
        /** 30 % of calls throttled as a whole. */
        THROTTLED_CALLS(f -> f.throttleCalls(0.3), false),
        /** 30 % of entries failing inside otherwise successful calls. */
        FAILED_ENTRIES(f -> f.failEntries(0.3), false),
        /** 20 % of calls answered with HTTP 500. */
        SERVER_ERRORS(f -> f.serverErrors(0.2), false),
        /** 10 % of connections reset mid-call: the sink cannot know whether the call took effect. */
        CONNECTION_RESETS(f -> f.resetConnections(0.1), true),
        /** Every call delayed by 40 ms. */
        LATENCY(f -> f.latency(Duration.ofMillis(40)), false),
        /** 20 % of calls throttled, 20 % of entries failing and 5 % HTTP 500, at once. */
        COMBINED(f -> f.throttleCalls(0.2).failEntries(0.2).serverErrors(0.05), false);

        private final Consumer<Faults> apply;
        private final boolean ambiguous;

        FaultMix(Consumer<Faults> apply, boolean ambiguous) {
            this.apply = apply;
            this.ambiguous = ambiguous;
        }

        /** Whether the fault can make a call succeed unseen, so a retry may deliver a line twice. */
        boolean mayDuplicate() {
            return ambiguous;
        }
    }

    private Destination destination;
    private final List<ShippingPipeline> pipelines = new ArrayList<>();

    /** Opens a fresh destination for one test. */
    protected abstract Destination openDestination() throws Exception;

    /** How long the kit waits for delivery in each test; raise it for slow destinations. */
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(30);
    }

    @BeforeEach
    void openTheDestination() throws Exception {
        destination = openDestination();
    }

    @AfterEach
    void closeEverything() {
        List<String> violations = destination == null ? List.of() : destination.limitViolations();
        for (ShippingPipeline p : pipelines) {
            p.shutdown(Duration.ofSeconds(2));
        }
        if (destination != null) {
            destination.faults().clear();
            destination.close();
        }
        assertThat(violations).as("calls that broke a limit of the destination").isEmpty();
    }

    /** The destination of the running test. */
    protected final Destination destination() {
        return destination;
    }

    // ---------------------------------------------------------------- without faults

    @ParameterizedTest(name = "packing {0}")
    @EnumSource(Packing.class)
    @DisplayName("delivers every line exactly once and in order")
    void deliversEveryLineExactlyOnceAndInOrder(Packing packing) {
        List<byte[]> lines = lines(3_000, 7, 1_500, 11);
        ShippingPipeline pipeline = pipeline(Map.of("FIRETAP_PACKING", Boolean.toString(packing == Packing.ON)));

        offer(pipeline, lines);
        FlushResult result = pipeline.flush(deliveryTimeout());

        assertThat(result.complete()).as("flush completed: %s", result).isTrue();
        assertThat(deliveredLines()).as("delivered lines, in order").containsExactlyElementsOf(text(lines));
        if (!destination.keepsRecords()) {
            // bodies, not records: nothing to count
        } else if (packing == Packing.OFF) {
            assertThat(destination.acceptedRecords()).hasSize(lines.size());
        } else {
            assertThat(destination.acceptedRecords().size()).as("records with packing on").isLessThan(lines.size() / 10);
        }
        assertThat(pipeline.counters().lostLines()).isZero();
    }

    @Test
    @DisplayName("keeps every record within the sink's own limits")
    void everyRecordStaysWithinTheSinksOwnLimits() {
        // ~15 MB in lines of up to 60 KB: several calls at every AWS service's bytes-per-call limit
        List<byte[]> lines = lines(500, 1, 60_000, 23);
        ShippingPipeline pipeline = pipeline(Map.of());
        SinkLimits limits = pipeline.sinks().get(0).limits();

        offer(pipeline, lines);
        assertThat(pipeline.flush(deliveryTimeout()).complete()).isTrue();

        if (destination.keepsRecords()) {
            assertThat(destination.acceptedRecords()).allSatisfy(record ->
                    assertThat(record.length).isLessThanOrEqualTo(limits.maxRecordBytes()));
        }
        assertThat(deliveredLines()).containsExactlyElementsOf(text(lines));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @DisplayName("at shutdown, delivers what is left and returns in bounded time")
    void shutdownDeliversWhatIsLeftAndReturnsInBoundedTime() {
        List<byte[]> lines = lines(1_000, 5, 200, 7);
        ShippingPipeline pipeline = pipeline(Map.of());
        offer(pipeline, lines);

        FlushResult result = pipeline.shutdown(Duration.ofSeconds(5));

        assertThat(result.complete()).as("shutdown delivered everything: %s", result).isTrue();
        assertThat(deliveredLines()).containsExactlyElementsOf(text(lines));
    }

    // ---------------------------------------------------------------- a line longer than a record

    @Test
    @DisplayName("splits a line longer than a record into pieces, and the next lines stay whole")
    void aLineLongerThanARecordIsSplitIntoPiecesAndTheNextLinesStayWhole() {
        ShippingPipeline pipeline = pipeline(Map.of());
        int recordLimit = pipeline.sinks().get(0).limits().maxRecordBytes();
        byte[] huge = new byte[recordLimit * 2 + 17];
        new Random(5).nextBytes(huge);
        for (int i = 0; i < huge.length; i++) {
            huge[i] = (byte) ('a' + Math.floorMod(huge[i], 26));
        }
        offer(pipeline, List.of("before".getBytes(StandardCharsets.UTF_8), huge, "after".getBytes(StandardCharsets.UTF_8)));
        assertThat(pipeline.flush(deliveryTimeout()).complete()).isTrue();

        List<String> delivered = deliveredLines();
        assertThat(delivered.get(0)).isEqualTo("before");
        assertThat(delivered.get(delivered.size() - 1)).isEqualTo("after");
        String rejoined = String.join("", delivered.subList(1, delivered.size() - 1));
        assertThat(rejoined).as("the pieces of the long line, in order").isEqualTo(new String(huge, StandardCharsets.US_ASCII));
        assertThat(delivered.size()).as("pieces + 2").isGreaterThanOrEqualTo(5);
    }

    @Test
    @DisplayName("truncates a line longer than a record with a visible marker when so configured")
    void truncationKeepsAVisibleMarkerWhenConfigured() {
        ShippingPipeline pipeline = pipeline(Map.of("FIRETAP_OVERSIZE", Settings.spelling(OversizePolicy.TRUNCATE)));
        int recordLimit = pipeline.sinks().get(0).limits().maxRecordBytes();
        byte[] huge = "x".repeat(recordLimit + 1_000).getBytes(StandardCharsets.US_ASCII);
        offer(pipeline, List.of(huge, "after".getBytes(StandardCharsets.UTF_8)));
        assertThat(pipeline.flush(deliveryTimeout()).complete()).isTrue();

        List<String> delivered = deliveredLines();
        assertThat(delivered).hasSize(2);
        assertThat(delivered.get(0)).startsWith("xxxx").contains("[firetap: truncated");
        assertThat(delivered.get(1)).isEqualTo("after");
    }

    // ---------------------------------------------------------------- faults

    @ParameterizedTest(name = "{0}")
    @EnumSource(FaultMix.class)
    @DisplayName("loses no line under faults")
    void nothingIsLostUnderFaults(FaultMix mix) {
        // 25 calls' worth at 40 records a call: enough for every fault to strike many times
        List<byte[]> lines = lines(1_000, 5, 400, mix.ordinal());
        ShippingPipeline pipeline = pipeline(Map.of("FIRETAP_BATCH_MAX_RECORDS", "40", "FIRETAP_PACKING", "false"));
        mix.apply.accept(destination.faults());

        offer(pipeline, lines);
        FlushResult result = pipeline.flush(deliveryTimeout());
        destination.faults().clear();

        assertThat(result.complete()).as("flush completed under %s: %s", mix, result).isTrue();
        assertThat(pipeline.counters().lostLines()).isZero();
        List<String> delivered = deliveredLines();
        Map<String, Integer> seen = counts(delivered);
        assertThat(seen.keySet()).as("every line arrived").containsAll(text(lines));
        if (!mix.mayDuplicate()) {
            assertThat(delivered).as("each line exactly once").hasSameSizeAs(lines);
        }
    }

    /**
     * The outage opens before the lines are written and lasts through a flush with a short deadline;
     * the kit ends it once the destination has refused {@link #OUTAGE_REFUSED_CALLS} calls, which
     * shows the sink kept retrying. No wall-clock outage to wait out.
     */
    @Test
    @DisplayName("during an outage, a flush honours its deadline; once it ends, every line written during it goes out")
    void aFlushHonoursItsDeadlineDuringAnOutageAndTheRestGoesOutOnceItEnds() throws InterruptedException {
        List<byte[]> lines = lines(500, 5, 200, 99);
        ShippingPipeline pipeline = pipeline(Map.of("FIRETAP_RETRY_MAX", "500ms"));
        Faults faults = destination.faults();
        faults.outage();

        offer(pipeline, lines);
        long start = System.nanoTime();
        FlushResult during = pipeline.flush(Duration.ofMillis(300));
        Duration duringTook = Duration.ofNanos(System.nanoTime() - start);
        boolean retried = faults.awaitInjected(FaultKind.OUTAGE, OUTAGE_REFUSED_CALLS, deliveryTimeout());
        faults.endOutage();
        FlushResult after = pipeline.flush(deliveryTimeout());

        assertThat(during.complete()).as("flush during the outage").isFalse();
        assertThat(during.pendingLines()).isPositive();
        // 300 ms asked for: the bound only catches a flush that waits for the outage to end
        assertThat(duringTook).as("time the flush during the outage took").isLessThan(Duration.ofSeconds(10));
        assertThat(retried).as("the destination refused %d calls during the outage: %s", OUTAGE_REFUSED_CALLS,
                faults.injected()).isTrue();
        assertThat(after.complete()).as("flush after the outage: %s", after).isTrue();
        assertThat(counts(deliveredLines()).keySet()).containsAll(text(lines));
        long refused = faults.injected().count(FaultKind.OUTAGE);
        SinkCounters counters = pipeline.counters().sinks().get(0);
        assertThat(counters.failedCalls()).as("the counters show the failed calls (the destination refused %d)", refused)
                .isPositive()
                .isLessThanOrEqualTo(refused);
        assertThat(counters.deliveredLines()).isGreaterThanOrEqualTo(lines.size());
        assertThat(pipeline.counters().lostLines()).isZero();
    }

    // ---------------------------------------------------------------- helpers for subclasses

    /** Packing on or off. */
    public enum Packing { ON, OFF }

    /** A pipeline over a new sink of the destination, with the kit's settings on top of {@code extra}. */
    protected final ShippingPipeline pipeline(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>();
        values.put("FIRETAP_FLUSH_INTERVAL", "50ms");
        values.put("FIRETAP_RETRY_BASE", "5ms");
        values.put("FIRETAP_RETRY_MAX", "100ms");
        values.put("FIRETAP_SEND_TIMEOUT", "5s");
        // a full buffer holds the writer until the sink catches up, however slow the machine: these
        // tests count lines delivered, not how long a writer may be held (the pipeline's own tests do)
        values.put("FIRETAP_BLOCK_TIMEOUT", "30s");
        values.putAll(extra);
        Settings settings = Settings.of(values);
        Sink sink = destination.newSink(settings);
        ShippingPipeline pipeline = ShippingPipeline.builder()
                .config(PipelineConfig.from(settings))
                .function(FunctionMetadata.from(settings))
                .sink(sink)
                .build();
        pipelines.add(pipeline);
        return pipeline;
    }

    /** Everything the destination accepted, cut into lines (records are concatenations of {@code \n}-terminated lines). */
    protected final List<String> deliveredLines() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] record : destination.acceptedRecords()) {
            all.writeBytes(record);
        }
        String text = all.toString(StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** {@code n} distinct ASCII lines of {@code min}–{@code max} bytes, reproducible from {@code seed}. */
    protected static List<byte[]> lines(int n, int min, int max, long seed) {
        Random random = new Random(seed);
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String head = "line " + i + " ";
            int size = Math.max(head.length(), min + random.nextInt(max - min + 1));
            StringBuilder sb = new StringBuilder(size).append(head);
            while (sb.length() < size) {
                sb.append((char) ('a' + random.nextInt(26)));
            }
            out.add(sb.toString().getBytes(StandardCharsets.US_ASCII));
        }
        return out;
    }

    /** Offers every line, as the wrapper's socket would. */
    protected static void offer(ShippingPipeline pipeline, List<byte[]> lines) {
        for (byte[] line : lines) {
            assertThat(pipeline.offer(LogLine.of(line, System.currentTimeMillis(), Source.WRAPPER, null))).isTrue();
        }
    }

    private static List<String> text(List<byte[]> lines) {
        return lines.stream().map(l -> new String(l, StandardCharsets.UTF_8)).toList();
    }

    private static Map<String, Integer> counts(List<String> lines) {
        Map<String, Integer> counts = new HashMap<>();
        lines.forEach(l -> counts.merge(l, 1, Integer::sum));
        return counts;
    }
}
