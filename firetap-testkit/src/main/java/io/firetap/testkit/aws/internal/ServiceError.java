package io.firetap.testkit.aws.internal;

import java.util.Objects;

/**
 * A whole-call error as the service sends it: HTTP status, error code ({@code __type}) and
 * message. Thrown by the operations, written by the HTTP layer in the request's encoding.
 *
 * <p>Internal, not for public use.
 */
public final class ServiceError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public ServiceError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Errors the caller caused (a limit, a missing member, an unknown stream), as opposed to injected or server-side ones. */
    public boolean isClientFault() {
        return status >= 400 && status < 500;
    }

    public static ServiceError validation(String message) {
        return new ServiceError(400, "ValidationException", message);
    }

    public static ServiceError invalidArgument(String message) {
        return new ServiceError(400, "InvalidArgumentException", message);
    }

    public static ServiceError resourceNotFound(String message) {
        return new ServiceError(400, "ResourceNotFoundException", message);
    }

    public static ServiceError serialization(String message) {
        return new ServiceError(400, "SerializationException", message);
    }
}
