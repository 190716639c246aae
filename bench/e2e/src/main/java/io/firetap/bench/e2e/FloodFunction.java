package io.firetap.bench.e2e;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's function: for each event {@code {"lines":N,"size":S}} it writes N lines of S
 * bytes (newline included) to stdout as fast as it can, then responds; with {@code "rate":R} it
 * paces them at R lines per second (in 10 ms steps); with {@code "stamp":true} each line begins with
 * the wall-clock millisecond it was written (13 digits), to measure write-to-delivery delays; with
 * {@code "from":K} the lines are numbered from K rather than 0, so a run's lines can be told apart. With arguments
 * {@code N S} it writes them once and exits — the raw limit's writer.
 */
public final class FloodFunction {
    private static final Pattern LINES = Pattern.compile("\"lines\"\\s*:\\s*(\\d+)");
    private static final Pattern SIZE = Pattern.compile("\"size\"\\s*:\\s*(\\d+)");
    private static final Pattern RATE = Pattern.compile("\"rate\"\\s*:\\s*(\\d+)");
    private static final Pattern FROM = Pattern.compile("\"from\"\\s*:\\s*(\\d+)");
    private static final Pattern STAMP = Pattern.compile("\"stamp\"\\s*:\\s*true");

    private FloodFunction() {
    }

    public static void main(String[] args) throws IOException {
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024);
        if (args.length == 2) {
            write(out, Long.parseLong(args[0]), Integer.parseInt(args[1]));
            out.flush();
            return;
        }
        String base = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/";
        while (true) {
            HttpURLConnection next = (HttpURLConnection) new URL(base + "next").openConnection();
            String id = next.getHeaderField("Lambda-Runtime-Aws-Request-Id");
            String event;
            try (InputStream in = next.getInputStream()) {
                event = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            long lines = number(LINES, event, 10);
            int size = (int) number(SIZE, event, 100);
            long rate = number(RATE, event, 0);
            if (STAMP.matcher(event).find()) {
                stamped(out, lines, size);
            } else if (rate > 0) {
                paced(out, lines, size, rate);
            } else {
                write(out, lines, size, number(FROM, event, 0));
            }
            out.flush();
            HttpURLConnection post = (HttpURLConnection) new URL(base + id + "/response").openConnection();
            post.setRequestMethod("POST");
            post.setDoOutput(true);
            try (OutputStream body = post.getOutputStream()) {
                body.write("{}".getBytes(StandardCharsets.UTF_8));
            }
            post.getResponseCode();
            post.getInputStream().close();
        }
    }

    /** {@code lines} lines at {@code rate} lines per second: one slice every 10 ms, on a fixed schedule. */
    static void paced(OutputStream out, long lines, int size, long rate) throws IOException {
        long perStep = Math.max(1, rate / 100);
        long start = System.nanoTime();
        long written = 0;
        for (long step = 0; written < lines; step++) {
            long n = Math.min(perStep, lines - written);
            write(out, n, size);
            out.flush();
            written += n;
            long wake = start + (step + 1) * 10_000_000L;
            long wait = wake - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
        }
    }

    /** N lines of {@code size} bytes, each beginning with the current wall-clock millisecond. */
    static void stamped(OutputStream out, long lines, int size) throws IOException {
        byte[] line = new byte[Math.max(size, 14)];
        java.util.Arrays.fill(line, (byte) 'x');
        line[line.length - 1] = '\n';
        for (long i = 0; i < lines; i++) {
            long v = System.currentTimeMillis();
            for (int d = 12; d >= 0; d--) {
                line[d] = (byte) ('0' + (v % 10));
                v /= 10;
            }
            out.write(line);
        }
    }

    /** N lines of {@code size} bytes: a counter, then filler, then the newline. */
    static void write(OutputStream out, long lines, int size) throws IOException {
        write(out, lines, size, 0);
    }

    /** N lines of {@code size} bytes numbered from {@code from}. */
    static void write(OutputStream out, long lines, int size, long from) throws IOException {
        byte[] line = new byte[Math.max(size, 12)];
        java.util.Arrays.fill(line, (byte) 'x');
        line[line.length - 1] = '\n';
        for (long i = 0; i < lines; i++) {
            long v = from + i;
            for (int d = 9; d >= 0; d--) {
                line[d] = (byte) ('0' + (v % 10));
                v /= 10;
            }
            out.write(line);
        }
    }

    private static long number(Pattern p, String event, long fallback) {
        Matcher m = p.matcher(event);
        return m.find() ? Long.parseLong(m.group(1)) : fallback;
    }
}
