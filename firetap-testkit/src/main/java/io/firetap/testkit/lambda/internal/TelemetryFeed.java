package io.firetap.testkit.lambda.internal;

import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * What Lambda's log capture does with the processes' output: keeps every line, and sends it (as a
 * {@code function} or {@code extension} event) with the {@code platform.*} events to the Telemetry
 * subscribers of that category.
 *
 * <p>Internal, not for public use.
 */
final class TelemetryFeed {
    private final Sandbox sandbox;
    private final PrintStream echo;

    TelemetryFeed(Sandbox sandbox, PrintStream echo) {
        this.sandbox = sandbox;
        this.echo = echo;
    }

    /** One line {@code process} wrote to stdout or stderr (without its {@code \n}). */
    void captured(String process, ManagedProcess.Stream stream, byte[] line) {
        String text = new String(line, StandardCharsets.UTF_8);
        if (echo != null) {
            echo.println("[" + process + "] " + text);
        }
        sandbox.lock.lock();
        try {
            sandbox.retain(process, text);
        } finally {
            sandbox.lock.unlock();
        }
        String category = process.equals("runtime") ? "function" : "extension";
        JsonObject event = new JsonObject();
        event.addProperty("time", Instant.now().toString());
        event.addProperty("type", category);
        event.addProperty("record", text);
        sandbox.deliver(category, event.toString());
    }

    /** A {@code platform.*} event of {@code type} carrying {@code record}. */
    void platformEvent(String type, JsonObject record) {
        JsonObject event = new JsonObject();
        event.addProperty("time", Instant.now().toString());
        event.addProperty("type", type);
        event.add("record", record);
        sandbox.deliver("platform", event.toString());
    }

    /** A JSON object of string properties, from alternating keys and values. */
    static JsonObject object(String... keyValues) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < keyValues.length; i += 2) {
            o.addProperty(keyValues[i], keyValues[i + 1]);
        }
        return o;
    }
}
