package io.firetap.extension.internal;

import io.firetap.core.config.Settings;
import io.firetap.core.pipeline.DeliveryClass;
import io.firetap.core.pipeline.FlushResult;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.extension.ExtensionEvent;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The strict barrier ({@code FIRETAP_DELIVERY=strict}): every line of invocation R is delivered to
 * every {@linkplain DeliveryClass#GUARANTEED guaranteed} sink before the extension calls
 * {@code /next}.
 *
 * <ol>
 *   <li>Wait for the end of R's output: {@code OUTPUT_END(R)} when the runtime talks to Lambda
 *       through the extension's proxy (marked once its result has gone to Lambda and everything it
 *       wrote before is in the intake), else telemetry's {@code platform.runtimeDone} for R when the
 *       Telemetry API is subscribed to {@code platform}, else nothing marks the end and the barrier
 *       only flushes what has arrived. The wait is bounded by the invocation's deadline.</li>
 *   <li>Once, on the first invocations after a cold start: wait for the guaranteed sinks to finish
 *       starting (their clients are built and warmed in the background while the function
 *       initialises, so the first {@code /next} is not held for them), bounded by
 *       {@link #SINK_START_LIMIT} and the deadline. This wait is not charged to the flush budget.</li>
 *   <li>Flush the guaranteed sinks, bounded by {@value #BUDGET_VARIABLE} and by what is left of the
 *       deadline. Lines the flush could not deliver in time stay buffered, are counted, and go out
 *       with the next invocation (or at SHUTDOWN). Best-effort sinks are neither flushed nor waited
 *       for: they keep their interval and get the rest at SHUTDOWN.</li>
 * </ol>
 *
 * <p>{@link AdaptiveBarrier} passes sparse invocations to this barrier.
 */
public final class DeliverBeforeNext implements InvocationBarrier {
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

    private final ShippingPipeline pipeline;
    private final EndOfOutput end;
    private final BudgetedFlush flush;
    private boolean sinksStarted;

    /**
     * @param telemetryMarksEnd whether {@code platform.runtimeDone} arrives (a Telemetry subscription
     *                          that includes {@code platform} is active)
     */
    public DeliverBeforeNext(ShippingPipeline pipeline, OutputEndMarkers boundaries, BooleanSupplier telemetryMarksEnd,
            Duration budget) {
        this(pipeline, new EndOfOutput(boundaries, telemetryMarksEnd), new BudgetedFlush(budget));
    }

    /** A strict barrier sharing its end-of-output wait and budgeted flush with another barrier. */
    DeliverBeforeNext(ShippingPipeline pipeline, EndOfOutput end, BudgetedFlush flush) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.end = Objects.requireNonNull(end, "end");
        this.flush = Objects.requireNonNull(flush, "flush");
    }

    /** {@value #BUDGET_VARIABLE} from {@code settings}: 1ms–10s, default 500ms. */
    public static Duration budget(Settings settings) {
        return settings.duration(BUDGET_VARIABLE, DEFAULT_BUDGET, Duration.ofMillis(1), Duration.ofSeconds(10));
    }

    /** The {@link System#nanoTime()} by which a barrier must let go of {@code invoke}: its deadline less a margin. */
    static long deadlineNanos(ExtensionEvent.Invoke invoke, long nowNanos) {
        return nowNanos + TimeUnit.MILLISECONDS.toNanos(
                Math.max(0, invoke.deadlineMs() - System.currentTimeMillis() - DEADLINE_MARGIN_MILLIS));
    }

    @Override
    public Passage pass(ExtensionEvent.Invoke invoke) {
        String requestId = invoke.requestId();
        long start = System.nanoTime();
        long deadline = deadlineNanos(invoke, start);
        boolean endSeen = end.await(requestId, deadline, true);
        long flushStart = System.nanoTime();
        if (!sinksStarted) {
            long limit = Math.min(SINK_START_LIMIT.toNanos(), Math.max(0, deadline - flushStart));
            sinksStarted = pipeline.awaitSinksStarted(Duration.ofNanos(limit), DeliveryClass.GUARANTEED);
            flushStart = System.nanoTime();
        }
        FlushResult flushed = flush.run(requestId, deadline, budget -> pipeline.flush(budget, DeliveryClass.GUARANTEED));
        long released = System.nanoTime();
        end.finished(requestId);
        return new Passage(requestId, endSeen, flushed.complete(), flushed.pendingLines(), flushStart - start,
                released - flushStart, Hold.DELIVERED);
    }

    /** Invocations whose flush ran out of budget so far. */
    public long overBudget() {
        return flush.overBudget();
    }
}
