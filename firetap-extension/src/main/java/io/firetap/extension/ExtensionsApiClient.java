package io.firetap.extension;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import io.firetap.extension.internal.LoopbackHttp;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;

/**
 * A client of the Lambda Extensions API ({@code /2020-01-01/extension}) and of the Telemetry API's
 * subscription ({@code /2022-07-01/telemetry}), on {@link LoopbackHttp}: registering is on every
 * cold start, and a plain socket's first request costs a fraction of the JDK's HTTP clients'.
 * Connections are kept alive between calls. Every call but {@link #next()} is bounded by
 * {@link #callTimeout()}; {@code next} is Lambda's long poll and has no read timeout on purpose:
 * the environment may sit frozen inside it for minutes.
 *
 * <p>The identifier Lambda hands out is a credential of sorts; it is sent as a header and never
 * logged or put into an exception message. Safe for use by one thread at a time per call kind
 * (the event loop calls {@code next}; other threads may report errors).
 */
public final class ExtensionsApiClient {
    /** The variable Lambda sets to the API's {@code host:port}. */
    public static final String RUNTIME_API_VARIABLE = "AWS_LAMBDA_RUNTIME_API";
    /**
     * The system property the launcher sets to its own file name ({@code -Dfiretap.extension.name=$(basename "$0")}):
     * Lambda only accepts a registration under the name of the file in {@code /opt/extensions}.
     */
    public static final String NAME_PROPERTY = "firetap.extension.name";
    /** The name when the launcher does not say: the layer's launcher is {@code extensions/firetap}. */
    public static final String DEFAULT_NAME = "firetap";
    /** Default bound of every call but {@code next}. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(5);
    /** Telemetry API schema version firetap speaks. */
    public static final String TELEMETRY_SCHEMA_VERSION = "2022-12-13";

    static final String NAME_HEADER = "Lambda-Extension-Name";
    static final String IDENTIFIER_HEADER = "Lambda-Extension-Identifier";
    static final String ERROR_TYPE_HEADER = "Lambda-Extension-Function-Error-Type";
    private static final byte[] REGISTER_BODY = "{\"events\":[\"INVOKE\",\"SHUTDOWN\"]}".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_ERROR_BODY = 4096;

    private static final String EXTENSION_PATH = "/2020-01-01/extension";
    private static final String TELEMETRY_PATH = "/2022-07-01/telemetry";

    private final String hostPort;
    private final LoopbackHttp http;
    private final int timeoutMillis;
    private volatile String identifier;

    private ExtensionsApiClient(String hostPort, LoopbackHttp http, Duration callTimeout) {
        this.hostPort = hostPort;
        this.http = http;
        this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, callTimeout.toMillis()));
    }

    /** A client of the API at {@code hostPort} (the value of {@value #RUNTIME_API_VARIABLE}). */
    public static ExtensionsApiClient create(String hostPort, Duration callTimeout) {
        Objects.requireNonNull(hostPort, "hostPort");
        Objects.requireNonNull(callTimeout, "callTimeout");
        URI uri;
        try {
            uri = new URI("http://" + hostPort + "/");
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a host:port: " + hostPort, e);
        }
        if (uri.getHost() == null || uri.getPort() < 0 || !"/".equals(uri.getPath())) {
            throw new IllegalArgumentException("not a host:port: " + hostPort);
        }
        try {
            return new ExtensionsApiClient(hostPort, new LoopbackHttp(uri.getHost(), uri.getPort()), callTimeout);
        } catch (IOException e) {
            throw new IllegalArgumentException("unknown host in " + hostPort, e);
        }
    }

    /** A client of the API {@value #RUNTIME_API_VARIABLE} in {@code settings} names. */
    public static ExtensionsApiClient fromSettings(Settings settings) {
        String hostPort = settings.required(RUNTIME_API_VARIABLE, "Lambda sets it for every extension; firetap must run"
                + " as a Lambda extension (or under an emulator that sets it)");
        try {
            return create(hostPort, DEFAULT_CALL_TIMEOUT);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(RUNTIME_API_VARIABLE, hostPort, "host:port, such as 127.0.0.1:9001");
        }
    }

    /** The name to register under: {@value #NAME_PROPERTY}, else {@value #DEFAULT_NAME}. */
    public static String extensionName() {
        String name = System.getProperty(NAME_PROPERTY, "").trim();
        return name.isEmpty() ? DEFAULT_NAME : name;
    }

    /** The API's {@code host:port}, which the wrapper's Runtime API proxy forwards to as well. */
    String hostPort() {
        return hostPort;
    }

    /** The bound of every call but {@link #next()}. */
    public Duration callTimeout() {
        return Duration.ofMillis(timeoutMillis);
    }

    /**
     * Registers for INVOKE and SHUTDOWN under {@code name}, which must equal the extension's file
     * name in {@code /opt/extensions}. Must be the first call.
     */
    public Registration register(String name) throws IOException {
        Objects.requireNonNull(name, "name");
        LoopbackHttp.Response r = call("POST", EXTENSION_PATH + "/register",
                new String[] {NAME_HEADER, name, "Content-Type", "application/json"}, REGISTER_BODY, timeoutMillis,
                "register as '" + name + "'");
        byte[] body = r.body();
        String id = r.header(IDENTIFIER_HEADER);
        if (id == null || id.isBlank()) {
            throw new ExtensionsApiException("register answered without a " + IDENTIFIER_HEADER + " header", 200);
        }
        identifier = id;
        return new Registration(id, body);
    }

    /**
     * Blocks until Lambda hands out the next event. No read timeout: this is the long poll, and while
     * the environment is frozen the call simply does not return. Calling it tells Lambda this
     * extension is done with the previous event.
     */
    public ExtensionEvent next() throws IOException {
        LoopbackHttp.Response r = call("GET", EXTENSION_PATH + "/event/next",
                new String[] {IDENTIFIER_HEADER, requireRegistered()}, null, 0, "event/next");
        return parseEvent(r.body());
    }

    /**
     * Reports a failed start: Lambda fails the init phase with {@code errorType}, and the extension
     * should exit. {@code errorType} is like {@code Extension.ConfigInvalid}; the message is shown to
     * the user, so it says what to fix.
     */
    public void initError(String errorType, String message) throws IOException {
        reportError("/init/error", errorType, message);
    }

    /** Reports an error before exiting (after init); Lambda resets the environment. */
    public void exitError(String errorType, String message) throws IOException {
        reportError("/exit/error", errorType, message);
    }

    private void reportError(String path, String errorType, String message) throws IOException {
        Objects.requireNonNull(errorType, "errorType");
        JsonObject body = new JsonObject();
        body.addProperty("errorMessage", message == null ? "" : message);
        body.addProperty("errorType", errorType);
        body.add("stackTrace", new com.google.gson.JsonArray());
        call("POST", EXTENSION_PATH + path, new String[] {IDENTIFIER_HEADER, requireRegistered(), ERROR_TYPE_HEADER,
                errorType, "Content-Type", "application/json"}, body.toString().getBytes(StandardCharsets.UTF_8),
                timeoutMillis, path.substring(1));
    }

    /**
     * Subscribes to the Telemetry API: Lambda will POST batches of {@code types} to {@code destination}.
     * Fails with {@link ExtensionsApiException} when Lambda refuses (for example because another
     * extension already holds the Logs API, which excludes the Telemetry API).
     */
    public void subscribeTelemetry(Collection<TelemetryType> types, URI destination, int maxItems, int maxBytes,
            int timeoutMs) throws IOException {
        Objects.requireNonNull(destination, "destination");
        if (types.isEmpty()) {
            throw new IllegalArgumentException("no telemetry types to subscribe to");
        }
        StringBuilder json = new StringBuilder(256);
        json.append("{\"schemaVersion\":\"").append(TELEMETRY_SCHEMA_VERSION).append("\",\"types\":[");
        String sep = "";
        for (TelemetryType t : types) {
            json.append(sep).append('"').append(t.wireName()).append('"');
            sep = ",";
        }
        json.append("],\"buffering\":{\"maxItems\":").append(maxItems).append(",\"maxBytes\":").append(maxBytes)
                .append(",\"timeoutMs\":").append(timeoutMs).append("},\"destination\":{\"protocol\":\"HTTP\",\"URI\":\"")
                .append(destination).append("\"}}");
        call("PUT", TELEMETRY_PATH, new String[] {IDENTIFIER_HEADER, requireRegistered(), "Content-Type",
                "application/json"}, json.toString().getBytes(StandardCharsets.UTF_8), timeoutMillis,
                "telemetry subscription");
    }

    private String requireRegistered() {
        String id = identifier;
        if (id == null) {
            throw new IllegalStateException("register first");
        }
        return id;
    }

    /** One call; a non-2xx status is an {@link ExtensionsApiException} with the answer's text. */
    private LoopbackHttp.Response call(String method, String path, String[] headers, byte[] body, int readTimeoutMillis,
            String what) throws IOException {
        LoopbackHttp.Response r = http.exchange(method, path, headers, body, timeoutMillis, readTimeoutMillis);
        if (r.status() / 100 != 2) {
            byte[] b = r.body();
            String detail = new String(b, 0, Math.min(b.length, MAX_ERROR_BODY), StandardCharsets.UTF_8)
                    .replaceAll("\\s+", " ").trim();
            throw new ExtensionsApiException(what + " failed: HTTP " + r.status() + (detail.isEmpty() ? "" : ": " + detail),
                    r.status());
        }
        return r;
    }

    /** Parses an event body; public for the testkit and for tests. */
    public static ExtensionEvent parseEvent(byte[] body) throws IOException {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new IOException("event/next answered with something that is not a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException("event/next answered with malformed JSON (" + body.length + " bytes)", e);
        }
        String type = string(o, "eventType");
        long deadline = number(o, "deadlineMs");
        switch (type) {
            case "INVOKE":
                String requestId = string(o, "requestId");
                if (requestId.isEmpty()) {
                    throw new IOException("an INVOKE event without a requestId");
                }
                return new ExtensionEvent.Invoke(requestId, deadline, string(o, "invokedFunctionArn"));
            case "SHUTDOWN":
                return new ExtensionEvent.Shutdown(string(o, "shutdownReason"), deadline);
            default:
                return new ExtensionEvent.Other(type, deadline);
        }
    }

    private static String string(JsonObject o, String name) {
        JsonElement v = o.get(name);
        return v != null && v.isJsonPrimitive() ? v.getAsString() : "";
    }

    private static long number(JsonObject o, String name) {
        JsonElement v = o.get(name);
        try {
            return v != null && v.isJsonPrimitive() ? v.getAsLong() : 0L;
        } catch (NumberFormatException e) {
            return 0L;
        }
    }

    @Override
    public String toString() {
        // Never the identifier.
        return "ExtensionsApiClient[http://" + hostPort + EXTENSION_PATH + "]";
    }

}
