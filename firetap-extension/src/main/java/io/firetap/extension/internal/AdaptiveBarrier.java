package io.firetap.extension.internal;

import io.firetap.core.pipeline.DeliveryClass;
import io.firetap.core.pipeline.FlushResult;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.extension.ExtensionEvent;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The adaptive barrier ({@code FIRETAP_DELIVERY=adaptive}, the default): strict after sparse
 * invocations, no hold under steady traffic, and a stated bound on how long a line waits.
 *
 * <p>Let I be the pipeline's flush interval ({@code FIRETAP_FLUSH_INTERVAL}) and the <em>gap</em> of
 * an invocation the time from the barrier's previous release (its {@code /next}) to this INVOKE: the
 * time the environment idled, frozen, in between. The rule, per INVOKE:
 * <ul>
 *   <li><b>Steady</b> when this invocation's gap and the previous one's are both shorter than I/2
 *       ({@link #STEADY_GAPS} short gaps in a row). It waits for the wrapper's END (which comes with
 *       the response; telemetry's {@code runtimeDone} is not waited for, it comes a buffering timeout
 *       later) and lets go at once ({@link Hold#NONE}) — unless the oldest line a guaranteed sink has
 *       not settled was accepted at least 1.5 × I ago (the <em>bound</em>, I plus the steady gap).
 *       Then it flushes the lines accepted that long ago and waits for them, within
 *       {@code FIRETAP_FLUSH_BUDGET} ({@link Hold#OVERDUE}). While the destination keeps up no line
 *       gets that old, so steady invocations do not hold: a line is sent when it has waited I (at the
 *       thaw if the environment is frozen then, within I/2), and a call in flight at a freeze still
 *       lands, since the destination does not freeze. When a hold for overdue lines ran out of budget,
 *       the destination cannot keep up: steady invocations then let go at once even with overdue lines
 *       ({@link Hold#BEHIND}) until none is overdue, rather than hold every invocation for the budget.</li>
 *   <li><b>Sparse</b> otherwise — after a gap of I/2 or longer, and the invocation after it: exactly
 *       the strict barrier ({@link DeliverBeforeNext}), every line accepted so far delivered to the
 *       guaranteed sinks before {@code /next} ({@link Hold#DELIVERED}).</li>
 *   <li>The <b>first invocation</b> after a cold start has no gap: it is sparse, except that it does
 *       not wait for the sinks' clients to finish starting, and flushes for at most
 *       {@link #FIRST_INVOCATION_BUDGET}. If the clients have not started when its output ends, it
 *       lets go at once ({@link Hold#COLD_START}); the next invocation is sparse by the rule and
 *       delivers what is left (waiting for the start then), or SHUTDOWN does.</li>
 * </ul>
 *
 * <p>What that guarantees:
 * <ul>
 *   <li><b>Delay bound.</b> While invocations keep coming with gaps under I/2 and the destination
 *       keeps up, every line reaches the guaranteed sinks within 1.5 × I plus one call of being
 *       accepted, without a hold; and the barrier never lets the environment freeze with a line older
 *       than 1.5 × I undelivered unless that line's flush ran out of budget.</li>
 *   <li><b>Calls.</b> The barrier asks only for lines long overdue and nothing newer, so under steady
 *       traffic each sink makes at most one call per I unless a batch is full — not one per
 *       invocation.</li>
 *   <li><b>When traffic stops</b>, the lines of the last steady invocations stay in the frozen
 *       environment until the next invocation (sparse by then: it holds and delivers them) or SHUTDOWN.
 *       Never lost, but not bounded in time.</li>
 *   <li>Best-effort sinks are never waited for; they keep their interval and get the rest at SHUTDOWN.</li>
 * </ul>
 *
 * <p>Decisions read the injected clock ({@code nanoTime}, {@link System#nanoTime()} in production), so
 * tests move time instead of waiting; the waits themselves are bounded in real time. Called by the
 * event loop's thread only.
 */
public final class AdaptiveBarrier implements InvocationBarrier {
    /** How many short gaps in a row make traffic steady: one short gap alone may be a burst of two. */
    public static final int STEADY_GAPS = 2;
    /**
     * The most the first invocation after a cold start flushes for: its first call pays for the first
     * connection and code that has never run, and the function's cold start is already long; what is
     * not delivered by then goes with the next invocation (sparse by the rule) or at SHUTDOWN.
     */
    public static final Duration FIRST_INVOCATION_BUDGET = Duration.ofMillis(80);

    private final ShippingPipeline pipeline;
    private final EndOfOutput end;
    private final BudgetedFlush flush;
    private final DeliverBeforeNext strict;
    private final DeliverBeforeNext firstStrict;
    private final LongSupplier nanoTime;
    private final long steadyGapNanos;
    private final long boundNanos;

    private boolean first = true;
    private long releasedAt;
    private int shortGaps;
    private boolean behind;

    /**
     * @param telemetryMarksEnd whether {@code platform.runtimeDone} arrives (a Telemetry subscription
     *                          that includes {@code platform} is active)
     * @param budget            the longest one passage flushes ({@code FIRETAP_FLUSH_BUDGET})
     * @param nanoTime          the clock the rule reads, in {@link System#nanoTime()}'s scale: the one
     *                          the pipeline stamps arrivals with ({@link ShippingPipeline.Builder#clock},
     *                          {@link System#nanoTime()} unless given)
     */
    public AdaptiveBarrier(ShippingPipeline pipeline, OutputEndMarkers boundaries, BooleanSupplier telemetryMarksEnd,
            Duration budget, LongSupplier nanoTime) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.end = new EndOfOutput(boundaries, telemetryMarksEnd);
        this.flush = new BudgetedFlush(budget);
        this.strict = new DeliverBeforeNext(pipeline, end, flush);
        this.firstStrict = new DeliverBeforeNext(pipeline, end,
                new BudgetedFlush(budget.compareTo(FIRST_INVOCATION_BUDGET) < 0 ? budget : FIRST_INVOCATION_BUDGET));
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        long intervalNanos = pipeline.config().flushInterval().toNanos();
        this.steadyGapNanos = intervalNanos / 2;
        this.boundNanos = intervalNanos + steadyGapNanos;
    }

    /** The gap below which an invocation counts toward steady traffic: half the flush interval. */
    public Duration steadyGap() {
        return Duration.ofNanos(steadyGapNanos);
    }

    /**
     * How long a line may wait, under steady traffic, before the barrier holds for it: the flush
     * interval plus {@link #steadyGap()}. It reaches the destination at most one call later.
     */
    public Duration bound() {
        return Duration.ofNanos(boundNanos);
    }

    @Override
    public Passage pass(ExtensionEvent.Invoke invoke) {
        long arrived = nanoTime.getAsLong();
        boolean steady = false;
        if (!first) {
            shortGaps = arrived - releasedAt < steadyGapNanos ? Math.min(shortGaps + 1, STEADY_GAPS) : 0;
            steady = shortGaps >= STEADY_GAPS;
        }
        Passage passage;
        if (first) {
            first = false;
            passage = firstInvocation(invoke);
        } else if (steady) {
            passage = steadyInvocation(invoke);
        } else {
            passage = strict.pass(invoke);
        }
        if (passage.hold() == Hold.DELIVERED || passage.hold() == Hold.OVERDUE) {
            behind = !passage.delivered();
        }
        releasedAt = nanoTime.getAsLong();
        return passage;
    }

    private Passage firstInvocation(ExtensionEvent.Invoke invoke) {
        long start = System.nanoTime();
        boolean endSeen = end.await(invoke.requestId(), DeliverBeforeNext.deadlineNanos(invoke, start), false);
        if (pipeline.awaitSinksStarted(Duration.ZERO, DeliveryClass.GUARANTEED)) {
            // started while the function ran: a sparse invocation (the END is remembered), on a shorter budget
            return firstStrict.pass(invoke);
        }
        return letGo(invoke.requestId(), start, endSeen, System.nanoTime(), Hold.COLD_START);
    }

    private Passage steadyInvocation(ExtensionEvent.Invoke invoke) {
        String requestId = invoke.requestId();
        long start = System.nanoTime();
        long deadline = DeliverBeforeNext.deadlineNanos(invoke, start);
        boolean endSeen = end.await(requestId, deadline, false);
        long endAt = System.nanoTime();
        long now = nanoTime.getAsLong();
        OptionalLong oldest = pipeline.oldestPendingSince(DeliveryClass.GUARANTEED);
        if (oldest.isEmpty() || now - oldest.getAsLong() < boundNanos) {
            behind = false;
            return letGo(requestId, start, endSeen, endAt, Hold.NONE);
        }
        if (behind || !pipeline.awaitSinksStarted(Duration.ZERO, DeliveryClass.GUARANTEED)) {
            return letGo(requestId, start, endSeen, endAt, Hold.BEHIND);
        }
        long dueBy = now - boundNanos;
        FlushResult flushed = flush.run(requestId, deadline,
                budget -> pipeline.flushAcceptedBy(dueBy, DeliveryClass.GUARANTEED, budget));
        long released = System.nanoTime();
        if (endSeen) {
            end.finished(requestId);
        }
        return new Passage(requestId, endSeen, flushed.complete(), pipeline.pendingLines(DeliveryClass.GUARANTEED),
                endAt - start, released - endAt, Hold.OVERDUE);
    }

    private Passage letGo(String requestId, long start, boolean endSeen, long endAt, Hold hold) {
        // without the end seen, lines plain clients write until the next INVOKE still belong to this one
        if (endSeen) {
            end.finished(requestId);
        }
        long pending = pipeline.pendingLines(DeliveryClass.GUARANTEED);
        return new Passage(requestId, endSeen, pending == 0, pending, endAt - start, System.nanoTime() - endAt, hold);
    }

    /** Passages whose flush ran out of budget so far. */
    public long overBudget() {
        return flush.overBudget();
    }
}
