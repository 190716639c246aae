package io.firetap.sink.s3;

import io.firetap.aws.AwsClientSettings;
import io.firetap.aws.internal.Refusals;
import io.firetap.aws.internal.SdkOperation;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Writes each batch as one S3 object, {@code <prefix>/<yyyy>/<MM>/<dd>/<HH>/<function>-<iso time>-<seq>.log}
 * (UTC; {@code .log.gz} when gzipped), with {@code PutObject} on the transport
 * {@code FIRETAP_AWS_HTTP_CLIENT} names (see {@link SdkOperation}). Path-style addressing when an
 * endpoint is configured ({@code AWS_ENDPOINT_URL_S3}), so local endpoints work. Throttling ({@code SlowDown}), 5xx and network errors are retried;
 * {@code NoSuchBucket}, {@code AccessDenied} are final.
 */
public final class S3Sink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(S3Sink.class);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final String bucket;
    private final String prefix;
    private final String function;
    private final boolean gzip;
    private final int maxObjectBytes;
    private final AwsClientSettings settings;
    private final Refusals refusals;
    private final AtomicLong sequence = new AtomicLong();
    private final SdkOperation<Put, PutObjectResponse> putObject;

    /** One object: where it goes and its bytes. */
    private record Put(PutObjectRequest request, byte[] body) {
    }

    S3Sink(String bucket, String prefix, String function, boolean gzip, int maxObjectBytes, AwsClientSettings settings) {
        this.bucket = bucket;
        this.prefix = prefix;
        this.function = function;
        this.gzip = gzip;
        this.maxObjectBytes = maxObjectBytes;
        this.settings = settings;
        // path-style for local endpoints; the object's bytes are in memory, so no streaming checksum trailer
        boolean local = settings.endpoint().isPresent();
        this.putObject = switch (settings.httpClient()) {
            // direct speaks AWS JSON 1.1 only; S3's REST calls stay on the SDK's client over the same HttpURLConnection
            case DIRECT, URLCONNECTION -> SdkOperation.sync(settings, () -> S3Client.builder().forcePathStyle(local)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED),
                    (S3Client s3, Put put) -> s3.putObject(put.request(), RequestBody.fromContentProvider(
                            ContentStreamProvider.fromByteArrayUnsafe(put.body()), put.body().length,
                            put.request().contentType())));
            case NETTY -> SdkOperation.async(settings, () -> S3AsyncClient.builder().forcePathStyle(local)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED),
                    (S3AsyncClient s3, Put put) -> s3.putObject(put.request(), AsyncRequestBody.fromBytes(put.body())));
        };
        this.refusals = new Refusals(LOG, "S3 refused an object for bucket '" + bucket + "'",
                "check the bucket name, its region and the function role's s3:PutObject permission", Set.of());
    }

    @Override
    public String name() {
        return S3SinkProvider.NAME;
    }

    /** One object per call: up to 100,000 records and the configured object size. */
    @Override
    public SinkLimits limits() {
        return new SinkLimits(100_000, maxObjectBytes, Math.min(maxObjectBytes, 1024 * 1024), 0);
    }

    @Override
    public CompletableFuture<Void> start() {
        try {
            putObject.start();
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The key of an object written at {@code time}. */
    String key(Instant time, long seq) {
        String base = HOUR.format(time) + "/" + function + "-" + STAMP.format(time) + "-" + String.format("%06d", seq)
                + (gzip ? ".log.gz" : ".log");
        return prefix.isEmpty() ? base : prefix + "/" + base;
    }

    @Override
    public CompletableFuture<SendResult> send(List<SinkRecord> batch) {
        byte[] body;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (gzip) {
                try (GZIPOutputStream z = new GZIPOutputStream(out)) {
                    for (SinkRecord r : batch) {
                        z.write(r.payload());
                    }
                }
            } else {
                batch.forEach(r -> out.writeBytes(r.payload()));
            }
            body = out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PutObjectRequest request = PutObjectRequest.builder().bucket(bucket)
                .key(key(Instant.now(), sequence.getAndIncrement()))
                .contentType("text/plain; charset=utf-8")
                .contentEncoding(gzip ? "gzip" : null)
                .build();
        return putObject.call(new Put(request, body))
                .handle((response, error) -> error != null ? refusals.wholeCall(batch.size(), error) : SendResult.success());
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        return putObject.close();
    }

    @Override
    public String toString() {
        return "S3Sink[" + bucket + "/" + prefix + ", " + settings + "]";
    }
}
