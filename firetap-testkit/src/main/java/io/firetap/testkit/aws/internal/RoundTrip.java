package io.firetap.testkit.aws.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The network between a client and a regional AWS endpoint, as seen from the endpoint: every call
 * takes {@code base} plus a uniformly drawn share of {@code jitter}. Half of it passes before the
 * call takes effect (the request's way in), the rest before the answer leaves (its way back), so a
 * client cut off mid-call may find its records stored. Each call waits on its own request thread:
 * calls on other connections are not held back.
 */
public final class RoundTrip {
    /** No latency at all: loopback. */
    public static final RoundTrip NONE = new RoundTrip(Duration.ZERO, Duration.ZERO, 0);

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
        if (nanos <= 0) {
            return true;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return isZero() ? "none" : base.toMillis() + " ms" + (jitter.isZero() ? "" : " + up to " + jitter.toMillis() + " ms");
    }
}
