package io.firetap.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Test data and bounded waiting for the core's tests. */
public final class Lines {
    private Lines() {
    }

    public static LogLine record(String text) {
        return LogLine.of(text.getBytes(StandardCharsets.UTF_8), 1_700_000_000_000L, Source.SOCKET, null);
    }

    public static LogLine record(byte[] bytes) {
        return LogLine.of(bytes, 1_700_000_000_000L, Source.SOCKET, null);
    }

    /** {@code n} numbered lines of exactly {@code length} bytes each. */
    public static List<LogLine> numbered(int n, int length) {
        List<LogLine> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String prefix = "line-" + i + "-";
            StringBuilder sb = new StringBuilder(prefix);
            while (sb.length() < length) {
                sb.append('x');
            }
            out.add(record(sb.substring(0, Math.max(length, 0))));
        }
        return out;
    }

    /** Random bytes except {@code '\n'}, which a receiver never leaves inside a line. */
    public static byte[] randomLine(Random random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        for (int i = 0; i < length; i++) {
            if (b[i] == '\n') {
                b[i] = 0;
            }
        }
        return b;
    }

    /** What a consumer reads when every line is delivered whole: each line followed by {@code '\n'}. */
    public static byte[] joined(List<LogLine> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (LogLine r : records) {
            out.writeBytes(r.toByteArray());
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Polls {@code condition} until true or {@code millis} pass. */
    public static boolean await(BooleanSupplier condition, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(1_000_000L);
        }
        return true;
    }
}
