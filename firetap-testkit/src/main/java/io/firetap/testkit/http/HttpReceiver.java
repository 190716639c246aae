package io.firetap.testkit.http;

import com.google.gson.JsonObject;
import com.google.gson.JsonStreamParser;
import com.sun.net.httpserver.HttpExchange;
import io.firetap.testkit.aws.internal.LoopbackServer;
import io.firetap.testkit.fault.CallFault;
import io.firetap.testkit.fault.FaultKind;
import io.firetap.testkit.fault.Faults;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * An HTTP log receiver on loopback for the HTTP and Splunk HEC sinks: it keeps every accepted
 * request (body gunzipped when {@code Content-Encoding: gzip}), checks an expected
 * {@code Authorization} header, answers Splunk HEC paths ({@code /services/collector...}) the way
 * HEC does ({@code {"text":"Success","code":0}}, 400 code 6 for an unparsable body, 403 code 4
 * for a wrong token, 503 code 9 when busy), and injects the testkit's faults: throttling (429 with
 * {@code Retry-After}), 500, 503, connection resets, lost responses, latency and outages.
 */
public final class HttpReceiver implements AutoCloseable {
    /** One accepted request. */
    public record Received(String path, Map<String, List<String>> headers, byte[] body) {
        /** The body as UTF-8 text. */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The first value of a request header (any case), or {@code null}. */
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    private final LoopbackServer server;
    private final Faults faults;
    private final List<Received> received = new ArrayList<>();
    private volatile String expectedAuthorization;
    private volatile int retryAfterSeconds = 1;

    private HttpReceiver(long seed) {
        this.server = new LoopbackServer(InetAddress.getLoopbackAddress(), 0, this::handle, "http-receiver");
        this.faults = new Faults(seed, server);
    }

    /** Starts a receiver on a free loopback port; fault decisions follow {@code seed}. */
    public static HttpReceiver start(long seed) {
        HttpReceiver receiver = new HttpReceiver(seed);
        receiver.server.start();
        return receiver;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI uri() {
        return URI.create("http://" + server.address().getHostAddress() + ":" + server.port());
    }

    public Faults faults() {
        return faults;
    }

    /** From now on, requests without exactly this {@code Authorization} header are refused (401, or HEC's 403 code 4). */
    public HttpReceiver expectAuthorization(String value) {
        this.expectedAuthorization = value;
        return this;
    }

    /** The {@code Retry-After} (seconds) sent with an injected 429; 1 unless changed. */
    public HttpReceiver retryAfter(int seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    /** Every accepted request, in arrival order. */
    public List<Received> requests() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** The accepted bodies cut into lines (for newline-delimited bodies). */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (Received r : requests()) {
            for (String line : r.text().split("\n")) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
        }
        return lines;
    }

    /** The accepted HEC events (concatenated JSON objects in each body), in order. */
    public List<JsonObject> hecEvents() {
        List<JsonObject> events = new ArrayList<>();
        for (Received r : requests()) {
            JsonStreamParser parser = new JsonStreamParser(new StringReader(r.text()));
            while (parser.hasNext()) {
                events.add(parser.next().getAsJsonObject());
            }
        }
        return events;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean hec = path.startsWith("/services/collector");
            byte[] body = readBody(exchange);
            CallFault fault = faults.nextCall();
            if (!fault.latency().isZero()) {
                try {
                    TimeUnit.NANOSECONDS.sleep(fault.latency().toNanos());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            FaultKind failure = fault.failure();
            if (failure == FaultKind.CONNECTION_RESET) {
                return;
            }
            if (failure == FaultKind.THROTTLED_CALL) {
                exchange.getResponseHeaders().set("Retry-After", Integer.toString(retryAfterSeconds));
                reply(exchange, 429, hec ? "{\"text\":\"Server is busy\",\"code\":9}" : "{\"error\":\"too many requests\"}");
                return;
            }
            if (failure == FaultKind.SERVER_ERROR) {
                reply(exchange, 500, hec ? "{\"text\":\"Internal server error\",\"code\":8}" : "{\"error\":\"internal\"}");
                return;
            }
            if (failure == FaultKind.UNAVAILABLE || failure == FaultKind.OUTAGE) {
                reply(exchange, 503, hec ? "{\"text\":\"Server is busy\",\"code\":9}" : "{\"error\":\"unavailable\"}");
                return;
            }
            String expected = expectedAuthorization;
            if (expected != null && !expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                reply(exchange, hec ? 403 : 401, hec ? "{\"text\":\"Invalid token\",\"code\":4}" : "{\"error\":\"unauthorized\"}");
                return;
            }
            if (hec && !validHec(body)) {
                reply(exchange, 400, "{\"text\":\"Invalid data format\",\"code\":6}");
                return;
            }
            synchronized (received) {
                received.add(new Received(path, Map.copyOf(exchange.getRequestHeaders()), body));
            }
            if (failure == FaultKind.RESPONSE_LOST) {
                return;
            }
            reply(exchange, 200, hec ? "{\"text\":\"Success\",\"code\":0}" : "{\"status\":\"ok\"}");
        }
    }

    private static boolean validHec(byte[] body) {
        try {
            JsonStreamParser parser = new JsonStreamParser(new String(body, StandardCharsets.UTF_8));
            int n = 0;
            while (parser.hasNext()) {
                JsonObject event = parser.next().getAsJsonObject();
                if (!event.has("event")) {
                    return false;
                }
                n++;
            }
            return n > 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        byte[] raw;
        try (InputStream in = exchange.getRequestBody()) {
            raw = in.readAllBytes();
        }
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                return out.toByteArray();
            }
        }
        return raw;
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.close();
    }

}
