package io.firetap.testkit.lambda;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real extension process for the emulator's tests. Its behaviour comes from the first argument:
 * {@code normal} (register, loop on /next, exit 0 on SHUTDOWN), {@code lazy:<ms>} (waits that long
 * after each INVOKE before the next /next), {@code stubborn} (ignores SHUTDOWN and keeps running),
 * {@code chatty} (prints a counter every few ms besides behaving normally), {@code telemetry:<file>}
 * (subscribes to platform and function telemetry and appends every batch it gets to the file).
 * Its name is its file name ({@code TEST_EXTENSION_NAME}).
 */
public final class TestExtension {
    private TestExtension() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "normal";
        String name = System.getenv("TEST_EXTENSION_NAME");
        String base = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API");
        HttpURLConnection register = (HttpURLConnection) new URL(base + "/2020-01-01/extension/register").openConnection();
        register.setRequestMethod("POST");
        register.setDoOutput(true);
        register.setRequestProperty("Lambda-Extension-Name", name);
        try (OutputStream out = register.getOutputStream()) {
            out.write("{\"events\":[\"INVOKE\",\"SHUTDOWN\"]}".getBytes(StandardCharsets.UTF_8));
        }
        if (register.getResponseCode() != 200) {
            System.err.println("register refused: " + register.getResponseCode() + " " + read(register.getErrorStream()));
            System.exit(3);
        }
        read(register.getInputStream());
        String id = register.getHeaderField("Lambda-Extension-Identifier");
        System.out.println("registered " + name);
        if (mode.equals("chatty")) {
            Thread chatter = new Thread(() -> {
                for (long i = 0; ; i++) {
                    System.out.println("tick " + i);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            });
            chatter.setDaemon(true);
            chatter.start();
        }
        if (mode.startsWith("telemetry:")) {
            Path file = Path.of(mode.substring("telemetry:".length()));
            HttpServer listener = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            listener.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                Files.write(file, (new String(body, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8),
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            listener.start();
            HttpURLConnection subscribe = (HttpURLConnection) new URL(base + "/2022-07-01/telemetry").openConnection();
            subscribe.setRequestMethod("PUT");
            subscribe.setDoOutput(true);
            subscribe.setRequestProperty("Lambda-Extension-Identifier", id);
            String request = "{\"schemaVersion\":\"2022-12-13\",\"types\":[\"platform\",\"function\"],"
                    + "\"buffering\":{\"maxItems\":1000,\"maxBytes\":262144,\"timeoutMs\":"
                    + System.getenv().getOrDefault("TEST_TELEMETRY_TIMEOUT_MS", "25") + "},"
                    + "\"destination\":{\"protocol\":\"HTTP\",\"URI\":\"http://sandbox.localdomain:"
                    + listener.getAddress().getPort() + "\"}}";
            try (OutputStream out = subscribe.getOutputStream()) {
                out.write(request.getBytes(StandardCharsets.UTF_8));
            }
            System.out.println("subscribed " + subscribe.getResponseCode());
        }
        while (true) {
            HttpURLConnection next = (HttpURLConnection) new URL(base + "/2020-01-01/extension/event/next").openConnection();
            next.setRequestProperty("Lambda-Extension-Identifier", id);
            next.setReadTimeout(0);
            String event = read(next.getInputStream());
            if (event.contains("\"SHUTDOWN\"")) {
                System.out.println("shutdown received");
                if (mode.equals("stubborn")) {
                    LockSupport.park();
                }
                System.exit(0);
            }
            if (mode.startsWith("telemetry:")) {
                // like a log shipper: wait until the runtimeDone of this request has arrived
                Path file = Path.of(mode.substring("telemetry:".length()));
                String requestId = event.replaceAll(".*\"requestId\":\"([^\"]+)\".*", "$1");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (System.nanoTime() < deadline && !(Files.exists(file)
                        && Files.readString(file).matches("(?s).*platform\\.runtimeDone\"[^\\]]*" + requestId + ".*"))) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                }
            }
            if (mode.startsWith("lazy:")) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Long.parseLong(mode.substring(5))));
            }
        }
    }

    private static String read(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
