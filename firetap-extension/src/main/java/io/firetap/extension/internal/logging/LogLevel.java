package io.firetap.extension.internal.logging;

import java.util.Locale;
import org.slf4j.event.Level;

/** The diagnostic levels {@code FIRETAP_LOG_LEVEL} accepts, from most to least verbose, plus {@code off}. */
public enum LogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR, OFF;

    /** The level spelled {@code text} (any case), or {@code null} when it is none of them. */
    public static LogLevel parse(String text) {
        if (text == null) {
            return null;
        }
        String wanted = text.trim().toUpperCase(Locale.ROOT);
        if (wanted.equals("WARNING")) {
            return WARN;
        }
        for (LogLevel l : values()) {
            if (l.name().equals(wanted)) {
                return l;
            }
        }
        return null;
    }

    /** Whether a message at slf4j level {@code level} passes this threshold. */
    boolean admits(Level level) {
        return level.ordinal() <= slf4jCeiling();
    }

    // slf4j's Level is ordered ERROR(0) .. TRACE(4); ours TRACE(0) .. ERROR(4), OFF(5).
    private int slf4jCeiling() {
        return 4 - ordinal();
    }
}
