package io.firetap.extension.internal.logging;

import io.firetap.core.internal.JsonStrings;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A logger that writes each event as one JSON line to the process's standard error:
 * {@code {"time":"…","level":"WARN","logger":"…","message":"…"}} plus {@code "error"} and
 * {@code "stack"} when a throwable is given.
 *
 * <p>Standard error, never the shipping pipeline: in Lambda it reaches CloudWatch, and a
 * diagnostic about the pipeline must not depend on the pipeline working. One line is written
 * with one {@code write} so lines from several threads never interleave.
 */
final class JsonStderrLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    /** Reused per thread: building a line allocates only what the message itself needs. */
    private static final ThreadLocal<StringBuilder> LINE = ThreadLocal.withInitial(() -> new StringBuilder(256));
    private static final int MAX_KEPT_BUILDER = 16 * 1024;

    private final transient JsonStderrLoggerFactory factory;

    JsonStderrLogger(String name, JsonStderrLoggerFactory factory) {
        this.name = name;
        this.factory = factory;
    }

    @Override
    public boolean isTraceEnabled() {
        return factory.level().admits(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return factory.level().admits(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return factory.level().admits(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return factory.level().admits(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return factory.level().admits(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern, Object[] arguments,
            Throwable throwable) {
        String message = arguments == null || arguments.length == 0
                ? messagePattern
                : MessageFormatter.basicArrayFormat(messagePattern, arguments);
        write(factory.out(), format(System.currentTimeMillis(), level, name, message, throwable));
    }

    /** The JSON line (with its {@code '\n'}) for one event. */
    static String format(long epochMillis, Level level, String logger, String message, Throwable throwable) {
        StringBuilder sb = LINE.get();
        sb.setLength(0);
        sb.append("{\"time\":\"");
        appendTime(sb, epochMillis);
        sb.append("\",\"level\":\"").append(level.name()).append("\",\"logger\":");
        JsonStrings.append(sb, logger);
        sb.append(",\"message\":");
        JsonStrings.append(sb, message == null ? "null" : message);
        if (throwable != null) {
            sb.append(",\"error\":");
            JsonStrings.append(sb, String.valueOf(throwable));
            sb.append(",\"stack\":");
            JsonStrings.append(sb, stackOf(throwable));
        }
        sb.append("}\n");
        String line = sb.toString();
        if (sb.capacity() > MAX_KEPT_BUILDER) {
            LINE.remove();
        }
        return line;
    }

    /**
     * ISO-8601 UTC with milliseconds, always 24 characters: {@code 2024-05-01T12:00:00.123Z}. Written
     * here rather than by {@code Instant.toString()}: the JDK's formatter initialises for milliseconds
     * on the first line, which is on the extension's way to its first {@code /next}.
     */
    private static void appendTime(StringBuilder sb, long epochMillis) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000), 0, ZoneOffset.UTC);
        sb.append(t.getYear());
        twoDigits(sb.append('-'), t.getMonthValue());
        twoDigits(sb.append('-'), t.getDayOfMonth());
        twoDigits(sb.append('T'), t.getHour());
        twoDigits(sb.append(':'), t.getMinute());
        twoDigits(sb.append(':'), t.getSecond());
        int millis = (int) Math.floorMod(epochMillis, 1000);
        sb.append('.').append((char) ('0' + millis / 100));
        twoDigits(sb, millis % 100);
        sb.append('Z');
    }

    private static void twoDigits(StringBuilder sb, int value) {
        sb.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    private static String stackOf(Throwable t) {
        StringBuilder sb = new StringBuilder(512);
        Throwable current = t;
        int depth = 0;
        while (current != null && depth < 8) {
            if (depth > 0) {
                sb.append("caused by: ").append(current).append('\n');
            }
            StackTraceElement[] frames = current.getStackTrace();
            int n = Math.min(frames.length, 24);
            for (int i = 0; i < n; i++) {
                sb.append("  at ").append(frames[i]).append('\n');
            }
            if (frames.length > n) {
                sb.append("  … ").append(frames.length - n).append(" more\n");
            }
            current = current.getCause() == current ? null : current.getCause();
            depth++;
        }
        return sb.toString();
    }

    static void write(PrintStream out, String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        // One write of the whole line; PrintStream serialises writers internally.
        out.write(bytes, 0, bytes.length);
        out.flush();
    }
}
