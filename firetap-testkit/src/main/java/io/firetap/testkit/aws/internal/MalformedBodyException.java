package io.firetap.testkit.aws.internal;

/**
 * A request body that is not well-formed JSON or CBOR; the services answer it with {@code SerializationException}.
 *
 * <p>Internal, not for public use.
 */
public final class MalformedBodyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedBodyException(String message) {
        super(message);
    }

    public MalformedBodyException(String message, Throwable cause) {
        super(message, cause);
    }
}
