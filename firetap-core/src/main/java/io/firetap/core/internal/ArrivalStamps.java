package io.firetap.core.internal;

/**
 * When the buffer's lines arrived, kept per run of lines rather than per line: a run starts with a
 * line's sequence number and its {@link System#nanoTime()} stamp, and every later line accepted
 * within {@link #GRANULARITY_NANOS} of that stamp joins it. So memory grows with the time span of
 * what is buffered (at most one run per millisecond of it), not with the number of lines, and a
 * line's age read here is never younger than its real age and at most a millisecond older.
 *
 * <p>Stamps never decrease along the sequence (lines are appended in order, under the buffer's
 * lock). Not thread-safe: the buffer's lock guards it.
 */
final class ArrivalStamps {
    static final long GRANULARITY_NANOS = 1_000_000;
    private static final int INITIAL_RUNS = 64;

    private long[] starts = new long[INITIAL_RUNS];
    private long[] stamps = new long[INITIAL_RUNS];
    private int first;
    private int size;

    /** Line {@code seq} (and those after it, until the next mark) is about to be appended at {@code nowNanos}. */
    void mark(long seq, long nowNanos) {
        if (size > 0) {
            int last = slot(size - 1);
            if (starts[last] == seq) {
                // the run got no line (the append was refused): its first line arrives now
                stamps[last] = nowNanos;
                return;
            }
            if (nowNanos - stamps[last] < GRANULARITY_NANOS) {
                return;
            }
        }
        if (size == starts.length) {
            grow();
        }
        int s = slot(size);
        starts[s] = seq;
        stamps[s] = nowNanos;
        size++;
    }

    /** The arrival stamp of line {@code seq}, which must be at or above the first run's start. */
    long stampOf(long seq) {
        int lo = 0;
        int hi = size - 1;
        // the last run starting at or before seq
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[slot(mid)] <= seq) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return stamps[slot(lo)];
    }

    /**
     * The sequence number of the first line that arrived after {@code nanos} (a run stamped at or
     * before it counts as arrived by then), or {@code end} when every line before {@code end} did.
     */
    long firstArrivedAfter(long nanos, long end) {
        int lo = 0;
        int hi = size;
        // the first run stamped after nanos
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (stamps[slot(mid)] - nanos > 0) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo == size ? end : Math.min(end, starts[slot(lo)]);
    }

    /** Forgets runs that hold no line at or above {@code seq}. */
    void dropBelow(long seq) {
        while (size >= 2 && starts[slot(1)] <= seq) {
            first = (first + 1) % starts.length;
            size--;
        }
    }

    int runs() {
        return size;
    }

    private int slot(int i) {
        return (first + i) % starts.length;
    }

    private void grow() {
        long[] s = new long[starts.length * 2];
        long[] t = new long[starts.length * 2];
        for (int i = 0; i < size; i++) {
            s[i] = starts[slot(i)];
            t[i] = stamps[slot(i)];
        }
        starts = s;
        stamps = t;
        first = 0;
    }
}
