package io.firetap.extension;

/**
 * What the extension does between an INVOKE and its next {@code /event/next} — the only moment it
 * can deliver an invocation's lines before Lambda freezes the environment. The event loop calls
 * {@link #pass} once per INVOKE, on its own thread, and calls {@code /next} when it returns.
 *
 * <p>The default, {@link DeliverBeforeNext}, waits for the end of the invocation's output and then
 * flushes, bounded by a budget. Other strategies fit the same slot: an adaptive one that flushes
 * only at the end of sparse invocations and otherwise relies on the pipeline's interval flush under
 * steady traffic would keep per-invocation state here and decide per INVOKE how long to hold.
 */
public interface InvocationBarrier {

    /**
     * Holds until this invocation's lines are delivered or the strategy decides to let go.
     *
     * @return what happened, for diagnostics and counters
     */
    Passage pass(ExtensionEvent.Invoke invoke);

    /** How a passage held the environment after the invocation's output ended. */
    enum Hold {
        /** Every line accepted so far was flushed to the guaranteed sinks. */
        DELIVERED
    }

    /**
     * What one passage of the barrier did.
     *
     * @param requestId      the invocation
     * @param endSeen        the end of the invocation's output was seen (wrapper END or runtimeDone)
     * @param delivered      every line accepted before the flush was delivered to the guaranteed sinks (or
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
