package io.firetap.testkit.fault;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link Faults#nextCall()} decided for one call: an optional failure and the latency to add
 * before answering (also before failing).
 *
 * @param failure the failure to inject, {@code null} to let the call through
 * @param latency time to wait before answering, never negative
 */
public record CallFault(FaultKind failure, Duration latency) {

    /** Through, at once. */
    public static final CallFault NONE = new CallFault(null, Duration.ZERO);

    public CallFault {
        Objects.requireNonNull(latency, "latency");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency < 0: " + latency);
        }
        if (failure != null && !failure.failsCall()) {
            throw new IllegalArgumentException(failure + " is not a whole-call failure");
        }
    }

    public boolean fails() {
        return failure != null;
    }
}
