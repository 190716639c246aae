package io.firetap.extension.internal;

import io.firetap.core.LogLine;
import io.firetap.core.pipeline.Intake;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Lines collected by one receiver thread, handed to the intake in one call. Reused for every
 * read, so the receive path allocates no list per read. Not thread-safe: one per receiver thread.
 */
public final class Handover {
    private final Intake intake;
    private final List<LogLine> lines = new ArrayList<>(256);
    // Written by the owning thread only; volatile so counters can be read from elsewhere.
    private volatile long handed;
    private volatile long refused;

    public Handover(Intake intake) {
        this.intake = Objects.requireNonNull(intake, "intake");
    }

    /** Where lines are collected until the next {@link #handOver()}. */
    public List<LogLine> lines() {
        return lines;
    }

    /** Hands the collected lines to the intake (refused ones are counted and reported by the intake). */
    public void handOver() {
        int n = lines.size();
        if (n == 0) {
            return;
        }
        int accepted = intake.offerAll(lines);
        handed += n;
        refused += n - accepted;
        lines.clear();
        if (lines instanceof ArrayList<LogLine> a && n > 4096) {
            // A flood once made the list large; do not keep its backing array for ever.
            a.trimToSize();
            a.ensureCapacity(256);
        }
    }

    /** Lines handed to the intake so far. */
    public long handed() {
        return handed;
    }

    /** Lines the intake refused so far. */
    public long refused() {
        return refused;
    }
}
