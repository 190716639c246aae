package io.firetap.testkit.lambda.internal;

import static io.firetap.testkit.lambda.internal.ApiServer.error;
import static io.firetap.testkit.lambda.internal.ApiServer.json;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import io.firetap.testkit.lambda.LambdaEmulator.TelemetryRejection;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The Telemetry API ({@code PUT /2022-07-01/telemetry}) for registered extensions: a subscription
 * inside Lambda's bounds replaces the extension's previous one; anything else is refused with
 * Lambda's {@code ValidationError} and recorded.
 *
 * <p>Internal, not for public use.
 */
final class TelemetryApi {
    private final Sandbox sandbox;
    private final ExtensionsApi extensions;

    TelemetryApi(Sandbox sandbox, ExtensionsApi extensions) {
        this.sandbox = sandbox;
        this.extensions = extensions;
    }

    void handle(HttpExchange exchange, String method, byte[] body) throws IOException {
        ExtensionState e = extensions.identified(exchange);
        if (e == null) {
            return;
        }
        if (!method.equals("PUT")) {
            error(exchange, 405, "MethodNotAllowed", "use PUT");
            return;
        }
        String problem;
        TelemetrySubscription subscription = null;
        try {
            JsonObject request = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
            problem = null;
            String schema = request.has("schemaVersion") ? request.get("schemaVersion").getAsString() : null;
            Set<String> types = new HashSet<>();
            if (request.has("types")) {
                request.getAsJsonArray("types").forEach(t -> types.add(t.getAsString()));
            }
            JsonObject buffering = request.has("buffering") ? request.getAsJsonObject("buffering") : new JsonObject();
            int maxItems = buffering.has("maxItems") ? buffering.get("maxItems").getAsInt() : 10_000;
            int maxBytes = buffering.has("maxBytes") ? buffering.get("maxBytes").getAsInt() : 262_144;
            int timeoutMs = buffering.has("timeoutMs") ? buffering.get("timeoutMs").getAsInt() : 1_000;
            JsonObject destination = request.has("destination") ? request.getAsJsonObject("destination") : null;
            if (!"2022-12-13".equals(schema) && !"2022-07-01".equals(schema)) {
                problem = "schemaVersion must be 2022-12-13 or 2022-07-01, got " + schema;
            } else if (types.isEmpty() || !Set.of("platform", "function", "extension").containsAll(types)) {
                problem = "types must be a non-empty list of platform, function, extension, got " + types;
            } else if (maxItems < 1_000 || maxItems > 10_000) {
                problem = "buffering.maxItems must be 1000-10000, got " + maxItems;
            } else if (maxBytes < 262_144 || maxBytes > 1_048_576) {
                problem = "buffering.maxBytes must be 262144-1048576, got " + maxBytes;
            } else if (timeoutMs < 25 || timeoutMs > 30_000) {
                problem = "buffering.timeoutMs must be 25-30000, got " + timeoutMs;
            } else if (destination == null || !destination.has("protocol") || !destination.has("URI")
                    || !"HTTP".equals(destination.get("protocol").getAsString())) {
                problem = "destination must be {\"protocol\":\"HTTP\",\"URI\":\"http://sandbox.localdomain:<port>/...\"}";
            } else {
                URI uri = URI.create(destination.get("URI").getAsString());
                String host = uri.getHost();
                if (!"http".equals(uri.getScheme()) || host == null
                        || !(host.equals("sandbox.localdomain") || host.equals("127.0.0.1") || host.equals("localhost"))) {
                    problem = "destination URI must be http://sandbox.localdomain:<port> (or a loopback address here), got " + uri;
                } else if (uri.getPort() == 9001 || uri.getPort() <= 0) {
                    problem = "destination port " + uri.getPort() + " is not allowed (9001 is reserved; a port is required)";
                } else {
                    URI target = URI.create("http://127.0.0.1:" + uri.getPort()
                            + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath()));
                    subscription = new TelemetrySubscription(e.name, types, maxItems, maxBytes, timeoutMs, target);
                }
            }
        } catch (RuntimeException bad) {
            problem = "the body is not a valid subscription request: " + bad.getMessage();
        }
        if (problem != null) {
            sandbox.rejectSubscription(new TelemetryRejection(e.name, 400, "ValidationError", problem));
            error(exchange, 400, "ValidationError", problem);
            return;
        }
        sandbox.subscribe(subscription);
        json(exchange, 200, "\"OK\"");
    }
}
