package io.firetap.testkit.lambda.internal;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.firetap.testkit.aws.internal.NagleCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The one loopback port ({@code AWS_LAMBDA_RUNTIME_API}) that serves the Extensions, Telemetry and
 * Runtime APIs, each request on a thread of its own (calls to {@code /next} park there until an
 * event comes), with Lambda's JSON error shape.
 *
 * <p>Internal, not for public use.
 */
public final class ApiServer {
    private static final String EXTENSIONS = "/2020-01-01/extension/";
    private static final String TELEMETRY = "/2022-07-01/telemetry";
    private static final String RUNTIME = "/2018-06-01/runtime/";

    private final HttpServer server;
    private final ExecutorService handlers;
    private final ExtensionsApi extensions;
    private final TelemetryApi telemetry;
    private final RuntimeApi runtime;

    private ApiServer(EmulatorConfig config, Sandbox sandbox) {
        this.extensions = new ExtensionsApi(config, sandbox);
        this.telemetry = new TelemetryApi(sandbox, extensions);
        this.runtime = new RuntimeApi(config, sandbox);
        this.handlers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "emulator-api");
            t.setDaemon(true);
            return t;
        });
        NagleCheck.warnOnce();
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on loopback", e);
        }
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
    }

    /** Serves the APIs of {@code sandbox} on a free loopback port from now on. */
    public static ApiServer start(EmulatorConfig config, Sandbox sandbox) {
        ApiServer api = new ApiServer(config, sandbox);
        api.server.start();
        return api;
    }

    /** {@code 127.0.0.1:port}. */
    public String address() {
        return server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** Stops serving at once; calls parked in {@code /next} are cut off. */
    public void stop() {
        server.stop(0);
        handlers.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            byte[] body = readBody(exchange.getRequestBody());
            if (path.startsWith(EXTENSIONS)) {
                extensions.handle(exchange, method, path.substring(EXTENSIONS.length()), body);
            } else if (path.equals(TELEMETRY)) {
                telemetry.handle(exchange, method, body);
            } else if (path.startsWith(RUNTIME)) {
                runtime.handle(exchange, method, path.substring(RUNTIME.length()), body);
            } else {
                error(exchange, 404, "NotFound", "no such path: " + path);
            }
        } catch (RuntimeException e) {
            error(exchange, 500, "ServiceException", String.valueOf(e.getMessage()));
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        JsonObject body = new JsonObject();
        body.addProperty("errorMessage", message);
        body.addProperty("errorType", type);
        json(exchange, status, body.toString());
    }
}
