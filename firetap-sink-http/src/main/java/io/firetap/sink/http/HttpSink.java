package io.firetap.sink.http;

import io.firetap.core.FunctionMetadata;
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
import java.util.List;
import java.util.Map;
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

    HttpSink(String name, URI endpoint, BodyFormat format, Map<String, String> headers, Duration timeout, boolean gzip,
            int maxBodyBytes, FunctionMetadata function, BodyFormat.HecFields hec) {
        this.name = name;
        this.endpoint = endpoint;
        this.format = format;
        this.headers = Map.copyOf(headers);
        this.timeout = timeout;
        this.gzip = gzip;
        this.limits = new SinkLimits(1_000, maxBodyBytes, Math.min(maxBodyBytes, 256 * 1024), 0);
        this.function = function;
        this.hec = hec;
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
