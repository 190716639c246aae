package io.firetap.extension;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal stand-in for Lambda's Extensions and Telemetry APIs on loopback, recording every request.
 * Enough to test the client's wire behaviour; the lifecycle emulator lives in firetap-testkit.
 */
public final class FakeExtensionsApi implements AutoCloseable {
    static final String IDENTIFIER = "test-identifier-0b5f";

    public record Request(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    volatile String expectedName = "firetap";
    public volatile int telemetryStatus = 200;
    public volatile String telemetryErrorBody = "";

    public FakeExtensionsApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    public String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request r = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), Map.copyOf(
                    ex.getRequestHeaders()), body);
            requests.add(r);
            String path = r.path();
            if (path.equals("/2020-01-01/extension/register")) {
                if (!expectedName.equals(r.header("Lambda-Extension-Name"))) {
                    send(ex, 403, "{\"errorMessage\":\"name mismatch\",\"errorType\":\"Extension.Forbidden\"}");
                    return;
                }
                ex.getResponseHeaders().add("Lambda-Extension-Identifier", IDENTIFIER);
                send(ex, 200, "{\"functionName\":\"fn\",\"functionVersion\":\"$LATEST\",\"handler\":\"h.main\"}");
            } else if (!IDENTIFIER.equals(r.header("Lambda-Extension-Identifier"))) {
                send(ex, 403, "{\"errorMessage\":\"unknown extension\"}");
            } else if (path.equals("/2020-01-01/extension/event/next")) {
                String event = events.poll(10, TimeUnit.SECONDS);
                if (event == null) {
                    send(ex, 500, "no event queued");
                } else {
                    send(ex, 200, event);
                }
            } else if (path.endsWith("/init/error") || path.endsWith("/exit/error")) {
                send(ex, 202, "{\"status\":\"OK\"}");
            } else if (path.equals("/2022-07-01/telemetry")) {
                send(ex, telemetryStatus, telemetryStatus == 200 ? "OK" : telemetryErrorBody);
            } else {
                send(ex, 404, "");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    public Request last(String pathSuffix) {
        for (int i = requests.size() - 1; i >= 0; i--) {
            if (requests.get(i).path().endsWith(pathSuffix)) {
                return requests.get(i);
            }
        }
        return null;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
