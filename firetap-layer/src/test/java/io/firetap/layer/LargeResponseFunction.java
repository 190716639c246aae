package io.firetap.layer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A runtime that answers each event {@code {"bytes":N,"expect":true|false}} with a response of N
 * bytes ({@link #body}), posted as the JDK's HTTP client does it, with {@code Expect: 100-continue}
 * when asked (as curl does for large bodies).
 */
public final class LargeResponseFunction {
    private static final Pattern BYTES = Pattern.compile("\"bytes\"\\s*:\\s*(\\d+)");

    private LargeResponseFunction() {
    }

    /** The response body of {@code n} bytes: a repeating alphabet, so a shifted or cut body shows. */
    static byte[] body(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    public static void main(String[] args) throws IOException {
        String base = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/";
        while (true) {
            HttpURLConnection next = (HttpURLConnection) new URL(base + "next").openConnection();
            String id = next.getHeaderField("Lambda-Runtime-Aws-Request-Id");
            String event = new String(next.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = BYTES.matcher(event);
            byte[] body = body(m.find() ? Integer.parseInt(m.group(1)) : 0);
            HttpURLConnection post = (HttpURLConnection) new URL(base + id + "/response").openConnection();
            post.setRequestMethod("POST");
            post.setDoOutput(true);
            post.setFixedLengthStreamingMode(body.length);
            if (event.contains("\"expect\":true")) {
                post.setRequestProperty("Expect", "100-continue");
            }
            try (OutputStream out = post.getOutputStream()) {
                out.write(body);
            }
            if (post.getResponseCode() != 202) {
                System.err.println("the response was refused: " + post.getResponseCode());
            }
            post.getInputStream().readAllBytes();
        }
    }
}
