package io.firetap.core.pipeline;

import java.util.Map;

/**
 * The outcome of {@link ShippingPipeline#flush}: whether every line accepted before the call was
 * settled by every sink the flush covered (delivered, or rejected and counted) before the deadline.
 *
 * @param complete        every line accepted before the flush is settled
 * @param pendingLines    lines accepted before the flush that some sink has not settled yet
 *                        (the largest figure over the sinks); they stay buffered and go out later
 * @param pendingBySink   the same per sink name, for the sinks the flush covered
 * @param elapsedNanos    how long the flush took
 */
public record FlushResult(boolean complete, long pendingLines, Map<String, Long> pendingBySink, long elapsedNanos) {
    public FlushResult {
        pendingBySink = Map.copyOf(pendingBySink);
    }
}
