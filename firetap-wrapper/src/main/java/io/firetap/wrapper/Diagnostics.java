package io.firetap.wrapper;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The wrapper's own messages: one JSON line each on stderr (which Lambda keeps sending to
 * CloudWatch), never on stdout, which belongs to the function.
 */
final class Diagnostics {
    private static final PrintStream ERR = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err),
            true, StandardCharsets.UTF_8);

    private Diagnostics() {
    }

    static void info(String message) {
        log("INFO", message);
    }

    static void warn(String message) {
        log("WARN", message);
    }

    static void error(String message) {
        log("ERROR", message);
    }

    private static void log(String level, String message) {
        StringBuilder sb = new StringBuilder(message.length() + 96);
        sb.append("{\"time\":\"").append(Instant.now()).append("\",\"level\":\"").append(level)
                .append("\",\"logger\":\"firetap-wrapper\",\"message\":\"");
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append("\"}");
        ERR.println(sb);
    }
}
