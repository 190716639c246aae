package io.firetap.core.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: the wait before retry {@code n} is uniform in
 * {@code [0, min(max, base * 2^(n-1))]}, which spreads retries of many functions hitting one
 * throttled stream instead of having them retry in step.
 */
public final class Backoff {
    private final long baseNanos;
    private final long maxNanos;

    public Backoff(Duration base, Duration max) {
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** The ceiling for retry {@code attempt} (1-based). */
    public long ceilingNanos(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 40);
        long ceiling = baseNanos << shift;
        if (ceiling < 0 || (baseNanos != 0 && ceiling >> shift != baseNanos)) {
            return maxNanos;
        }
        return Math.min(maxNanos, ceiling);
    }

    /** A random wait for retry {@code attempt} (1-based). */
    public long nextNanos(int attempt) {
        long ceiling = ceilingNanos(attempt);
        return ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1);
    }
}
