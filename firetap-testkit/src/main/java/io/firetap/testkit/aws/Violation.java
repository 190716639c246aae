package io.firetap.testkit.aws;

import java.time.Instant;
import java.util.Objects;

/**
 * A call the service refused because of what it contained: a limit broken, a required member
 * missing, a malformed body, an unknown stream or operation. A client that respects the service
 * contract never causes one, so "no violations" is a useful assertion on its own.
 *
 * @param time       when the call arrived
 * @param service    the service addressed, {@code null} if the target named none
 * @param operation  the operation, e.g. {@code PutRecordBatch}; {@code null} if unknown
 * @param streamName the stream named in the call, {@code null} if none could be read
 * @param errorCode  the error code returned, e.g. {@code ValidationException}
 * @param message    the error message returned: the reason
 */
public record Violation(Instant time, AwsService service, String operation, String streamName,
        String errorCode, String message) {

    public Violation {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(message, "message");
    }
}
