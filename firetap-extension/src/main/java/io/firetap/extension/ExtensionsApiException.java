package io.firetap.extension;

import java.io.IOException;

/** The Extensions or Telemetry API answered a call with an error status. */
public final class ExtensionsApiException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public ExtensionsApiException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status Lambda answered with. */
    public int status() {
        return status;
    }
}
