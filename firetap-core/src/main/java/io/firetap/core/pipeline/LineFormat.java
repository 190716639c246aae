package io.firetap.core.pipeline;

/** How each line is written into a delivered record. */
public enum LineFormat {
    /** The line's bytes exactly as written, then {@code '\n'}. The default. */
    RAW,
    /**
     * One JSON object per line, then {@code '\n'}: {@code time} (ISO-8601), {@code source},
     * {@code requestId} (when known), {@code function}, {@code functionVersion}, and {@code message}
     * (the line as UTF-8 text; invalid byte sequences become U+FFFD).
     */
    JSON
}
