package io.firetap.extension;

import io.firetap.core.config.Settings;
import io.firetap.core.pipeline.FlushResult;
import io.firetap.core.pipeline.ShippingPipeline;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default barrier: every line of invocation R is delivered before the extension calls
 * {@code /next}.
 *
 * <ol>
 *   <li>Wait for the end of R's output: {@code OUTPUT_END(R)} when the runtime talks to Lambda
 *       through the extension's proxy (marked once its result has gone to Lambda and everything it
 *       wrote before is in the intake), else telemetry's {@code platform.runtimeDone} for R when the
 *       Telemetry API is subscribed to {@code platform}, else nothing marks the end and the barrier
 *       only flushes what has arrived. The wait is bounded by the invocation's deadline.</li>
 *   <li>Once, on the first invocations after a cold start: wait for the sinks to finish starting
 *       (their clients are built and warmed in the background while the function initialises, so
 *       the first {@code /next} is not held for them), bounded by {@link #SINK_START_LIMIT} and the
 *       deadline. This wait is not charged to the flush budget.</li>
 *   <li>Flush the pipeline, bounded by {@value #BUDGET_VARIABLE} and by what is left of the
 *       deadline. Lines the flush could not deliver in time stay buffered, are counted, and go out
 *       with the next invocation (or at SHUTDOWN).</li>
 * </ol>
 */
public final class DeliverBeforeNext implements InvocationBarrier {
    private static final Logger LOG = LoggerFactory.getLogger(DeliverBeforeNext.class);

    public static final String BUDGET_VARIABLE = "FIRETAP_FLUSH_BUDGET";
    /**
     * Half a second: generous next to a healthy flush (a few milliseconds on the same region's
     * endpoint) yet short enough that an outage costs each invocation a bounded, visible delay.
     */
    public static final Duration DEFAULT_BUDGET = Duration.ofMillis(500);
    /**
     * The most the barrier waits for sinks still starting (a client's build and warm-up take about a
     * second on a small function; Lambda's whole init may take ten).
     */
    public static final Duration SINK_START_LIMIT = Duration.ofSeconds(6);
    /** Kept free before the invocation deadline so the barrier never makes the invocation time out. */
    static final long DEADLINE_MARGIN_MILLIS = 50;
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final ShippingPipeline pipeline;
    private final InvocationBoundaries boundaries;
    private final BooleanSupplier telemetryMarksEnd;
    private final Duration budget;
    private long lastWarnNanos = System.nanoTime() - WARN_EVERY_NANOS;
    private long overBudget;
    private boolean sinksStarted;

    /**
     * @param telemetryMarksEnd whether {@code platform.runtimeDone} arrives (a Telemetry subscription
     *                          that includes {@code platform} is active)
     */
    public DeliverBeforeNext(ShippingPipeline pipeline, InvocationBoundaries boundaries, BooleanSupplier telemetryMarksEnd,
            Duration budget) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.boundaries = Objects.requireNonNull(boundaries, "boundaries");
        this.telemetryMarksEnd = Objects.requireNonNull(telemetryMarksEnd, "telemetryMarksEnd");
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    /** {@value #BUDGET_VARIABLE} from {@code settings}: 1ms–10s, default 500ms. */
    public static Duration budget(Settings settings) {
        return settings.duration(BUDGET_VARIABLE, DEFAULT_BUDGET, Duration.ofMillis(1), Duration.ofSeconds(10));
    }

    @Override
    public Passage pass(ExtensionEvent.Invoke invoke) {
        String requestId = invoke.requestId();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(
                Math.max(0, invoke.deadlineMs() - System.currentTimeMillis() - DEADLINE_MARGIN_MILLIS));
        Set<InvocationBoundaries.Marker> wanted = EnumSet.noneOf(InvocationBoundaries.Marker.class);
        if (boundaries.isRuntimeAttached()) {
            wanted.add(InvocationBoundaries.Marker.OUTPUT_END);
        } else if (telemetryMarksEnd.getAsBoolean()) {
            wanted.add(InvocationBoundaries.Marker.RUNTIME_DONE);
        }
        boolean endSeen = false;
        if (!wanted.isEmpty()) {
            endSeen = boundaries.await(requestId, wanted, deadline).complete();
        }
        long flushStart = System.nanoTime();
        if (!sinksStarted) {
            long limit = Math.min(SINK_START_LIMIT.toNanos(), Math.max(0, deadline - flushStart));
            sinksStarted = pipeline.awaitSinksStarted(Duration.ofNanos(limit));
            flushStart = System.nanoTime();
        }
        long left = Math.max(0, deadline - flushStart);
        FlushResult flushed = pipeline.flush(Duration.ofNanos(Math.min(budget.toNanos(), left)));
        long end = System.nanoTime();
        boundaries.invocationFinished(requestId);
        if (!flushed.complete()) {
            overBudget++;
            if (end - lastWarnNanos >= WARN_EVERY_NANOS) {
                lastWarnNanos = end;
                LOG.warn("{} lines were not delivered within the {} ms flush budget of invocation {} ({} such"
                        + " invocations so far); they stay buffered and go out with the next invocation. A sink"
                        + " that is slow or failing is the usual cause; {} sets the budget",
                        flushed.pendingLines(), budget.toMillis(), requestId, overBudget, BUDGET_VARIABLE);
            }
        }
        return new Passage(requestId, endSeen, flushed.complete(), flushed.pendingLines(), flushStart - start,
                end - flushStart);
    }

    /** Invocations whose flush ran out of budget so far. */
    public long overBudget() {
        return overBudget;
    }
}
