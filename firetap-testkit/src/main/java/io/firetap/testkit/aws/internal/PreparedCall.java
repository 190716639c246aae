package io.firetap.testkit.aws.internal;

import io.firetap.testkit.fault.FaultKind;
import io.firetap.testkit.fault.Faults;
import java.time.Instant;
import java.util.Map;

/**
 * A call that passed validation: it takes effect on {@link #commit}, or meets an injected fault instead.
 *
 * <p>Internal, not for public use.
 */
public interface PreparedCall {

    /** The stream the call addresses. */
    StreamLedger ledger();

    /**
     * Stores the records (except entries {@code faults} fails) and returns the response body.
     *
     * @throws ServiceError for a single-record call whose one entry met a fault
     */
    Map<String, Object> commit(Faults faults, Instant arrival);

    /** The error this service answers a whole-call fault with. */
    ServiceError fault(FaultKind kind);
}
