package io.firetap.testkit.aws.internal;

import io.firetap.testkit.aws.AcceptedRecord;
import io.firetap.testkit.aws.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The endpoint-wide record of refused calls, and the hook that tells an outside listener about
 * accepted records and violations as they happen (the standalone runner prints them).
 */
public final class Journal {
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Violation> violations = new ArrayList<>();
    private final Consumer<AcceptedRecord> onAccepted;
    private final Consumer<Violation> onViolation;

    /** Listeners may be {@code null}; they run on the endpoint's request threads and must not block. */
    public Journal(Consumer<AcceptedRecord> onAccepted, Consumer<Violation> onViolation) {
        this.onAccepted = onAccepted;
        this.onViolation = onViolation;
    }

    /** Records a refused call, against its stream too when it named a known one ({@code ledger} may be {@code null}). */
    public void violation(Violation violation, StreamLedger ledger) {
        lock.lock();
        try {
            violations.add(violation);
        } finally {
            lock.unlock();
        }
        if (ledger != null) {
            ledger.violated(violation);
        }
        if (onViolation != null) {
            onViolation.accept(violation);
        }
    }

    public void accepted(StreamLedger ledger, List<AcceptedRecord> batch, int failedEntries) {
        ledger.accepted(batch, failedEntries);
        if (onAccepted != null) {
            batch.forEach(onAccepted);
        }
    }

    public List<Violation> violations() {
        lock.lock();
        try {
            return List.copyOf(violations);
        } finally {
            lock.unlock();
        }
    }
}
