package io.firetap.aws.internal;

/**
 * An AWS service's answer to an {@link AwsJsonCall} that is not a success: the HTTP status, the
 * error code (the {@code x-amzn-ErrorType} header, else the body's {@code __type}, without the
 * namespace) and the message. {@link AwsClients#retryable} classes it as it classes the SDK's
 * {@code AwsServiceException}.
 */
public final class AwsErrorResponse extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final String errorCode;

    public AwsErrorResponse(int statusCode, String errorCode, String message) {
        super(message, null, false, false);
        this.statusCode = statusCode;
        this.errorCode = errorCode;
    }

    /** The HTTP status. */
    public int statusCode() {
        return statusCode;
    }

    /** The service's error code, e.g. {@code ResourceNotFoundException}; {@code HTTP <status>} when it sent none. */
    public String errorCode() {
        return errorCode;
    }

    /**
     * The code in an {@code x-amzn-ErrorType} header ({@code Code:http://…}) or a {@code __type}
     * member ({@code namespace#Code}, sometimes also with a {@code :…} suffix); {@code null} for none.
     */
    static String code(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String code = raw.trim();
        int colon = code.indexOf(':');
        if (colon >= 0) {
            code = code.substring(0, colon);
        }
        int hash = code.lastIndexOf('#');
        if (hash >= 0) {
            code = code.substring(hash + 1);
        }
        return code.isEmpty() ? null : code;
    }
}
