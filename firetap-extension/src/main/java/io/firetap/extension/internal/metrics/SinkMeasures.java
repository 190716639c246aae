package io.firetap.extension.internal.metrics;

import io.firetap.core.pipeline.PipelineCounters;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.core.pipeline.SinkCounters;
import io.firetap.core.sink.Sink;
import io.firetap.extension.metrics.MetricsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * What the pipeline's counters cannot say, measured around each sink's calls: how long lines wait
 * between arriving and being delivered, and how far each sink's backlog and the shared buffer rose.
 *
 * <p>Each sink is wrapped so that every {@code send} is measured:
 * <ul>
 *   <li><b>Write-to-delivery delay</b>: when a call delivered at least one entry, the time from the
 *       arrival of the oldest line its sink had not settled (the first line of the batch in flight —
 *       one batch per sink is in flight, in order) to the call's answer. It is exact for that line and
 *       an upper bound for the others the call carried. Up to {@value EmfDocument#MAX_VALUES_PER_METRIC}
 *       values per emission (a uniform sample, the largest always among them).</li>
 *   <li><b>High-water marks</b>: the sink's pending lines and the buffer's bytes, read before each call
 *       and when its answer comes, before the lane settles the batch. A backlog only falls when a batch
 *       settles, right after an answer, so the reading then is its peak — short of lines that arrive in
 *       the moment between the answer and the settling.</li>
 * </ul>
 * A measurement never changes what a call returns: a failure to measure is ignored. Off, nothing is
 * wrapped and nothing is kept. Measurements are taken on the sinks' threads and read on the
 * extension's event-loop thread.
 */
public final class SinkMeasures {
    private final List<Sink> sinks;
    private final Window[] windows;
    /** {@code null}: {@link System#nanoTime()} (no lambda to bootstrap when metrics are off). */
    private final LongSupplier nanoClock;
    private volatile ShippingPipeline pipeline;

    private SinkMeasures(List<Sink> sinks, boolean on, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        if (!on) {
            this.sinks = List.copyOf(sinks);
            this.windows = new Window[0];
            return;
        }
        List<Sink> measured = new ArrayList<>(sinks.size());
        this.windows = new Window[sinks.size()];
        for (int i = 0; i < sinks.size(); i++) {
            windows[i] = new Window();
            measured.add(new MeasuredSink(sinks.get(i), this, i));
        }
        this.sinks = List.copyOf(measured);
    }

    /**
     * Measures {@code sinks} when {@code config} turns metrics on; otherwise {@link #sinks()} is
     * {@code sinks} themselves.
     */
    public static SinkMeasures of(MetricsConfig config, List<Sink> sinks) {
        Objects.requireNonNull(config, "config");
        return new SinkMeasures(Objects.requireNonNull(sinks, "sinks"), config.enabled(), null);
    }

    /**
     * {@link #of(MetricsConfig, List)} with the clock the pipeline stamps arrivals with
     * ({@link ShippingPipeline.Builder#clock}).
     */
    public static SinkMeasures of(MetricsConfig config, List<Sink> sinks, LongSupplier nanoClock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(nanoClock, "nanoClock");
        return new SinkMeasures(Objects.requireNonNull(sinks, "sinks"), config.enabled(), nanoClock);
    }

    /** Measures nothing. */
    static SinkMeasures off() {
        return new SinkMeasures(List.of(), false, null);
    }

    /** The sinks to build the pipeline with: measured when metrics are on, in the same order. */
    public List<Sink> sinks() {
        return sinks;
    }

    /** The pipeline built with {@link #sinks()}: measuring starts here. */
    public void attach(ShippingPipeline pipeline) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    }

    boolean measuring() {
        return windows.length > 0;
    }

    /** Before a call of sink {@code index}: the backlog as it goes out. */
    void beforeCall(int index) {
        ShippingPipeline p = pipeline;
        if (p != null) {
            level(index, p.counters());
        }
    }

    /** A call of sink {@code index} answered; {@code delivered} when at least one entry was stored. */
    void answered(int index, String sinkName, boolean delivered) {
        ShippingPipeline p = pipeline;
        if (p == null) {
            return;
        }
        long now = nanoClock == null ? System.nanoTime() : nanoClock.getAsLong();
        if (delivered) {
            OptionalLong since = p.oldestPendingSince(sinkName);
            if (since.isPresent()) {
                windows[index].delay(Math.max(0, now - since.getAsLong()));
            }
        }
        level(index, p.counters());
    }

    private void level(int index, PipelineCounters counters) {
        SinkCounters s = counters.sinks().get(index);
        windows[index].level(s.pendingLines(), counters.bufferedBytes());
    }

    /**
     * What sink {@code index}'s window holds, as of now; with {@code reset}, a new window starts
     * at the levels {@code counters} give (the backlog does not vanish with the emission).
     */
    Reading read(int index, PipelineCounters counters, boolean reset) {
        SinkCounters s = counters.sinks().get(index);
        return windows[index].read(s.pendingLines(), counters.bufferedBytes(), reset);
    }

    /**
     * One emission's figures for one sink.
     *
     * @param delaysMillis    write-to-delivery delays, the largest among them; empty when no call delivered
     * @param pendingLinesPeak the most lines the sink had pending
     * @param bufferedBytesPeak the most bytes the shared buffer held, read around this sink's calls
     */
    record Reading(double[] delaysMillis, long pendingLinesPeak, long bufferedBytesPeak) {
    }

    /** One sink's measurements since the last reset. Written by the sink's threads, read by the reporter. */
    private static final class Window {
        private final ReentrantLock lock = new ReentrantLock();
        private final long[] delays = new long[EmfDocument.MAX_VALUES_PER_METRIC];
        private int seen;
        private long maxDelay;
        private long pendingPeak;
        private long bytesPeak;

        void delay(long nanos) {
            lock.lock();
            try {
                // a uniform sample of the window's delays (reservoir sampling); the largest is kept aside
                if (seen < delays.length) {
                    delays[seen] = nanos;
                } else {
                    long slot = ThreadLocalRandom.current().nextLong(seen + 1L);
                    if (slot < delays.length) {
                        delays[(int) slot] = nanos;
                    }
                }
                seen++;
                maxDelay = Math.max(maxDelay, nanos);
            } finally {
                lock.unlock();
            }
        }

        void level(long pendingLines, long bufferedBytes) {
            lock.lock();
            try {
                pendingPeak = Math.max(pendingPeak, pendingLines);
                bytesPeak = Math.max(bytesPeak, bufferedBytes);
            } finally {
                lock.unlock();
            }
        }

        Reading read(long pendingNow, long bytesNow, boolean reset) {
            lock.lock();
            try {
                int n = Math.min(seen, delays.length);
                double[] ms = new double[n];
                boolean maxKept = false;
                for (int i = 0; i < n; i++) {
                    ms[i] = MetricsReporter.millis(delays[i]);
                    maxKept |= delays[i] == maxDelay;
                }
                if (n > 0 && !maxKept) {
                    ms[ThreadLocalRandom.current().nextInt(n)] = MetricsReporter.millis(maxDelay);
                }
                Reading r = new Reading(ms, Math.max(pendingPeak, pendingNow), Math.max(bytesPeak, bytesNow));
                if (reset) {
                    seen = 0;
                    maxDelay = 0;
                    pendingPeak = pendingNow;
                    bytesPeak = bytesNow;
                }
                return r;
            } finally {
                lock.unlock();
            }
        }
    }
}
