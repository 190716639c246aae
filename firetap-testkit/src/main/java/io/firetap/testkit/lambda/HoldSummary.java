package io.firetap.testkit.lambda;

import java.time.Duration;
import java.util.List;

/**
 * Post-runtime hold over a set of invocations (nearest-rank percentiles).
 *
 * @param invocations how many invocations are summarised
 */
public record HoldSummary(int invocations, Duration p50, Duration p99, Duration max) {

    /** Summarises the holds of the given invocations. */
    public static HoldSummary of(List<Invocation> list) {
        long[] nanos = list.stream().mapToLong(i -> i.hold().toNanos()).sorted().toArray();
        if (nanos.length == 0) {
            return new HoldSummary(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
        }
        return new HoldSummary(nanos.length, Duration.ofNanos(rank(nanos, 0.50)),
                Duration.ofNanos(rank(nanos, 0.99)), Duration.ofNanos(nanos[nanos.length - 1]));
    }

    private static long rank(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** {@code p50 1.2 ms p99 4.0 ms}. */
    public String describe() {
        return "p50 " + millis(p50) + " ms p99 " + millis(p99) + " ms";
    }

    private static String millis(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d.toNanos() / 1e6);
    }

}
