package io.firetap.extension.internal.metrics;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.firetap.core.FunctionMetadata;
import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.pipeline.PipelineCounters;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.core.pipeline.SinkCounters;
import io.firetap.extension.ExtensionEvent;
import io.firetap.extension.internal.InvocationBarrier;
import io.firetap.extension.internal.SocketReceiver;
import io.firetap.extension.internal.TelemetryListener;
import io.firetap.extension.internal.RuntimeOutput;
import io.firetap.extension.metrics.MetricsConfig;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * firetap's own metrics, in CloudWatch's embedded metric format (see {@link EmfDocument}): what came
 * in by source, what each sink delivered, retried and dropped and why, how long each invocation was
 * held and — with {@link SinkMeasures} — how long lines waited for their sink and how high each
 * sink's backlog and the buffer rose.
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>Counters are deltas since the destination's previous emission, so CloudWatch's {@code Sum}
 *       over any period is what happened in it; gauges ({@value #BUFFERED_BYTES},
 *       {@value #LINES_PENDING}) are the value at the emission.</li>
 *   <li>An emission happens at the first invocation at least {@link MetricsConfig#interval()} after
 *       the previous one — before the barrier, while the function runs, so its lines through the
 *       sinks go out with that invocation's flush — and at SHUTDOWN. A frozen environment has no
 *       timers: invocation boundaries are the only moments firetap runs.</li>
 *   <li>Off, it costs nothing: {@link #measure} returns the barrier itself. On, an invocation when
 *       nothing is due reads the clock, counts and keeps its hold in a fixed array: no allocation.</li>
 *   <li>Lines go to standard error (one write per emission) and, with {@code sinks}, into the pipeline
 *       as lines of their own — but only while the buffer is less than half full, so they never
 *       make a writer wait or push out the function's lines; a skipped copy's counts go out with the
 *       next one. Nothing of a line's content or of the configuration's secrets is in a metric.</li>
 *   <li>Failures are logged through firetap's diagnostics, never through the pipeline.</li>
 * </ul>
 * Confined to the extension's event-loop thread, like the barrier it measures.
 */
public final class MetricsReporter {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsReporter.class);

    /** Lines handed to the pipeline by a source (including lines it then refused), per {@value #SOURCE}. */
    public static final String LINES_RECEIVED = "LinesReceived";
    /** Lines a sink acknowledged, per {@value #SINK}. */
    public static final String LINES_DELIVERED = "LinesDelivered";
    /** Records a sink acknowledged (what Firehose and Kinesis bill by). */
    public static final String RECORDS_DELIVERED = "RecordsDelivered";
    /** Payload bytes a sink acknowledged. */
    public static final String BYTES_DELIVERED = "BytesDelivered";
    /** Records sent again after a retryable failure. */
    public static final String RECORDS_RETRIED = "RecordsRetried";
    /** Gauge: lines accepted that a sink has not settled yet. */
    public static final String LINES_PENDING = "LinesPending";
    /** Lines lost, per {@value #REASON}; only emitted when there were some. */
    public static final String LINES_DROPPED = "LinesDropped";
    /** Invocations the barrier passed. */
    public static final String INVOCATIONS = "Invocations";
    /** Invocations the barrier let go with lines still undelivered (flush budget or deadline reached). */
    public static final String INVOCATIONS_LEFT_PENDING = "InvocationsLeftPending";
    /** Per invocation: how long the barrier held the environment after the end of the invocation's output. */
    public static final String HOLD = "Hold";
    /** Gauge: bytes the shared buffer holds (lines plus a fixed per-line overhead). */
    public static final String BUFFERED_BYTES = "BufferedBytes";
    /** The most bytes the shared buffer held since the previous emission (see {@link SinkMeasures}). */
    public static final String BUFFERED_BYTES_HIGH_WATER = "BufferedBytesHighWater";
    /** Per sink: the most lines it had pending since the previous emission (see {@link SinkMeasures}). */
    public static final String LINES_PENDING_HIGH_WATER = "LinesPendingHighWater";
    /**
     * Per sink and call that delivered: from the arrival of the oldest line in flight to the call's answer
     * (see {@link SinkMeasures}); up to a hundred values per emission.
     */
    public static final String DELIVERY_DELAY = "DeliveryDelay";
    /** Per sink: lines written to disk because the memory bound was reached ({@code FIRETAP_OVERFLOW=spill}). */
    public static final String LINES_SPILLED = "LinesSpilled";

    public static final String FUNCTION_NAME = "FunctionName";
    public static final String SOURCE = "Source";
    public static final String SINK = "Sink";
    public static final String REASON = "Reason";

    public static final String SOURCE_WRAPPER = "wrapper";
    public static final String SOURCE_SOCKET = "socket";
    public static final String SOURCE_TELEMETRY = "telemetry";
    public static final String REASON_OVERFLOW = "overflow";
    public static final String REASON_CLOSED = "closed";
    public static final String REASON_REJECTED = "rejected";
    public static final String REASON_EXPIRED = "expired";
    /** Lines the spill files could not take (cap reached, disk full, write error). */
    public static final String REASON_SPILL_FAILED = "spill-failed";
    /** Spilled lines a sink could not read back from disk (a marker line went in their place). */
    public static final String REASON_SPILL_UNREADABLE = "spill-unreadable";

    /** Hold samples kept per emission: the format's limit on one metric's values. */
    static final int HOLD_SAMPLES = EmfDocument.MAX_VALUES_PER_METRIC;

    private final MetricsConfig config;
    private final ShippingPipeline pipeline;
    private final String functionName;
    private final String[] sourceNames;
    private final LongSupplier[] sourceLines;
    private final PrintStream stderr;
    private final SinkMeasures measures;
    private final LongSupplier nanoClock;
    private final LongSupplier epochMillisClock;
    private final long intervalNanos;
    private final boolean toStderr;
    private final boolean toSinks;

    private long lastEmissionNanos;
    private long invocations;
    private long leftPending;
    private final long[] holdNanos;
    private int holdsSeen;
    private long holdMax;
    private Totals stderrBaseline;
    private Totals sinksBaseline;
    private boolean failureLogged;

    private MetricsReporter(Builder b, List<String> sourceNames, List<LongSupplier> sourceLines) {
        this.config = b.config;
        this.pipeline = b.pipeline;
        this.functionName = b.function.name();
        this.sourceNames = sourceNames.toArray(new String[0]);
        this.sourceLines = sourceLines.toArray(new LongSupplier[0]);
        this.stderr = b.stderr != null ? b.stderr : System.err;
        this.measures = b.measures != null ? b.measures : SinkMeasures.off();
        this.nanoClock = b.nanoClock != null ? b.nanoClock : System::nanoTime;
        this.epochMillisClock = b.epochMillisClock != null ? b.epochMillisClock : System::currentTimeMillis;
        this.intervalNanos = config.interval().toNanos();
        this.toStderr = config.destinations().contains(MetricsConfig.Destination.STDERR);
        this.toSinks = config.destinations().contains(MetricsConfig.Destination.SINKS);
        this.lastEmissionNanos = nanoClock.getAsLong();
        this.holdNanos = new long[HOLD_SAMPLES];
        Totals zero = Totals.zero(pipeline, this.sourceNames.length);
        this.stderrBaseline = zero;
        this.sinksBaseline = zero;
    }

    /** Off: nothing is read, kept or written. */
    private MetricsReporter(MetricsConfig config) {
        this.config = config;
        this.pipeline = null;
        this.functionName = "";
        this.sourceNames = new String[0];
        this.sourceLines = new LongSupplier[0];
        this.stderr = null;
        this.measures = SinkMeasures.off();
        this.holdNanos = null;
        this.nanoClock = null;
        this.epochMillisClock = null;
        this.intervalNanos = 0;
        this.toStderr = false;
        this.toSinks = false;
    }

    /**
     * A reporter for {@code config}, reading {@code pipeline}'s counters; lines are labelled with
     * {@code function}'s name.
     */
    public static Builder builder(MetricsConfig config, FunctionMetadata function, ShippingPipeline pipeline) {
        return new Builder(config, function, pipeline);
    }

    /** Whether {@code line} is one of firetap's own metrics lines (so it is not shipped again when it comes back). */
    public static boolean isOwnLine(String line) {
        return EmfDocument.isOwn(line);
    }

    /** {@link #isOwnLine} for a line already parsed as a JSON object. */
    public static boolean isOwnDocument(JsonObject document) {
        JsonElement emitter = document.get(EmfDocument.EMITTER_MEMBER);
        return document.has("_aws") && emitter != null && emitter.isJsonPrimitive()
                && EmfDocument.EMITTER.equals(emitter.getAsString());
    }

    public MetricsConfig config() {
        return config;
    }

    /**
     * {@code barrier}, measured: each passage emits first when an emission is due, then counts the
     * invocation and keeps its hold. Off, {@code barrier} itself.
     */
    public InvocationBarrier measure(InvocationBarrier barrier) {
        Objects.requireNonNull(barrier, "barrier");
        return config.enabled() ? new MeasuredBarrier(barrier) : barrier;
    }

    /**
     * At SHUTDOWN, once the receivers have stopped and before the pipeline's last delivery: the copy
     * through the sinks, which must be offered while the pipeline still takes lines. It cannot count
     * what that last delivery does; the standard-error copy after it does.
     */
    public void shutdownStarting() {
        if (toSinks) {
            emitSafely(false, true, false);
        }
    }

    /** At SHUTDOWN, after the pipeline's last delivery: the standard-error copy, covering everything. */
    public void shutdownDone() {
        if (toStderr) {
            emitSafely(true, false, true);
        }
    }

    private final class MeasuredBarrier implements InvocationBarrier {
        private final InvocationBarrier barrier;

        MeasuredBarrier(InvocationBarrier barrier) {
            this.barrier = barrier;
        }

        @Override
        public Passage pass(ExtensionEvent.Invoke invoke) {
            long now = nanoClock.getAsLong();
            if (now - lastEmissionNanos >= intervalNanos) {
                lastEmissionNanos = now;
                emitSafely(toStderr, toSinks, true);
            }
            Passage passage = barrier.pass(invoke);
            passed(passage);
            return passage;
        }
    }

    private void passed(InvocationBarrier.Passage passage) {
        invocations++;
        if (!passage.delivered()) {
            leftPending++;
        }
        long hold = passage.flushNanos();
        // a uniform sample of this emission's holds (reservoir sampling), plus the largest, kept aside
        if (holdsSeen < HOLD_SAMPLES) {
            holdNanos[holdsSeen] = hold;
        } else {
            long slot = ThreadLocalRandom.current().nextLong(holdsSeen + 1L);
            if (slot < HOLD_SAMPLES) {
                holdNanos[(int) slot] = hold;
            }
        }
        holdsSeen++;
        if (hold > holdMax) {
            holdMax = hold;
        }
    }

    private void emitSafely(boolean stderrCopy, boolean sinksCopy, boolean resetHolds) {
        try {
            emit(stderrCopy, sinksCopy, resetHolds);
        } catch (RuntimeException e) {
            // never through the pipeline, and once: a broken emission would fail the same way every time
            if (!failureLogged) {
                failureLogged = true;
                LOG.warn("firetap's metrics could not be emitted; the counts go out with the next emission", e);
            }
        } finally {
            if (resetHolds) {
                holdsSeen = 0;
                holdMax = 0;
            }
        }
    }

    private void emit(boolean stderrCopy, boolean sinksCopy, boolean resetWindows) {
        long now = epochMillisClock.getAsLong();
        Totals current = totals();
        double[] holds = holdSamples();
        SinkMeasures.Reading[] readings = readings(current.pipeline(), resetWindows);
        if (sinksCopy) {
            List<String> lines = documents(current, sinksBaseline, holds, readings, now);
            if (offerToSinks(lines, current.pipeline())) {
                sinksBaseline = current;
            }
        }
        if (stderrCopy) {
            List<String> lines = documents(current, stderrBaseline, holds, readings, now);
            StringBuilder out = new StringBuilder(lines.size() * 512);
            for (String line : lines) {
                out.append(line).append('\n');
            }
            byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
            // one write: the emission's lines never interleave with diagnostics from other threads
            stderr.write(bytes, 0, bytes.length);
            stderr.flush();
            stderrBaseline = current;
        }
    }

    /**
     * Offers the lines unless the buffer is half full or more: then they would add to an overflow and,
     * with the {@code block} policy, hold this thread. Returns whether they were offered (what the
     * pipeline refused after all is counted there, as any line is).
     */
    private boolean offerToSinks(List<String> lines, PipelineCounters counters) {
        List<LogLine> records = new ArrayList<>(lines.size());
        long needed = 0;
        long stamp = epochMillisClock.getAsLong();
        for (String line : lines) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            needed += bytes.length + PipelineConfig.LINE_OVERHEAD_BYTES;
            // an extension's own output is what the Telemetry API would label these lines
            records.add(LogLine.of(bytes, stamp, Source.TELEMETRY_EXTENSION, null));
        }
        if (counters.bufferedBytes() + needed > counters.bufferCapacity() / 2) {
            LOG.debug("metrics not offered to the sinks: the buffer holds {} of {} bytes; the next copy carries"
                    + " their counts", counters.bufferedBytes(), counters.bufferCapacity());
            return false;
        }
        pipeline.offerAll(records);
        return true;
    }

    private Totals totals() {
        long[] received = new long[sourceLines.length];
        for (int i = 0; i < received.length; i++) {
            received[i] = sourceLines[i].getAsLong();
        }
        return new Totals(pipeline.counters(), received, invocations, leftPending);
    }

    /** Each sink's delays and high-water marks, or {@code null} when the sinks are not measured. */
    private SinkMeasures.Reading[] readings(PipelineCounters counters, boolean reset) {
        if (!measures.measuring()) {
            return null;
        }
        SinkMeasures.Reading[] readings = new SinkMeasures.Reading[counters.sinks().size()];
        for (int i = 0; i < readings.length; i++) {
            readings[i] = measures.read(i, counters, reset);
        }
        return readings;
    }

    /** This emission's holds in milliseconds, the largest always among them. */
    private double[] holdSamples() {
        int n = Math.min(holdsSeen, HOLD_SAMPLES);
        double[] ms = new double[n];
        boolean maxKept = false;
        for (int i = 0; i < n; i++) {
            ms[i] = millis(holdNanos[i]);
            maxKept |= holdNanos[i] == holdMax;
        }
        if (n > 0 && !maxKept) {
            ms[ThreadLocalRandom.current().nextInt(n)] = millis(holdMax);
        }
        return ms;
    }

    static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    /**
     * The emission's documents: the function's, one per source that has received a line, one per sink,
     * one per cause of loss that occurred since the previous emission.
     */
    private List<String> documents(Totals now, Totals before, double[] holds, SinkMeasures.Reading[] readings,
            long timestampMillis) {
        List<String> lines = new ArrayList<>();
        PipelineCounters c = now.pipeline();
        PipelineCounters b = before.pipeline();

        EmfDocument function = document().dimensionSet(FUNCTION_NAME)
                .metric(INVOCATIONS, MetricUnit.COUNT, now.invocations() - before.invocations())
                .metric(INVOCATIONS_LEFT_PENDING, MetricUnit.COUNT, now.leftPending() - before.leftPending());
        if (holds.length > 0) {
            function.metric(HOLD, MetricUnit.MILLISECONDS, holds);
        }
        function.metric(BUFFERED_BYTES, MetricUnit.BYTES, c.bufferedBytes());
        if (readings != null) {
            long peak = c.bufferedBytes();
            for (SinkMeasures.Reading r : readings) {
                peak = Math.max(peak, r.bufferedBytesPeak());
            }
            function.metric(BUFFERED_BYTES_HIGH_WATER, MetricUnit.BYTES, peak);
        }
        lines.add(function.toJson(timestampMillis));

        for (int i = 0; i < sourceNames.length; i++) {
            if (now.received()[i] == 0) {
                // a source nothing has come through yet (the socket no client uses, telemetry while the
                // wrapper delivers the output) would only add a custom metric to the bill
                continue;
            }
            lines.add(document().dimension(SOURCE, sourceNames[i])
                    .dimensionSet(FUNCTION_NAME, SOURCE).dimensionSet(FUNCTION_NAME)
                    .metric(LINES_RECEIVED, MetricUnit.COUNT, now.received()[i] - before.received()[i])
                    .toJson(timestampMillis));
        }
        for (int i = 0; i < c.sinks().size(); i++) {
            SinkCounters s = c.sinks().get(i);
            SinkCounters p = b.sinks().get(i);
            EmfDocument sink = document().dimension(SINK, s.sink()).dimensionSet(FUNCTION_NAME, SINK)
                    .metric(LINES_DELIVERED, MetricUnit.COUNT, s.deliveredLines() - p.deliveredLines())
                    .metric(RECORDS_DELIVERED, MetricUnit.COUNT, s.deliveredRecords() - p.deliveredRecords())
                    .metric(BYTES_DELIVERED, MetricUnit.BYTES, s.deliveredBytes() - p.deliveredBytes())
                    .metric(RECORDS_RETRIED, MetricUnit.COUNT, s.retriedRecords() - p.retriedRecords())
                    .metric(LINES_PENDING, MetricUnit.COUNT, s.pendingLines());
            if (readings != null) {
                sink.metric(LINES_PENDING_HIGH_WATER, MetricUnit.COUNT, readings[i].pendingLinesPeak());
                if (readings[i].delaysMillis().length > 0) {
                    sink.metric(DELIVERY_DELAY, MetricUnit.MILLISECONDS, readings[i].delaysMillis());
                }
            }
            // the spill files are shared: each sink counts every spilled line it will read back
            sink.metric(LINES_SPILLED, MetricUnit.COUNT, s.spilledLines() - p.spilledLines());
            lines.add(sink.toJson(timestampMillis));
        }
        dropped(lines, null, REASON_OVERFLOW, c.droppedOverflow() - b.droppedOverflow(), timestampMillis);
        dropped(lines, null, REASON_CLOSED, c.droppedClosed() - b.droppedClosed(), timestampMillis);
        dropped(lines, null, REASON_SPILL_FAILED, c.droppedSpill() - b.droppedSpill(), timestampMillis);
        for (int i = 0; i < c.sinks().size(); i++) {
            SinkCounters s = c.sinks().get(i);
            SinkCounters p = b.sinks().get(i);
            dropped(lines, s.sink(), REASON_REJECTED, s.rejectedLines() - p.rejectedLines(), timestampMillis);
            dropped(lines, s.sink(), REASON_EXPIRED, s.expiredLines() - p.expiredLines(), timestampMillis);
            dropped(lines, s.sink(), REASON_SPILL_UNREADABLE, s.spillLostLines() - p.spillLostLines(), timestampMillis);
        }
        return lines;
    }

    /**
     * A loss document when {@code count} is not zero: by reason (and sink, for a sink's losses), and in
     * all under the function alone, so one alarm on {@code LinesDropped} covers every cause.
     */
    private void dropped(List<String> lines, String sink, String reason, long count, long timestampMillis) {
        if (count == 0) {
            return;
        }
        EmfDocument d = document().dimension(REASON, reason);
        if (sink != null) {
            d.dimension(SINK, sink).dimensionSet(FUNCTION_NAME, SINK, REASON);
        }
        d.dimensionSet(FUNCTION_NAME, REASON).dimensionSet(FUNCTION_NAME)
                .metric(LINES_DROPPED, MetricUnit.COUNT, count);
        lines.add(d.toJson(timestampMillis));
    }

    private EmfDocument document() {
        return new EmfDocument(config.namespace()).dimension(FUNCTION_NAME, functionName);
    }

    /** Every cumulative figure at one moment; an emission sends the difference to the previous one. */
    private record Totals(PipelineCounters pipeline, long[] received, long invocations, long leftPending) {
        static Totals zero(ShippingPipeline pipeline, int sources) {
            List<SinkCounters> sinks = new ArrayList<>();
            for (var sink : pipeline.sinks()) {
                sinks.add(new SinkCounters(sink.name(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
            }
            return new Totals(new PipelineCounters(0, 0, 0, 0, 0, sinks), new long[sources], 0, 0);
        }
    }

    /**
     * Builds a {@link MetricsReporter}; sources are optional, a {@code null} argument is skipped. When
     * metrics are off, nothing given here is read.
     */
    public static final class Builder {
        private final MetricsConfig config;
        private final FunctionMetadata function;
        private final ShippingPipeline pipeline;
        private final List<String> sourceNames = new ArrayList<>();
        private final List<LongSupplier> sourceLines = new ArrayList<>();
        private RuntimeOutput wrapper;
        private SocketReceiver socket;
        private TelemetryListener telemetry;
        private PrintStream stderr;
        private SinkMeasures measures;
        private LongSupplier nanoClock;
        private LongSupplier epochMillisClock;

        private Builder(MetricsConfig config, FunctionMetadata function, ShippingPipeline pipeline) {
            this.config = Objects.requireNonNull(config, "config");
            this.function = Objects.requireNonNull(function, "function");
            this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        }

        /** A source of lines, as the number of lines it has handed to the pipeline so far. */
        public Builder source(String name, LongSupplier linesSoFar) {
            sourceNames.add(Objects.requireNonNull(name, "name"));
            sourceLines.add(Objects.requireNonNull(linesSoFar, "linesSoFar"));
            return this;
        }

        /** The wrapped runtime's stdout ({@value #SOURCE_WRAPPER}), when the intake is open. */
        public Builder wrapper(RuntimeOutput output) {
            this.wrapper = output;
            return this;
        }

        /** The UNIX socket's clients ({@value #SOURCE_SOCKET}). */
        public Builder socket(SocketReceiver receiver) {
            this.socket = receiver;
            return this;
        }

        /** The Telemetry listener ({@value #SOURCE_TELEMETRY}), when it is subscribed. */
        public Builder telemetry(TelemetryListener listener) {
            this.telemetry = listener;
            return this;
        }

        /** Where the standard-error copy goes (tests capture it); {@code System.err} by default. */
        public Builder stderr(PrintStream out) {
            this.stderr = Objects.requireNonNull(out, "out");
            return this;
        }

        /**
         * The measures of the pipeline's sinks ({@link SinkMeasures#sinks()} built the pipeline): with
         * them, each sink's write-to-delivery delays and high-water marks are reported too.
         */
        public Builder measures(SinkMeasures sinkMeasures) {
            this.measures = Objects.requireNonNull(sinkMeasures, "sinkMeasures");
            return this;
        }

        /** The clocks that decide when an emission is due and stamp it (tests move them). */
        public Builder clocks(LongSupplier nanoTime, LongSupplier epochMillis) {
            this.nanoClock = Objects.requireNonNull(nanoTime, "nanoTime");
            this.epochMillisClock = Objects.requireNonNull(epochMillis, "epochMillis");
            return this;
        }

        public MetricsReporter build() {
            if (!config.enabled()) {
                return new MetricsReporter(config);
            }
            List<String> names = new ArrayList<>();
            List<LongSupplier> lines = new ArrayList<>();
            if (wrapper != null) {
                RuntimeOutput w = wrapper;
                names.add(SOURCE_WRAPPER);
                lines.add(w::lines);
            }
            if (socket != null) {
                SocketReceiver r = socket;
                names.add(SOURCE_SOCKET);
                lines.add(() -> r.stats().lines());
            }
            if (telemetry != null) {
                TelemetryListener t = telemetry;
                names.add(SOURCE_TELEMETRY);
                lines.add(() -> t.stats().lines());
            }
            names.addAll(sourceNames);
            lines.addAll(sourceLines);
            LOG.debug("metrics: {}", config.describe());
            return new MetricsReporter(this, names, lines);
        }
    }
}
