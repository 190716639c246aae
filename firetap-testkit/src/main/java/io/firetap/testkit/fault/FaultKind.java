package io.firetap.testkit.fault;

/**
 * The ways a fake endpoint can misbehave on purpose. Each endpoint documents the wire shape it
 * gives each kind (for the AWS endpoints: the service's error code and HTTP status).
 */
public enum FaultKind {
    /** The whole call is refused as throttled (Firehose {@code ServiceUnavailableException}, Kinesis {@code ProvisionedThroughputExceededException}). */
    THROTTLED_CALL(true),
    /** One entry of a batch call fails with the service's throttling code; the others are accepted. */
    THROTTLED_ENTRY(false),
    /** One entry of a batch call fails with {@code InternalFailure}; the others are accepted. */
    FAILED_ENTRY(false),
    /** The call fails with HTTP 500 {@code InternalFailure}. */
    SERVER_ERROR(true),
    /** The call fails with HTTP 503. */
    UNAVAILABLE(true),
    /** The call fails with HTTP 503 because an outage window is open. */
    OUTAGE(true),
    /** The connection is closed without a response before the call takes effect. */
    CONNECTION_RESET(true),
    /** The call takes effect, then the connection is closed without a response (the client cannot know it worked). */
    RESPONSE_LOST(true),
    /** A window during which the endpoint refused connections began (counted per window: refused connections never reach it). */
    CONNECTIONS_REFUSED(true),
    /** The call was answered late. It is not a failure by itself. */
    LATENCY(false);

    private final boolean failsCall;

    FaultKind(boolean failsCall) {
        this.failsCall = failsCall;
    }

    /** Whether a call meeting this fault gets no successful response. */
    public boolean failsCall() {
        return failsCall;
    }
}
