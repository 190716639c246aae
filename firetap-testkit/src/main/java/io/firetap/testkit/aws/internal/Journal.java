package io.firetap.testkit.aws.internal;

import io.firetap.testkit.aws.AcceptedRecord;
import io.firetap.testkit.aws.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint-wide record of refused calls, and the hook that tells an outside listener about
 * accepted records and violations as they happen (the standalone runner prints them).
 *
 * <p>Internal, not for public use.
 */
public final class Journal {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
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
        if (onViolation != null) {
            tell(onViolation, violation);
        }
        lock.lock();
        try {
            violations.add(violation);
        } finally {
            lock.unlock();
        }
        if (ledger != null) {
            ledger.violated(violation);
        }
    }

    /** Tells the listener first, so whoever waits on the ledger knows the listener has seen the records too. */
    public void accepted(StreamLedger ledger, List<AcceptedRecord> batch, int failedEntries) {
        if (onAccepted != null) {
            for (AcceptedRecord record : batch) {
                tell(onAccepted, record);
            }
        }
        ledger.accepted(batch, failedEntries);
    }

    private static <T> void tell(Consumer<T> listener, T event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            // A broken listener must not turn an accepted call into a failed one.
            LOG.warn("listener failed on {}", event, e);
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
