package io.firetap.core;

/** Where a log line entered firetap. Carried on every {@link LogLine} and available to sinks and formats. */
public enum Source {
    /** The function's stdout, which the firetap wrapper sends into the extension's intake. */
    WRAPPER("wrapper"),
    /** A newline-delimited client of the UNIX socket. */
    SOCKET("socket"),
    /** A {@code function} record from the Lambda Telemetry API (the runtime's stdout and stderr). */
    TELEMETRY_FUNCTION("function"),
    /** A {@code platform.*} event from the Telemetry API, rendered as one JSON line. */
    TELEMETRY_PLATFORM("platform"),
    /** An {@code extension} record from the Telemetry API (other extensions' output). */
    TELEMETRY_EXTENSION("extension");

    private final String label;

    Source(String label) {
        this.label = label;
    }

    /** Short lower-case name used in envelopes and diagnostics, e.g. {@code "function"}. */
    public String label() {
        return label;
    }
}
