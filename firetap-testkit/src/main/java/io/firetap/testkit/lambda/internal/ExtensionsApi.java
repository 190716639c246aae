package io.firetap.testkit.lambda.internal;

import static io.firetap.testkit.lambda.internal.ApiServer.error;
import static io.firetap.testkit.lambda.internal.ApiServer.json;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The Extensions API ({@code /2020-01-01/extension/}): {@code register} under the executable's file
 * name, {@code event/next} parked until the lifecycle queues an event, {@code init/error} and
 * {@code exit/error} recorded.
 *
 * <p>Internal, not for public use.
 */
final class ExtensionsApi {
    private final EmulatorConfig config;
    private final Sandbox sandbox;

    ExtensionsApi(EmulatorConfig config, Sandbox sandbox) {
        this.config = config;
        this.sandbox = sandbox;
    }

    void handle(HttpExchange exchange, String method, String op, byte[] body) throws IOException {
        if (op.equals("register") && method.equals("POST")) {
            register(exchange, body);
            return;
        }
        ExtensionState e = identified(exchange);
        if (e == null) {
            return;
        }
        switch (op) {
            case "event/next" -> {
                if (!method.equals("GET")) {
                    error(exchange, 405, "MethodNotAllowed", "use GET");
                    return;
                }
                nextEvent(exchange, e);
            }
            case "init/error", "exit/error" -> {
                String type = exchange.getRequestHeaders().getFirst("Lambda-Extension-Function-Error-Type");
                if (type == null || type.isBlank()) {
                    error(exchange, 400, "InvalidRequestFormat", "Lambda-Extension-Function-Error-Type is required");
                    return;
                }
                sandbox.lock.lock();
                try {
                    sandbox.reportError(e.name + " " + op + " " + type + ": " + new String(body, StandardCharsets.UTF_8));
                } finally {
                    sandbox.lock.unlock();
                }
                json(exchange, 202, "{\"status\":\"OK\"}");
            }
            default -> error(exchange, 404, "NotFound", "no such extension operation: " + op);
        }
    }

    /**
     * The registered extension whose {@code Lambda-Extension-Identifier} the request carries, or
     * {@code null} after answering 403.
     */
    ExtensionState identified(HttpExchange exchange) throws IOException {
        String id = exchange.getRequestHeaders().getFirst("Lambda-Extension-Identifier");
        sandbox.lock.lock();
        try {
            ExtensionState e = id == null ? null : sandbox.extensionsById.get(id);
            if (e == null) {
                error(exchange, 403, "Extension.Forbidden", "missing or unknown Lambda-Extension-Identifier");
            }
            return e;
        } finally {
            sandbox.lock.unlock();
        }
    }

    private void register(HttpExchange exchange, byte[] body) throws IOException {
        String name = exchange.getRequestHeaders().getFirst("Lambda-Extension-Name");
        Set<String> events = new HashSet<>();
        try {
            JsonElement parsed = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
            JsonArray array = parsed.getAsJsonObject().getAsJsonArray("events");
            for (JsonElement ev : array) {
                events.add(ev.getAsString());
            }
        } catch (RuntimeException bad) {
            error(exchange, 400, "InvalidRequestFormat", "the body must be {\"events\":[...]}");
            return;
        }
        if (!Set.of("INVOKE", "SHUTDOWN").containsAll(events)) {
            error(exchange, 400, "InvalidRequestFormat", "events must be INVOKE and/or SHUTDOWN, got " + events);
            return;
        }
        String id;
        sandbox.lock.lock();
        try {
            ExtensionState e = name == null ? null : sandbox.extensionsByName.get(name);
            if (e == null) {
                error(exchange, 403, "Extension.InvalidExtensionName",
                        "Lambda-Extension-Name " + (name == null ? "is missing" : "'" + name + "' is not the file name of an extension"));
                return;
            }
            if (e.id != null) {
                error(exchange, 403, "Extension.AlreadyRegistered", "extension " + name + " is already registered");
                return;
            }
            e.id = UUID.randomUUID().toString();
            e.registeredNanos = System.nanoTime();
            e.events = events;
            id = e.id;
            sandbox.extensionsById.put(id, e);
            sandbox.changed.signalAll();
        } finally {
            sandbox.lock.unlock();
        }
        exchange.getResponseHeaders().add("Lambda-Extension-Identifier", id);
        JsonObject reply = new JsonObject();
        reply.addProperty("functionName", config.functionName());
        reply.addProperty("functionVersion", config.functionVersion());
        reply.addProperty("handler", config.handler());
        reply.addProperty("accountId", "000000000000");
        json(exchange, 200, reply.toString());
    }

    private void nextEvent(HttpExchange exchange, ExtensionState e) throws IOException {
        String event;
        sandbox.lock.lock();
        try {
            e.nextCalls++;
            e.lastNextNanos = System.nanoTime();
            if (e.nextCalls == 1) {
                e.firstNextNanos = e.lastNextNanos;
            }
            sandbox.changed.signalAll();
            while (e.queue.isEmpty()) {
                if (sandbox.shutDown && !e.process.isAlive()) {
                    return;
                }
                sandbox.changed.await();
            }
            event = e.queue.remove(0);
        } catch (InterruptedException interrupted) {
            return;
        } finally {
            sandbox.lock.unlock();
        }
        exchange.getResponseHeaders().add("Lambda-Extension-Event-Identifier", UUID.randomUUID().toString());
        json(exchange, 200, event);
    }
}
