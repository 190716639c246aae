package io.firetap.extension;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The outcome of a successful {@code register}: the identifier every later call must send, and
 * what Lambda said about the function. The identifier is never printed by {@link #toString()}.
 *
 * <p>The response body is parsed only when a function field is first asked for, so registering
 * (on the cold-start path) does not load a JSON parser.
 */
public final class Registration {
    private final String identifier;
    private final byte[] body;
    private volatile JsonObject parsed;

    Registration(String identifier, byte[] body) {
        this.identifier = Objects.requireNonNull(identifier, "identifier");
        this.body = body == null ? new byte[0] : body;
    }

    /** The {@code Lambda-Extension-Identifier}. Keep it out of logs. */
    public String identifier() {
        return identifier;
    }

    /** {@code functionName} from the response, or empty. */
    public String functionName() {
        return field("functionName");
    }

    /** {@code functionVersion} from the response, or empty. */
    public String functionVersion() {
        return field("functionVersion");
    }

    /** {@code handler} from the response, or empty. */
    public String handler() {
        return field("handler");
    }

    private String field(String name) {
        JsonObject o = parsed;
        if (o == null) {
            o = new JsonObject();
            try {
                JsonElement e = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
                if (e.isJsonObject()) {
                    o = e.getAsJsonObject();
                }
            } catch (JsonParseException | IllegalStateException e) {
                // Lambda's body is informational; a body we cannot read leaves the fields empty.
            }
            parsed = o;
        }
        JsonElement v = o.get(name);
        return v != null && v.isJsonPrimitive() ? v.getAsString() : "";
    }

    @Override
    public String toString() {
        return "Registration[functionName=" + functionName() + "]";
    }
}
