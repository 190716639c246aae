package io.firetap.testkit.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small custom-runtime function for the local run and for users' own experiments: it speaks the
 * Lambda Runtime API ({@code AWS_LAMBDA_RUNTIME_API}) like a {@code provided.al2023} bootstrap does,
 * and for each event {@code {"lines": N}} writes N log lines to standard output, then posts
 * {@code {"lines": N}} as its response.
 *
 * <p>The lines look like an application's: a level, a message and where they belong
 * ({@code invocation 3 line 17/200}), so a reader of the delivered records can check order and
 * completeness by eye. Standard output is flushed before the response is posted, as any runtime does.
 */
public final class SampleFunction {

    private static final Pattern LINES = Pattern.compile("\"lines\"\\s*:\\s*(\\d+)");
    private static final String[] MESSAGES = {
        "INFO  checkout: order accepted",
        "DEBUG inventory: reserved 2 items",
        "INFO  payment: authorised",
        "WARN  shipping: carrier quote took longer than usual",
        "INFO  checkout: confirmation queued",
    };

    private SampleFunction() {
    }

    public static void main(String[] args) throws IOException {
        String api = System.getenv("AWS_LAMBDA_RUNTIME_API");
        if (api == null || api.isBlank()) {
            System.err.println("SampleFunction: AWS_LAMBDA_RUNTIME_API is not set; run it under Lambda or the firetap emulator");
            System.exit(2);
        }
        String base = "http://" + api + "/2018-06-01/runtime/invocation/";
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        int invocation = 0;
        while (true) {
            HttpURLConnection next = (HttpURLConnection) new URL(base + "next").openConnection();
            next.setReadTimeout(0);
            String requestId = next.getHeaderField("Lambda-Runtime-Aws-Request-Id");
            String event = new String(readAll(next.getInputStream()), StandardCharsets.UTF_8);
            if (requestId == null) {
                System.err.println("SampleFunction: the Runtime API answered /next without a request id");
                System.exit(1);
            }
            invocation++;
            Matcher m = LINES.matcher(event);
            int lines = m.find() ? Integer.parseInt(m.group(1)) : 10;
            for (int i = 1; i <= lines; i++) {
                out.print(MESSAGES[i % MESSAGES.length]);
                out.print(" (invocation ");
                out.print(invocation);
                out.print(" line ");
                out.print(i);
                out.print('/');
                out.print(lines);
                out.print(")\n");
            }
            out.flush();
            post(base + requestId + "/response", "{\"lines\":" + lines + "}");
        }
    }

    private static void post(String url, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        c.setFixedLengthStreamingMode(bytes.length);
        try (OutputStream o = c.getOutputStream()) {
            o.write(bytes);
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        if (in != null) {
            readAll(in);
        }
        if (status != 202) {
            System.err.println("SampleFunction: posting the response returned HTTP " + status);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toByteArray();
        }
    }
}
