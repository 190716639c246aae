package io.firetap.extension.e2e;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A custom runtime whose every invocation writes awkward bytes to stdout — invalid UTF-8, NUL
 * bytes, and a 3 MiB line without a newline — right before posting its response.
 */
public final class BytesFunction {
    static final byte[] INVALID_UTF8 = {'b', 'a', 'd', ' ', (byte) 0xff, (byte) 0xfe, (byte) 0xc3, '\n'};
    static final byte[] WITH_NUL = {'n', 'u', 'l', 0, 'i', 'n', 's', 'i', 'd', 'e', '\n'};
    static final int HUGE = 3 * 1024 * 1024;

    private BytesFunction() {
    }

    /** What one invocation writes. */
    static byte[] output() {
        byte[] huge = new byte[HUGE];
        Arrays.fill(huge, (byte) 'x');
        byte[] all = new byte[INVALID_UTF8.length + WITH_NUL.length + HUGE];
        System.arraycopy(INVALID_UTF8, 0, all, 0, INVALID_UTF8.length);
        System.arraycopy(WITH_NUL, 0, all, INVALID_UTF8.length, WITH_NUL.length);
        System.arraycopy(huge, 0, all, INVALID_UTF8.length + WITH_NUL.length, HUGE);
        return all;
    }

    public static void main(String[] args) throws IOException {
        String base = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/";
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        byte[] output = output();
        while (true) {
            HttpURLConnection next = (HttpURLConnection) new URL(base + "next").openConnection();
            String id = next.getHeaderField("Lambda-Runtime-Aws-Request-Id");
            try (InputStream in = next.getInputStream()) {
                in.readAllBytes();
            }
            out.write(output);
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
}
