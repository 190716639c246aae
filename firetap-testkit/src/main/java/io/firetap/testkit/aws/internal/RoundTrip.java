package io.firetap.testkit.aws.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The network between a client and a regional AWS endpoint, as seen from the endpoint: every call
 * takes {@code base} plus a uniformly drawn share of {@code jitter}. Half of it passes before the
 * call takes effect (the request's way in), the rest before the answer leaves (its way back), so a
 * client cut off mid-call may find its records stored. Both halves are counted from the call's
 * arrival, so the endpoint's own work within them does not lengthen the trip. Each call waits on its
 * own request thread: calls on other connections are not held back.
 */
public final class RoundTrip {
    /** No latency at all: loopback. */
    public static final RoundTrip NONE = new RoundTrip(Duration.ZERO, Duration.ZERO, 0);

    /** The last stretch of a wait spent spinning rather than parked: more than a park's usual lateness. */
    static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private final Duration base;
    private final Duration jitter;
    private final Random random;

    /**
     * @param base   the least every call takes
     * @param jitter the most a call takes beyond {@code base}; each call draws uniformly in [0, jitter]
     * @param seed   seed of the draws, so a run can be repeated
     */
    public RoundTrip(Duration base, Duration jitter, long seed) {
        this.base = check(base, "base");
        this.jitter = check(jitter, "jitter");
        this.random = new Random(seed);
    }

    private static Duration check(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " latency < 0: " + d);
        }
        return d;
    }

    public Duration base() {
        return base;
    }

    public Duration jitter() {
        return jitter;
    }

    public boolean isZero() {
        return base.isZero() && jitter.isZero();
    }

    /** The whole round trip of the next call, in nanoseconds. */
    public long nextNanos() {
        if (isZero()) {
            return 0;
        }
        long j = jitter.toNanos();
        // Random is thread-safe; the sequence depends on the order calls arrive in
        return base.toNanos() + (j == 0 ? 0 : (long) (random.nextDouble() * (j + 1)));
    }

    /** Waits {@code nanos} on this thread; {@code false} (interrupt kept) when interrupted. */
    static boolean pause(long nanos) {
        return nanos <= 0 || pauseUntil(System.nanoTime() + nanos);
    }

    /**
     * Waits on this thread until {@link System#nanoTime()} reaches {@code deadline}; {@code false}
     * (interrupt kept) when interrupted. A sleep wakes late by up to a scheduler's tick, which a
     * 20 ms round trip made 1–2 ms longer: the thread parks until {@link #SPIN_NANOS} before the
     * deadline and spins the rest, so a call takes its round trip to within a few microseconds on an
     * idle machine, for at most that much CPU per wait.
     */
    static boolean pauseUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (left > SPIN_NANOS) {
                LockSupport.parkNanos(left - SPIN_NANOS);
            } else {
                Thread.onSpinWait();
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return isZero() ? "none" : base.toMillis() + " ms" + (jitter.isZero() ? "" : " + up to " + jitter.toMillis() + " ms");
    }
}
