package io.firetap.core.pipeline;

import io.firetap.core.FunctionMetadata;
import io.firetap.core.LogLine;
import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import io.firetap.core.config.Sizes;
import io.firetap.core.internal.Lane;
import io.firetap.core.internal.LossReporter;
import io.firetap.core.internal.LineBuffer;
import io.firetap.core.internal.SpillStore;
import io.firetap.core.sink.Sink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * firetap's shipping pipeline: a bounded buffer in front of one worker per sink.
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>Memory is bounded by {@link PipelineConfig#bufferBytes()}; a full buffer spills to disk (up to
 *       {@link PipelineConfig#spillMaxBytes()}), blocks writers (bounded) or drops, per {@link OverflowPolicy},
 *       and every dropped line is counted. Spilled lines go out in order with the others; at shutdown
 *       what is still on disk is delivered within the deadline or counted, and the files are deleted.</li>
 *   <li>Each sink gets batches within its {@link io.firetap.core.sink.SinkLimits}; a batch leaves
 *       when it is full, when its oldest line has waited {@link PipelineConfig#flushInterval()}, or
 *       on {@link #flush}. One batch per sink is in flight at a time, so lines keep their order.</li>
 *   <li>Entries a sink reports as retryable failures are sent again alone, with exponential
 *       backoff and full jitter; entries it rejects for good are counted and reported.</li>
 *   <li>Every wait is bounded: {@link #flush} and {@link #shutdown} return by their deadline and
 *       say what is still pending.</li>
 *   <li>No line is lost without a counter in {@link #counters()} and a rate-limited log line that
 *       says how many and why.</li>
 *   <li>Left to its interval (no flush asked for, no batch full, the buffer less than half full), a
 *       sink gets at most one call per {@link PipelineConfig#flushInterval()}: the interval runs from
 *       the first line that arrives after the previous batch was taken.</li>
 *   <li>Each sink has a {@link DeliveryClass}. The flushes that name one ({@link #flush(Duration,
 *       DeliveryClass)}, {@link #flushAcceptedBy}) ask only the sinks of that class to send early and
 *       wait only for them; the others keep their interval. {@link #shutdown} delivers to every sink.</li>
 * </ul>
 */
public final class ShippingPipeline implements Intake, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShippingPipeline.class);
    private static final long LOSS_REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Share of a shutdown's time kept for the sinks' own shutdown. */
    private static final double SINK_SHUTDOWN_SHARE = 0.1;

    private final PipelineConfig config;
    private final List<Sink> sinks;
    private final DeliveryClass[] delivery;
    private final LineBuffer buffer;
    private final List<Lane> lanes = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean workersStarted = new java.util.concurrent.atomic.AtomicBoolean();
    private final LossReporter losses;
    private final String overflowReason;
    private final String closedReason = "offered after shutdown began";
    private final String spillReasonPrefix;

    private final ReentrantLock shutdownLock = new ReentrantLock();
    private FlushResult shutdownResult;

    private ShippingPipeline(Builder b) {
        this.config = b.config;
        this.sinks = List.copyOf(b.sinks);
        this.delivery = deliveryClasses(config, sinks);
        this.losses = new LossReporter(LOG, LOSS_REPORT_INTERVAL_NANOS);
        SpillStore spill = config.overflow() == OverflowPolicy.SPILL ? openSpill(config, sinks.size()) : null;
        this.buffer = new LineBuffer(config.bufferBytes(), config.overflow(), config.blockTimeout().toNanos(),
                sinks.size(), b.clock, spill);
        this.overflowReason = "buffer full (" + PipelineConfig.BUFFER_BYTES + "=" + Sizes.format(config.bufferBytes())
                + ", " + PipelineConfig.OVERFLOW + "=" + Settings.spelling(config.overflow()) + ")";
        this.spillReasonPrefix = "buffer full (" + PipelineConfig.BUFFER_BYTES + "=" + Sizes.format(config.bufferBytes())
                + ") and the spill to disk refused them (" + PipelineConfig.SPILL_DIR + "=" + config.spillDir() + ", "
                + PipelineConfig.SPILL_MAX_BYTES + "=" + Sizes.format(config.spillMaxBytes()) + "): ";
        for (int i = 0; i < sinks.size(); i++) {
            lanes.add(new Lane(i, sinks.get(i), buffer, config, b.function, losses));
        }
        if (!b.deferWorkers) {
            startWorkers();
        }
    }

    private static SpillStore openSpill(PipelineConfig config, int lanes) {
        SpillStore store = SpillStore.open(config.spillDir(), config.spillMaxBytes(), config.spillSegmentBytes(), lanes);
        if (store.unusableReason() != null) {
            LOG.warn("lines that do not fit in memory will be dropped and counted, not spilled: {}",
                    store.unusableReason());
        } else if (store.adoptedLines() > 0) {
            LOG.info("found {} lines in {} that an earlier extension process spilled and did not deliver; "
                    + "they go out first", store.adoptedLines(), config.spillDir());
        }
        return store;
    }

    private static DeliveryClass[] deliveryClasses(PipelineConfig config, List<Sink> sinks) {
        DeliveryClass[] classes = new DeliveryClass[sinks.size()];
        List<String> variables = new ArrayList<>();
        for (int i = 0; i < classes.length; i++) {
            String name = sinks.get(i).name();
            classes[i] = config.deliveryOf(name);
            variables.add(DeliveryClass.variableFor(name) + " (sink " + name + ")");
        }
        for (Map.Entry<String, DeliveryClass> e : config.delivery().entrySet()) {
            boolean named = false;
            for (Sink sink : sinks) {
                named |= DeliveryClass.variableFor(sink.name()).equals(e.getKey());
            }
            if (!named) {
                throw ConfigException.invalid(e.getKey(), Settings.spelling(e.getValue()),
                        "a variable that names a configured sink: " + String.join(", ", variables));
            }
        }
        return classes;
    }

    /**
     * Starts one worker per sink (each first calls its sink's {@code start()}, which builds and warms
     * the sink's client). Done by {@link Builder#build()} unless {@link Builder#deferWorkers()} was
     * asked; {@link #flush} and {@link #shutdown} start them too. Later calls do nothing.
     */
    public void startWorkers() {
        if (workersStarted.compareAndSet(false, true)) {
            lanes.forEach(Lane::start);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A pipeline configured from {@code settings} (see {@link PipelineConfig#from}) shipping to {@code sinks}. */
    public static ShippingPipeline create(Settings settings, List<Sink> sinks) {
        return builder().config(PipelineConfig.from(settings)).function(FunctionMetadata.from(settings))
                .sinks(sinks).build();
    }

    @Override
    public boolean offer(LogLine record) {
        return offerAll(List.of(Objects.requireNonNull(record, "record"))) == 1;
    }

    @Override
    public int offerAll(List<LogLine> records) {
        int accepted = buffer.offerAll(records);
        if (accepted < records.size()) {
            reportRefused(records.size() - accepted);
        }
        return accepted;
    }

    private void reportRefused(int refused) {
        // The buffer knows whether it refused because it is full or because it is closed.
        if (buffer.isClosed()) {
            losses.add(closedReason, refused);
        } else if (buffer.spills()) {
            losses.add(spillReasonPrefix + buffer.lastSpillRefusal(), refused);
        } else {
            losses.add(overflowReason, refused);
        }
    }

    /**
     * Waits until every sink's {@code start()} has completed (or failed, which later sends retry),
     * at most {@code timeout}: lets an extension warm its clients during init rather than on the
     * first invocation.
     *
     * @return {@code true} when every sink finished starting in time
     */
    public boolean awaitSinksStarted(Duration timeout) {
        return awaitStarted(timeout, all());
    }

    /** {@link #awaitSinksStarted(Duration)} for the sinks of class {@code delivery} only. */
    public boolean awaitSinksStarted(Duration timeout, DeliveryClass delivery) {
        return awaitStarted(timeout, lanesOf(delivery));
    }

    private boolean awaitStarted(Duration timeout, boolean[] which) {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        try {
            for (int i = 0; i < lanes.size(); i++) {
                if (which[i] && !lanes.get(i).awaitReady(deadline - System.nanoTime())) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Asks every sink's worker to send what was accepted so far now, without waiting for it. */
    public void requestFlush() {
        buffer.requestFlush();
    }

    /**
     * Sends everything accepted before this call and waits until every sink has settled it
     * (delivered, or rejected and counted) or {@code timeout} has passed — whichever comes first.
     * Lines not settled by then stay buffered and go out later.
     */
    public FlushResult flush(Duration timeout) {
        return flushThrough(Long.MAX_VALUE, all(), timeout);
    }

    /**
     * {@link #flush(Duration)} for the sinks of class {@code delivery} only: the others are neither
     * asked to send early nor waited for, and the result names only these.
     */
    public FlushResult flush(Duration timeout, DeliveryClass delivery) {
        return flushThrough(Long.MAX_VALUE, lanesOf(delivery), timeout);
    }

    /**
     * Sends the lines accepted at or before {@code acceptedByNanos} (a value of the pipeline's
     * {@linkplain Builder#clock clock}; lines accepted within a millisecond after it may be included) that sinks of class
     * {@code delivery} have not settled, and waits until those sinks have settled them or
     * {@code timeout} has passed. Lines accepted later are left to the interval, so a sink that has
     * already sent the old lines makes no extra call for the new ones.
     */
    public FlushResult flushAcceptedBy(long acceptedByNanos, DeliveryClass delivery, Duration timeout) {
        return flushThrough(buffer.firstAcceptedAfter(acceptedByNanos), lanesOf(delivery), timeout);
    }

    private FlushResult flushThrough(long limit, boolean[] which, Duration timeout) {
        startWorkers();
        long start = System.nanoTime();
        long deadline = start + Math.max(0, timeout.toNanos());
        long target = buffer.requestFlush(limit, which);
        long[] pending = awaitSettled(target, deadline, which);
        losses.report();
        if (allZero(pending)) {
            flushSinks(deadline, which);
        }
        return result(pending, start, which);
    }

    /**
     * When the oldest line that a sink of class {@code delivery} has not settled (delivered, or
     * rejected and counted) was accepted, as a value of the pipeline's {@linkplain Builder#clock clock}
     * — at most a millisecond early, never late — or empty when those sinks have settled everything.
     */
    public OptionalLong oldestPendingSince(DeliveryClass delivery) {
        return buffer.oldestPendingSince(lanesOf(delivery));
    }

    /**
     * {@link #oldestPendingSince(DeliveryClass)} for the sink named {@code sinkName}.
     *
     * @throws IllegalArgumentException when no sink has that name
     */
    public OptionalLong oldestPendingSince(String sinkName) {
        boolean[] which = new boolean[lanes.size()];
        boolean found = false;
        for (int i = 0; i < which.length; i++) {
            which[i] = sinks.get(i).name().equals(sinkName);
            found |= which[i];
        }
        if (!found) {
            throw new IllegalArgumentException("no sink named " + sinkName);
        }
        return buffer.oldestPendingSince(which);
    }

    /** Lines accepted but not yet settled, the largest figure over the sinks of class {@code delivery}. */
    public long pendingLines(DeliveryClass delivery) {
        long max = 0;
        for (int i = 0; i < lanes.size(); i++) {
            if (this.delivery[i] == delivery) {
                max = Math.max(max, buffer.pending(i));
            }
        }
        return max;
    }

    /** The delivery class of each sink, in the order of {@link #sinks()}. */
    public List<DeliveryClass> deliveryClasses() {
        return List.of(delivery);
    }

    private boolean[] lanesOf(DeliveryClass wanted) {
        Objects.requireNonNull(wanted, "delivery");
        boolean[] which = new boolean[lanes.size()];
        for (int i = 0; i < which.length; i++) {
            which[i] = delivery[i] == wanted;
        }
        return which;
    }

    private boolean[] all() {
        boolean[] which = new boolean[lanes.size()];
        java.util.Arrays.fill(which, true);
        return which;
    }

    /**
     * Stops accepting lines, delivers what is buffered until shortly before {@code timeout} runs out,
     * counts and reports what could not be delivered, and shuts the sinks down. Idempotent: later
     * calls wait for the first and return its result.
     */
    public FlushResult shutdown(Duration timeout) {
        startWorkers();
        shutdownLock.lock();
        try {
            if (shutdownResult == null) {
                shutdownResult = doShutdown(timeout);
            }
            return shutdownResult;
        } finally {
            shutdownLock.unlock();
        }
    }

    private FlushResult doShutdown(Duration timeout) {
        long start = System.nanoTime();
        long total = Math.max(0, timeout.toNanos());
        long deadline = start + total;
        long flushDeadline = deadline - (long) (total * SINK_SHUTDOWN_SHARE);
        buffer.close();
        long target = buffer.requestFlush();
        long[] pending = awaitSettled(target, flushDeadline, all());
        for (Lane lane : lanes) {
            lane.abandon();
        }
        buffer.stop();
        for (Lane lane : lanes) {
            try {
                lane.awaitExit(deadline);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (int i = 0; i < lanes.size(); i++) {
            long left = buffer.pending(i);
            pending[i] = left;
            lanes.get(i).expire(left);
        }
        // what is still on disk was just counted as expired: nothing will read it again
        buffer.discardSpill();
        losses.report();
        shutdownSinks(deadline);
        FlushResult result = result(pending, start, all());
        if (!result.complete()) {
            LOG.warn("shutdown left {} lines undelivered: {}", result.pendingLines(), result.pendingBySink());
        }
        return result;
    }

    private long[] awaitSettled(long target, long deadline, boolean[] which) {
        try {
            return buffer.awaitSettled(target, deadline, which);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            long[] pending = new long[lanes.size()];
            for (int i = 0; i < pending.length; i++) {
                pending[i] = which[i] ? buffer.pending(i) : 0;
            }
            return pending;
        }
    }

    private void flushSinks(long deadline, boolean[] which) {
        for (int i = 0; i < sinks.size(); i++) {
            if (which[i]) {
                awaitBounded(sinks.get(i).flush(), deadline, sinks.get(i), "flush");
            }
        }
    }

    private void shutdownSinks(long deadline) {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (Sink sink : sinks) {
            try {
                futures.add(sink.shutdown());
            } catch (RuntimeException e) {
                LOG.warn("sink '{}' failed to shut down", sink.name(), e);
                futures.add(CompletableFuture.completedFuture(null));
            }
        }
        for (int i = 0; i < sinks.size(); i++) {
            awaitBounded(futures.get(i), deadline, sinks.get(i), "shutdown");
        }
    }

    private static void awaitBounded(CompletableFuture<Void> future, long deadline, Sink sink, String what) {
        try {
            future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("sink '{}' {} failed", sink.name(), what, e.getCause());
        } catch (TimeoutException e) {
            LOG.debug("sink '{}' {} still running at the deadline", sink.name(), what);
        }
    }

    private FlushResult result(long[] pending, long start, boolean[] which) {
        Map<String, Long> bySink = new LinkedHashMap<>();
        long max = 0;
        for (int i = 0; i < pending.length; i++) {
            if (!which[i]) {
                continue;
            }
            bySink.merge(sinks.get(i).name(), pending[i], Long::sum);
            max = Math.max(max, pending[i]);
        }
        return new FlushResult(max == 0, max, bySink, System.nanoTime() - start);
    }

    private static boolean allZero(long[] values) {
        for (long v : values) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    /** A snapshot of every counter. */
    public PipelineCounters counters() {
        long[] intake = buffer.intakeCounters();
        List<SinkCounters> perSink = new ArrayList<>();
        for (Lane lane : lanes) {
            perSink.add(lane.counters());
        }
        return new PipelineCounters(intake[0], intake[1], intake[2], intake[3], buffer.capacityBytes(), perSink,
                intake[4], intake[5], intake[6], intake[7]);
    }

    /** The sinks, in configuration order. */
    public List<Sink> sinks() {
        return sinks;
    }

    public PipelineConfig config() {
        return config;
    }

    /** {@link #shutdown} with five seconds. */
    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }

    /**
     * Builds and starts a pipeline. Defaults are {@link PipelineConfig#defaults()}; sinks are required.
     */
    public static final class Builder {
        private PipelineConfig config = PipelineConfig.defaults();
        private FunctionMetadata function = new FunctionMetadata("", "", 0, "", "", "", "");
        private final List<Sink> sinks = new ArrayList<>();
        private boolean deferWorkers;
        private java.util.function.LongSupplier clock;

        private Builder() {
        }

        /**
         * The clock that stamps when lines are accepted, as {@link ShippingPipeline#oldestPendingSince}
         * and {@link ShippingPipeline#flushAcceptedBy} read them, in {@link System#nanoTime()}'s scale:
         * {@link System#nanoTime()} unless a test moves time itself (together with the barrier that
         * reads these ages). The flush interval always keeps real time.
         */
        public Builder clock(java.util.function.LongSupplier nanoTime) {
            this.clock = Objects.requireNonNull(nanoTime, "nanoTime");
            return this;
        }

        /**
         * Lines are accepted from the start, but the workers (and the sinks' {@code start()}) wait for
         * {@link ShippingPipeline#startWorkers()}: a process with its own start-up to finish first
         * keeps the CPU for that.
         */
        public Builder deferWorkers() {
            this.deferWorkers = true;
            return this;
        }

        public Builder config(PipelineConfig value) {
            this.config = Objects.requireNonNull(value, "config");
            return this;
        }

        /** The function's metadata, for {@link LineFormat#JSON} envelopes. */
        public Builder function(FunctionMetadata value) {
            this.function = Objects.requireNonNull(value, "function");
            return this;
        }

        public Builder sink(Sink sink) {
            sinks.add(Objects.requireNonNull(sink, "sink"));
            return this;
        }

        public Builder sinks(List<? extends Sink> list) {
            list.forEach(this::sink);
            return this;
        }

        /** Builds the pipeline and, unless {@link #deferWorkers()}, starts one worker per sink (each calls its sink's {@code start()}). */
        public ShippingPipeline build() {
            if (sinks.isEmpty()) {
                throw new IllegalStateException("a pipeline needs at least one sink");
            }
            return new ShippingPipeline(this);
        }
    }
}
