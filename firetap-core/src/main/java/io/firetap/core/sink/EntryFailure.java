package io.firetap.core.sink;

import java.util.Objects;

/**
 * Why one entry of a batch was not stored.
 *
 * @param index     position of the entry in the batch passed to {@link Sink#send}
 * @param retryable whether sending the same entry again can succeed (throttling, 5xx, timeouts)
 *                  or never will (validation errors: it is counted as rejected and dropped)
 * @param errorCode the service's error code, e.g. {@code ServiceUnavailableException}
 * @param message   the service's message; never contains record content
 */
public record EntryFailure(int index, boolean retryable, String errorCode, String message) {
    public EntryFailure {
        if (index < 0) {
            throw new IllegalArgumentException("index < 0: " + index);
        }
        Objects.requireNonNull(errorCode, "errorCode");
        message = message == null ? "" : message;
    }
}
