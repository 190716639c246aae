package io.firetap.extension.e2e;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.SynchronousQueue;

/**
 * A custom runtime whose output comes from several places: each invocation k writes lines from
 * the main thread, has a child process write more to the same stdout, writes one last line, and
 * right after that a thread that wrote nothing posts the response.
 */
public final class ThreadsFunction {
    static final int MAIN_LINES = 50;
    static final int CHILD_LINES = 20;

    private ThreadsFunction() {
    }

    /** What invocation {@code k} writes, in order. */
    static List<String> lines(int k) {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= MAIN_LINES; i++) {
            lines.add("invocation " + k + " main line " + i);
        }
        for (int i = 1; i <= CHILD_LINES; i++) {
            lines.add("invocation " + k + " child line " + i);
        }
        lines.add("invocation " + k + " last line before the response");
        return lines;
    }

    public static void main(String[] args) throws Exception {
        String base = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/";
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        SynchronousQueue<String> toPost = new SynchronousQueue<>();
        Thread poster = new Thread(() -> {
            try {
                while (true) {
                    post(base + toPost.take() + "/response");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "poster");
        poster.setDaemon(true);
        poster.start();
        for (int k = 1; ; k++) {
            HttpURLConnection next = (HttpURLConnection) new URL(base + "next").openConnection();
            String id = next.getHeaderField("Lambda-Runtime-Aws-Request-Id");
            try (InputStream in = next.getInputStream()) {
                in.readAllBytes();
            }
            List<String> lines = lines(k);
            for (String line : lines.subList(0, MAIN_LINES)) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
            Process child = new ProcessBuilder("sh", "-c",
                    "i=1; while [ $i -le " + CHILD_LINES + " ]; do echo \"invocation " + k
                            + " child line $i\"; i=$((i+1)); done")
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
            child.waitFor();
            out.write((lines.get(lines.size() - 1) + "\n").getBytes(StandardCharsets.UTF_8));
            toPost.put(id);
        }
    }

    private static void post(String url) {
        try {
            HttpURLConnection post = (HttpURLConnection) new URL(url).openConnection();
            post.setRequestMethod("POST");
            post.setDoOutput(true);
            try (OutputStream body = post.getOutputStream()) {
                body.write("{}".getBytes(StandardCharsets.UTF_8));
            }
            post.getResponseCode();
            post.getInputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
