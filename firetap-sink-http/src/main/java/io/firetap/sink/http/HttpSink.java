package io.firetap.sink.http;

import io.firetap.core.FunctionMetadata;
import io.firetap.core.config.Settings;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs each batch to an HTTP endpoint on the JDK {@link HttpClient}: newline-delimited lines, a
 * JSON {@code logs} document, or Splunk HEC events ({@link BodyFormat}). 2xx is delivered; 429 and
 * 5xx are retried (honouring {@code Retry-After}), as are connection failures and timeouts; other
 * 4xx are final (logged once per status, counted). Auth headers are built once and never logged.
 */
public final class HttpSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(HttpSink.class);

    private final String name;
    private final URI endpoint;
    private final BodyFormat format;
    private final Map<String, String> headers;
    private final Duration timeout;
    private final boolean gzip;
    private final SinkLimits limits;
    private final FunctionMetadata function;
    private final BodyFormat.HecFields hec;
    private final Set<Integer> reported = ConcurrentHashMap.newKeySet();
    private volatile HttpClient client;

    private HttpSink(Builder b, FunctionMetadata function) {
        this.name = b.name;
        this.endpoint = b.endpoint;
        this.format = b.format;
        this.headers = Map.copyOf(b.headers);
        this.timeout = b.timeout;
        this.gzip = b.gzip;
        this.limits = new SinkLimits(1_000, b.maxBodyBytes, Math.min(b.maxBodyBytes, 256 * 1024), 0);
        this.function = function;
        this.hec = b.hec(function);
        this.client = b.client;
    }

    /**
     * A sink that POSTs batches to {@code endpoint} (http or https), as newline-delimited lines
     * unless {@link Builder#json()} says otherwise. The same sink {@code FIRETAP_SINK=http} builds.
     */
    public static Builder builder(URI endpoint) {
        return new Builder("http", checkedUrl(endpoint), BodyFormat.NDJSON);
    }

    /**
     * A sink that sends events to Splunk's HTTP Event Collector under {@code baseUrl} (its
     * {@code /services/collector/event} unless the URL has a path of its own) with the HEC
     * {@code token}. The same sink {@code FIRETAP_SINK=splunk} builds.
     */
    public static Builder splunk(URI baseUrl, String token) {
        URI root = checkedUrl(baseUrl);
        String path = root.getPath() == null || root.getPath().isEmpty() || root.getPath().equals("/")
                ? "/services/collector/event" : root.getPath();
        Builder b = new Builder("splunk", root.resolve(path), BodyFormat.HEC);
        b.headers.put("Authorization", "Splunk " + Objects.requireNonNull(token, "token"));
        return b;
    }

    private static URI checkedUrl(URI uri) {
        Objects.requireNonNull(uri, "endpoint");
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException("not an http:// or https:// URL: " + uri);
        }
        return uri;
    }

    /** Configures an {@link HttpSink}; every setting has the default its {@code FIRETAP_*} variable has. */
    public static final class Builder {
        private String name;
        private final URI endpoint;
        private BodyFormat format;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Duration timeout = Duration.ofSeconds(10);
        private boolean gzip;
        private int maxBodyBytes = 1 << 20;
        private FunctionMetadata function;
        private String hecHost;
        private String hecSource;
        private String hecSourcetype = "aws:lambda";
        private String hecIndex;
        private HttpClient client;

        private Builder(String name, URI endpoint, BodyFormat format) {
            this.name = name;
            this.endpoint = endpoint;
            this.format = format;
        }

        /** The sink's name in counters and log lines ({@code http} or {@code splunk} by default). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** One JSON document per batch, {@code {"logs":[…]}}, instead of newline-delimited lines. */
        public Builder json() {
            requireNotHec("json()");
            this.format = BodyFormat.JSON;
            return this;
        }

        /** A header sent with every request (an API key, say); its value is never logged. */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Connect and request timeout, 100 ms to 5 minutes; 10 s by default. */
        public Builder timeout(Duration timeout) {
            if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("timeout must be between 100 ms and 5 minutes: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Compress each body with gzip ({@code Content-Encoding: gzip}); off by default. */
        public Builder gzip(boolean gzip) {
            this.gzip = gzip;
            return this;
        }

        /** The largest request body before compression, 4 KiB to 64 MiB; 1 MiB by default. */
        public Builder maxBodyBytes(int bytes) {
            if (bytes < 4 << 10 || bytes > 64 << 20) {
                throw new IllegalArgumentException("maxBodyBytes must be between 4 KiB and 64 MiB: " + bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /** The function the lines come from; read from the Lambda environment when not given. */
        public Builder function(FunctionMetadata function) {
            this.function = Objects.requireNonNull(function, "function");
            return this;
        }

        /**
         * The HEC event fields of a {@link #splunk} sink: {@code host} and {@code source} default to
         * the function's name ({@code lambda:<name>} for the source), {@code sourcetype} to
         * {@code aws:lambda}; a {@code null} {@code index} leaves it to the token's default.
         */
        public Builder splunkFields(String host, String source, String sourcetype, String index) {
            if (format != BodyFormat.HEC) {
                throw new IllegalStateException("splunkFields() applies to HttpSink.splunk(...) only");
            }
            this.hecHost = host;
            this.hecSource = source;
            this.hecSourcetype = sourcetype == null ? "aws:lambda" : sourcetype;
            this.hecIndex = index;
            return this;
        }

        /** The caller's own client (its proxy, TLS or executor settings); the sink builds one otherwise. */
        public Builder client(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        private void requireNotHec(String what) {
            if (format == BodyFormat.HEC) {
                throw new IllegalStateException(what + " does not apply to a Splunk HEC sink");
            }
        }

        private BodyFormat.HecFields hec(FunctionMetadata function) {
            if (format != BodyFormat.HEC) {
                return null;
            }
            String fn = function.name().isEmpty() ? "lambda" : function.name();
            return new BodyFormat.HecFields(hecHost != null ? hecHost : fn,
                    hecSource != null ? hecSource : "lambda:" + fn, hecSourcetype, hecIndex);
        }

        public HttpSink build() {
            return new HttpSink(this, function != null ? function : FunctionMetadata.from(Settings.fromEnvironment()));
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** Up to 1,000 records and the configured body size per call; lines of up to 256 KiB. */
    @Override
    public SinkLimits limits() {
        return limits;
    }

    /** Builds the client on the pipeline worker's thread (its first request is the slow one, ≈ 260 ms). */
    @Override
    public CompletableFuture<Void> start() {
        client();
        return CompletableFuture.completedFuture(null);
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
                    client = c;
                }
            }
        }
        return c;
    }

    @Override
    public CompletableFuture<SendResult> send(List<SinkRecord> batch) {
        byte[] body;
        try {
            body = format.body(batch, function, hec);
            if (gzip) {
                body = gzip(body);
            }
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(SendResult.failedAll(batch.size(), false, "Encoding", e.toString()));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", format.contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (gzip) {
            request.header("Content-Encoding", "gzip");
        }
        headers.forEach(request::header);
        return client().sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> error != null
                        ? SendResult.failedAll(batch.size(), true, error.getClass().getSimpleName(), String.valueOf(error.getMessage()))
                        : result(batch.size(), response));
    }

    private SendResult result(int size, HttpResponse<String> response) {
        int status = response.statusCode();
        if (status / 100 == 2) {
            return SendResult.success();
        }
        String body = response.body() == null ? "" : response.body();
        String snippet = body.length() > 200 ? body.substring(0, 200) + "…" : body;
        boolean retryable = status == 429 || status == 408 || status / 100 == 5;
        if (!retryable) {
            if (reported.add(status)) {
                LOG.error("{} refused a batch with HTTP {} ({}) — not retried, the lines are counted as lost; check the"
                        + " endpoint and its credentials", endpoint, status, snippet);
            }
            return SendResult.failedAll(size, false, "HTTP " + status, snippet);
        }
        SendResult result = SendResult.failedAll(size, true, "HTTP " + status, snippet);
        Duration retryAfter = retryAfter(response.headers().firstValue("Retry-After").orElse(null));
        return retryAfter == null ? result : result.withRetryAfter(retryAfter);
    }

    /** {@code Retry-After} as seconds or an HTTP date; {@code null} when absent or unreadable. */
    static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException notADate) {
                return null;
            }
        }
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String toString() {
        // never the headers: they hold credentials
        return "HttpSink[" + name + ", " + endpoint + ", " + format + (gzip ? ", gzip" : "") + "]";
    }
}
