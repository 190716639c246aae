package io.firetap.extension.internal;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where each invocation's output ends, as the receivers learn it, for the per-invocation barrier.
 *
 * <p>Two sources mark ends: the wrapped runtime's output ({@code RuntimeOutput}) marks
 * {@link Marker#OUTPUT_END} for request R once the runtime's result for R has gone to Lambda and
 * every line it wrote before that is in the intake; the Telemetry listener marks
 * {@link Marker#RUNTIME_DONE} for R when it has handed every record that came before
 * {@code platform.runtimeDone} for R. A marker may arrive before the event loop has even seen the
 * INVOKE for R (the function can be that quick), so the most recent {@value #REMEMBERED} marks of
 * each kind are remembered.
 *
 * <p>{@link Marker#OUTPUT_END} can only come from a runtime that talks to Lambda through the
 * extension's proxy: {@link #runtimeAttached()} records that it does (the proxy sees the runtime's
 * first {@code /next} before Lambda does, so before the first INVOKE). {@link #await} waits,
 * bounded, until the wanted markers for a request are there. Safe for concurrent use.
 */
public final class OutputEndMarkers {
    /** How many request ids of each marker kind are remembered. */
    public static final int REMEMBERED = 64;

    /** The kinds of end-of-output evidence. */
    public enum Marker {
        /** The runtime's result for R went to Lambda, and all it wrote to stdout before is in the intake. */
        OUTPUT_END,
        /** Telemetry's {@code platform.runtimeDone} for R: all records before it are in the intake. */
        RUNTIME_DONE
    }

    /**
     * What {@link #await} found.
     *
     * @param reached     the wanted markers that were reached
     * @param complete    every wanted marker was reached
     * @param waitedNanos how long the call waited
     */
    public record Outcome(Set<Marker> reached, boolean complete, long waitedNanos) {
        public Outcome {
            reached = reached.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(reached));
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final String[][] recent = new String[Marker.values().length][REMEMBERED];
    private final int[] next = new int[Marker.values().length];
    private volatile boolean runtimeAttached;
    private volatile String currentRequestId;

    /** The event loop saw INVOKE for {@code requestId}; lines from plain socket clients are tagged with it. */
    public void invocationStarted(String requestId) {
        Objects.requireNonNull(requestId, "requestId");
        lock.lock();
        try {
            currentRequestId = requestId;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The invocation {@code requestId} is over (its barrier passed): until the next INVOKE, lines from
     * plain clients carry no request id. A later call for an older request changes nothing.
     */
    public void invocationFinished(String requestId) {
        Objects.requireNonNull(requestId, "requestId");
        lock.lock();
        try {
            if (requestId.equals(currentRequestId)) {
                currentRequestId = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The request id of the invocation in progress, or {@code null} when none is. */
    public String currentRequestId() {
        return currentRequestId;
    }

    /** Records that {@code marker} was reached for {@code requestId} and wakes waiters. */
    public void mark(Marker marker, String requestId) {
        Objects.requireNonNull(marker, "marker");
        Objects.requireNonNull(requestId, "requestId");
        lock.lock();
        try {
            int k = marker.ordinal();
            recent[k][next[k]] = requestId;
            next[k] = (next[k] + 1) % REMEMBERED;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code marker} was reached for {@code requestId} (among the remembered ones). */
    public boolean reached(Marker marker, String requestId) {
        lock.lock();
        try {
            return reachedLocked(marker, requestId);
        } finally {
            lock.unlock();
        }
    }

    private boolean reachedLocked(Marker marker, String requestId) {
        for (String id : recent[marker.ordinal()]) {
            if (requestId.equals(id)) {
                return true;
            }
        }
        return false;
    }

    /** The runtime talks to Lambda through the extension's proxy: its invocation ends are marked from now on. */
    public void runtimeAttached() {
        runtimeAttached = true;
    }

    /** Whether the runtime talks to Lambda through the proxy, so {@link Marker#OUTPUT_END} will come. */
    public boolean isRuntimeAttached() {
        return runtimeAttached;
    }

    /**
     * Waits until every marker in {@code wanted} is reached for {@code requestId} or {@code deadlineNanos}
     * (a {@link System#nanoTime()} value) passes. An interrupt ends the wait early and is kept set on
     * the thread.
     */
    public Outcome await(String requestId, Set<Marker> wanted, long deadlineNanos) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(wanted, "wanted");
        long start = System.nanoTime();
        EnumSet<Marker> reached = EnumSet.noneOf(Marker.class);
        lock.lock();
        try {
            while (true) {
                boolean all = true;
                for (Marker m : wanted) {
                    if (reached.contains(m) || reachedLocked(m, requestId)) {
                        reached.add(m);
                    } else {
                        all = false;
                    }
                }
                long left = deadlineNanos - System.nanoTime();
                if (all || left <= 0) {
                    return new Outcome(reached, all, System.nanoTime() - start);
                }
                try {
                    changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Outcome(reached, false, System.nanoTime() - start);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@link #await} with a timeout instead of a deadline. */
    public Outcome await(String requestId, Set<Marker> wanted, long timeout, TimeUnit unit) {
        return await(requestId, wanted, System.nanoTime() + unit.toNanos(timeout));
    }
}
