package io.firetap.extension.internal;

import io.firetap.core.config.Settings;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.extension.DeliveryMode;
import io.firetap.extension.ExtensionEvent;
import java.util.function.BooleanSupplier;

/**
 * What the extension does between an INVOKE and its next {@code /event/next} — the only moment it
 * can deliver an invocation's lines before Lambda freezes the environment. The event loop calls
 * {@link #pass} once per INVOKE, on its own thread, and calls {@code /next} when it returns.
 *
 * <p>Two strategies, chosen by {@value DeliveryMode#VARIABLE} ({@link #fromSettings}):
 * {@link DeliverBeforeNext} (strict) waits for the end of the invocation's output and flushes,
 * bounded by a budget, every time; {@link AdaptiveBarrier} (the default) does the same after sparse
 * invocations and lets go at once under steady traffic, leaving lines to the pipeline's interval
 * flush within a stated delay bound.
 */
public interface InvocationBarrier {

    /**
     * The barrier {@value DeliveryMode#VARIABLE} names in {@code settings} (adaptive unless it says
     * {@code strict}), with the flush budget of {@value DeliverBeforeNext#BUDGET_VARIABLE} and the
     * pipeline's flush interval. The one line an extension needs to pick its barrier.
     *
     * @param telemetryMarksEnd whether {@code platform.runtimeDone} arrives (a Telemetry subscription
     *                          that includes {@code platform} is active)
     * @throws io.firetap.core.config.ConfigException when either variable has a value firetap cannot use
     */
    static InvocationBarrier fromSettings(Settings settings, ShippingPipeline pipeline, OutputEndMarkers boundaries,
            BooleanSupplier telemetryMarksEnd) {
        java.time.Duration budget = DeliverBeforeNext.budget(settings);
        return of(DeliveryMode.from(settings), budget, pipeline, boundaries, telemetryMarksEnd);
    }

    /**
     * The barrier of delivery mode {@code mode}, whose flushes each take at most {@code budget}.
     *
     * @param telemetryMarksEnd whether {@code platform.runtimeDone} arrives (a Telemetry subscription
     *                          that includes {@code platform} is active)
     */
    static InvocationBarrier of(DeliveryMode mode, java.time.Duration budget, ShippingPipeline pipeline,
            OutputEndMarkers boundaries, BooleanSupplier telemetryMarksEnd) {
        java.util.Objects.requireNonNull(mode, "mode");
        return switch (mode) {
            case STRICT -> new DeliverBeforeNext(pipeline, boundaries, telemetryMarksEnd, budget);
            case ADAPTIVE -> new AdaptiveBarrier(pipeline, boundaries, telemetryMarksEnd, budget, System::nanoTime);
        };
    }

    /**
     * Holds until this invocation's lines are delivered or the strategy decides to let go.
     *
     * @return what happened, for diagnostics and counters
     */
    Passage pass(ExtensionEvent.Invoke invoke);

    /** How a passage held the environment after the invocation's output ended. */
    enum Hold {
        /** Every line accepted so far was flushed to the guaranteed sinks (strict, or a sparse invocation). */
        DELIVERED,
        /** Steady traffic: let go at once; lines go out on the pipeline's flush interval. */
        NONE,
        /**
         * Steady traffic with lines that had waited 1.5 flush intervals, which only a destination that
         * does not keep up leaves behind: held until those were delivered.
         */
        OVERDUE,
        /**
         * Steady traffic, but the last hold for overdue lines ran out of budget (the destination is slow
         * or down): let go at once rather than hold every invocation, until the sinks catch up.
         */
        BEHIND,
        /**
         * The first invocation after a cold start, with the sinks' clients still starting: let go at once;
         * its lines go out at the next invocation (which holds for them) or at SHUTDOWN.
         */
        COLD_START
    }

    /**
     * What one passage of the barrier did.
     *
     * @param requestId      the invocation
     * @param endSeen        the end of the invocation's output was seen (wrapper END or runtimeDone)
     * @param delivered      nothing the guaranteed sinks were waited for is still pending: with
     *                       {@link Hold#DELIVERED} every line accepted before the flush was delivered (or
     *                       rejected for good and counted)
     * @param pendingLines   lines still buffered for the guaranteed sinks when the barrier let go
     * @param waitNanos      time spent waiting for the end of output (includes the function's run time)
     * @param flushNanos     time spent after the end of output — the hold it adds after the response
     * @param hold           how the barrier decided to hold
     */
    record Passage(String requestId, boolean endSeen, boolean delivered, long pendingLines, long waitNanos,
            long flushNanos, Hold hold) {
    }
}
