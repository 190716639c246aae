package io.firetap.extension;

import java.util.Objects;

/** An event {@code GET /2020-01-01/extension/event/next} returned. */
public sealed interface ExtensionEvent {

    /** When the event's deadline passes, in epoch milliseconds. */
    long deadlineMs();

    /**
     * An invocation started.
     *
     * @param requestId          the invocation's request id
     * @param deadlineMs         when the invocation times out, epoch milliseconds
     * @param invokedFunctionArn the ARN the function was invoked with, or empty
     */
    record Invoke(String requestId, long deadlineMs, String invokedFunctionArn) implements ExtensionEvent {
        public Invoke {
            Objects.requireNonNull(requestId, "requestId");
            invokedFunctionArn = invokedFunctionArn == null ? "" : invokedFunctionArn;
        }
    }

    /**
     * The execution environment is shutting down: deliver what is left before {@code deadlineMs}, then exit.
     *
     * @param reason     {@code spindown}, {@code timeout} or {@code failure}, as Lambda sent it
     * @param deadlineMs when the process is killed, epoch milliseconds
     */
    record Shutdown(String reason, long deadlineMs) implements ExtensionEvent {
        public Shutdown {
            reason = reason == null ? "" : reason;
        }
    }

    /**
     * An event type this client does not know (firetap registers for INVOKE and SHUTDOWN only); the
     * event loop should simply ask for the next one.
     */
    record Other(String eventType, long deadlineMs) implements ExtensionEvent {
    }
}
