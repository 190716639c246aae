package io.firetap.testkit.fault;

import java.time.Duration;

/**
 * How an endpoint stops and resumes accepting connections, so {@link Faults#refuseConnectionsFor}
 * can make its port refuse connections the way a dead host does.
 */
public interface ConnectionGate {

    /** Stop listening now and listen again on the same port after {@code duration}. */
    void refuseFor(Duration duration);

    /** Listen again now if refusing; otherwise nothing. */
    void reopen();
}
