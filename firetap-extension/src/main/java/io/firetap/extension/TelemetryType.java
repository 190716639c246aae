package io.firetap.extension;

import java.util.Locale;

/** The Lambda Telemetry API streams firetap can subscribe to, with their wire names. */
public enum TelemetryType {
    /** The function's own output (the runtime's stdout and stderr) as Lambda captured it. */
    FUNCTION("function"),
    /** {@code platform.*} lifecycle events; firetap always subscribes to them when it takes {@code function}
     *  records, because {@code platform.runtimeDone} marks the end of an invocation's output. */
    PLATFORM("platform"),
    /** Other extensions' output. */
    EXTENSION("extension");

    private final String wireName;

    TelemetryType(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the subscription's {@code types} list, e.g. {@code "function"}. */
    public String wireName() {
        return wireName;
    }

    /** The type named {@code name} (any case), or {@code null}. */
    public static TelemetryType byName(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        for (TelemetryType t : values()) {
            if (t.wireName.equals(lower)) {
                return t;
            }
        }
        return null;
    }
}
