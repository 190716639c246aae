package io.firetap.extension.embedding;

import io.firetap.core.config.Settings;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import io.firetap.extension.DeliveryMode;
import io.firetap.extension.ExtensionMain;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A Lambda extension that ships the function's lines to the team's own log collector. */
public final class CollectorExtension {
    public static void main(String[] args) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI collector = URI.create(System.getenv("COLLECTOR_URL"));
        int status = ExtensionMain.builder(Settings.fromEnvironment()) // FIRETAP_* for what is not set here
                .sink(new CollectorSink(client, collector))
                .delivery(DeliveryMode.STRICT)
                .flushBudget(Duration.ofMillis(300))
                .build()
                .run();
        System.exit(status);
    }

    /** POSTs each batch as newline-delimited lines; the pipeline batches, retries and counts. */
    static final class CollectorSink implements Sink {
        private final HttpClient client;
        private final URI collector;

        CollectorSink(HttpClient client, URI collector) {
            this.client = client;
            this.collector = collector;
        }

        @Override
        public String name() {
            return "collector";
        }

        @Override
        public SinkLimits limits() {
            // 500 records, 1 MiB per request and 256 KiB per record, no per-record overhead
            return new SinkLimits(500, 1 << 20, 256 << 10, 0);
        }

        @Override
        public CompletableFuture<SendResult> send(List<SinkRecord> batch) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (SinkRecord record : batch) {
                body.writeBytes(record.payload()); // complete lines, each ending in \n
            }
            HttpRequest request = HttpRequest.newBuilder(collector).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
            return client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
                if (failure == null && response.statusCode() / 100 == 2) {
                    return SendResult.success();
                }
                String why = failure != null ? failure.toString() : "HTTP " + response.statusCode();
                return SendResult.failedAll(batch.size(), true, "CollectorFailed", why); // retried by the pipeline
            });
        }

        @Override
        public CompletableFuture<Void> shutdown() {
            return CompletableFuture.completedFuture(null);
        }
    }
}
