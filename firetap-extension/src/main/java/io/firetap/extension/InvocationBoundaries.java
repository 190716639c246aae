package io.firetap.extension;

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
 * <p>Two receivers mark ends: the socket receiver marks {@link Marker#OUTPUT_END} for request R
 * when it has handed every line the wrapper sent before its END(R) frame to the intake; the
 * Telemetry listener marks {@link Marker#RUNTIME_DONE} for R when it has handed every record
 * that came before {@code platform.runtimeDone} for R. A marker may arrive before the event
 * loop has even seen the INVOKE for R (the function can be that quick), so the most recent
 * {@value #REMEMBERED} marks of each kind are remembered.
 *
 * <p>{@link #await} waits, bounded, until the wanted markers for a request are there. It does not
 * wait for {@link Marker#OUTPUT_END} while no wrapper is connected, since nobody could send it.
 * Safe for concurrent use.
 */
public final class InvocationBoundaries {
    /** How many request ids of each marker kind are remembered. */
    public static final int REMEMBERED = 64;

    /** The kinds of end-of-output evidence. */
    public enum Marker {
        /** The wrapper's END(R): all the function's stdout written before its response for R is in the intake. */
        OUTPUT_END,
        /** Telemetry's {@code platform.runtimeDone} for R: all records before it are in the intake. */
        RUNTIME_DONE
    }

    /**
     * What {@link #await} found.
     *
     * @param reached       the wanted markers that were reached
     * @param complete      every wanted marker was reached
     * @param wrapperAbsent {@link Marker#OUTPUT_END} was wanted, not reached, and no wrapper was connected
     * @param waitedNanos   how long the call waited
     */
    public record Outcome(Set<Marker> reached, boolean complete, boolean wrapperAbsent, long waitedNanos) {
        public Outcome {
            reached = reached.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(reached));
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final String[][] recent = new String[Marker.values().length][REMEMBERED];
    private final int[] next = new int[Marker.values().length];
    private int wrapperConnections;
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

    /** A wrapper connection has identified itself (sent the protocol preface). */
    public void wrapperAttached() {
        lock.lock();
        try {
            wrapperConnections++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A wrapper connection has closed. */
    public void wrapperDetached() {
        lock.lock();
        try {
            wrapperConnections = Math.max(0, wrapperConnections - 1);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** How many wrapper connections are open. */
    public int wrapperConnections() {
        lock.lock();
        try {
            return wrapperConnections;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a wrapper connection is open or {@code deadlineNanos} passes; {@code true} if one is.
     * For a first invocation that may start before the wrapper has connected.
     */
    public boolean awaitWrapper(long deadlineNanos) {
        lock.lock();
        try {
            while (wrapperConnections == 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return wrapperConnections > 0;
        } finally {
            lock.unlock();
        }
    }

    /** Whether at least one wrapper connection is open. */
    public boolean wrapperConnected() {
        return wrapperConnections() > 0;
    }

    /**
     * Waits until every marker in {@code wanted} is reached for {@code requestId}, {@code deadlineNanos}
     * (a {@link System#nanoTime()} value) passes, or only {@link Marker#OUTPUT_END} is outstanding while no
     * wrapper is connected. An interrupt ends the wait early and is kept set on the thread.
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
                boolean othersPending = false;
                for (Marker m : wanted) {
                    if (reached.contains(m) || reachedLocked(m, requestId)) {
                        reached.add(m);
                    } else {
                        all = false;
                        othersPending |= m != Marker.OUTPUT_END;
                    }
                }
                if (all) {
                    return new Outcome(reached, true, false, System.nanoTime() - start);
                }
                boolean wrapperAbsent = wanted.contains(Marker.OUTPUT_END) && !reached.contains(Marker.OUTPUT_END)
                        && wrapperConnections == 0;
                long left = deadlineNanos - System.nanoTime();
                // Without a wrapper nobody can send OUTPUT_END: stop once nothing else is outstanding.
                if (wrapperAbsent && !othersPending || left <= 0) {
                    return new Outcome(reached, false, wrapperAbsent, System.nanoTime() - start);
                }
                try {
                    changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Outcome(reached, false, false, System.nanoTime() - start);
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
