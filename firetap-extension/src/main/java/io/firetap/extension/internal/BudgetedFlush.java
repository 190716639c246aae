package io.firetap.extension.internal;

import io.firetap.core.pipeline.FlushResult;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A barrier's flush: bounded by {@value DeliverBeforeNext#BUDGET_VARIABLE} and by what is left of
 * the invocation's deadline, counted and reported (at most once a minute) when it runs out.
 * Used by one barrier on the event loop's thread.
 */
final class BudgetedFlush {
    private static final Logger LOG = LoggerFactory.getLogger(InvocationBarrier.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Duration budget;
    private long lastWarnNanos = System.nanoTime() - WARN_EVERY_NANOS;
    private long overBudget;

    BudgetedFlush(Duration budget) {
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    /**
     * Runs {@code flush} with the budget or what is left before {@code deadlineNanos}, whichever is
     * shorter.
     */
    FlushResult run(String requestId, long deadlineNanos, Function<Duration, FlushResult> flush) {
        long left = Math.max(0, deadlineNanos - System.nanoTime());
        FlushResult flushed = flush.apply(Duration.ofNanos(Math.min(budget.toNanos(), left)));
        if (!flushed.complete()) {
            overBudget++;
            long now = System.nanoTime();
            if (now - lastWarnNanos >= WARN_EVERY_NANOS) {
                lastWarnNanos = now;
                LOG.warn("{} lines were not delivered within the {} ms flush budget of invocation {} ({} such"
                        + " invocations so far); they stay buffered and go out with the next invocation. A sink"
                        + " that is slow or failing is the usual cause; {} sets the budget",
                        flushed.pendingLines(), budget.toMillis(), requestId, overBudget,
                        DeliverBeforeNext.BUDGET_VARIABLE);
            }
        }
        return flushed;
    }

    /** Flushes that ran out of budget so far. */
    long overBudget() {
        return overBudget;
    }
}
