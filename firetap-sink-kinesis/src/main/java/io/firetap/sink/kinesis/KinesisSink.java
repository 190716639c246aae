package io.firetap.sink.kinesis;

import io.firetap.aws.AwsClientSettings;
import io.firetap.aws.AwsHttpClient;
import io.firetap.aws.internal.AwsJsonCall;
import io.firetap.aws.internal.RecordsBody;
import io.firetap.aws.internal.Refusals;
import io.firetap.aws.internal.SdkOperation;
import io.firetap.core.sink.EntryFailure;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Ships records to a Kinesis data stream with {@code PutRecords}, on the transport
 * {@code FIRETAP_AWS_HTTP_CLIENT} names: {@code direct} (the default: the JSON 1.1 document written
 * here, see {@link RecordsBody}, sent by {@link AwsJsonCall}, no SDK client) or the SDK's client
 * (CBOR, see {@link SdkOperation}). The service takes both encodings.
 *
 * <p>Limits (<a href="https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html">PutRecords</a>):
 * 500 records and 5 MiB per call and 1 MiB per record, partition keys included (streams can be set
 * to take records up to 10 MiB: {@value KinesisSinkProvider#MAX_RECORD_BYTES_VARIABLE}). Every record
 * carries a partition key ({@link PartitionKeys}); the key's bytes are counted against the limits.
 *
 * <p>{@code FailedRecordCount} &gt; 0: only the failed entries are retried —
 * {@code ProvisionedThroughputExceededException} and {@code InternalFailure} as retryable, anything
 * else (e.g. KMS access errors) as rejected and counted.
 */
public final class KinesisSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(KinesisSink.class);

    public static final int MAX_RECORDS_PER_CALL = 500;
    public static final long MAX_BYTES_PER_CALL = 5L * 1024 * 1024;
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
    public static final int LARGEST_MAX_RECORD_BYTES = 10 * 1024 * 1024;
    private static final Set<String> RETRYABLE_ENTRY_ERRORS = Set.of("ProvisionedThroughputExceededException",
            "InternalFailure", "KMSThrottlingException");

    private final String streamName;
    private final AwsClientSettings settings;
    private final PartitionKeys keys;
    private final int maxRecordBytes;
    private final Refusals refusals;
    /** The call without the SDK's client ({@code direct}), or null. */
    private final AwsJsonCall direct;
    private final RecordsBody bodies;
    /** The call through the SDK's client, or null. */
    private final SdkOperation<PutRecordsRequest, PutRecordsResponse> putRecords;

    public KinesisSink(String streamName, AwsClientSettings settings, PartitionKeys keys, int maxRecordBytes) {
        this.streamName = Objects.requireNonNull(streamName, "streamName");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.maxRecordBytes = maxRecordBytes;
        this.direct = settings.httpClient() == AwsHttpClient.DIRECT
                ? AwsJsonCall.of(settings, "kinesis", "Kinesis_20131202.PutRecords")
                : null;
        this.bodies = new RecordsBody("StreamName", streamName);
        this.putRecords = switch (settings.httpClient()) {
            case DIRECT -> null;
            case URLCONNECTION -> SdkOperation.sync(settings, KinesisClient::builder, KinesisClient::putRecords);
            case NETTY -> SdkOperation.async(settings, KinesisAsyncClient::builder, KinesisAsyncClient::putRecords);
        };
        this.refusals = new Refusals(LOG, "Kinesis refused records for stream '" + streamName + "'",
                "check the stream name, its region and the function role's kinesis:PutRecords permission",
                RETRYABLE_ENTRY_ERRORS);
    }

    @Override
    public String name() {
        return KinesisSinkProvider.NAME;
    }

    @Override
    public SinkLimits limits() {
        // the service's record limit includes the key; the pipeline's counts payload only
        int key = keys.maxKeyBytes();
        long perCall = Math.max(MAX_BYTES_PER_CALL, (long) maxRecordBytes);
        return new SinkLimits(MAX_RECORDS_PER_CALL, perCall, maxRecordBytes - key, key);
    }

    /**
     * On the SDK's client: builds the client on the pipeline worker's thread, then warms the SDK
     * against a loopback stub (see {@link SdkOperation#startWarm}). {@code direct} has no client to
     * build: it makes the same warm-up call on its own path ({@link AwsJsonCall#warmUp}).
     */
    @Override
    public CompletableFuture<Void> start() {
        if (direct != null) {
            direct.warmUp(bodies.encode(List.of(new SinkRecord(new byte[] {'\n'}, 1, null, 0L)), keys::keyFor),
                    "{\"FailedRecordCount\":0,\"Records\":[{\"SequenceNumber\":\"1\",\"ShardId\":\"shardId-000000000000\"}]}"
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return CompletableFuture.completedFuture(null);
        }
        try {
            // an empty CBOR map: the call completes, having loaded and run the whole request path
            putRecords.startWarm("application/x-amz-cbor-1.1", new byte[] {(byte) 0xa0},
                    PutRecordsRequest.builder().streamName(streamName)
                            .records(PutRecordsRequestEntry.builder().partitionKey("warm-up")
                                    .data(SdkBytes.fromByteArrayUnsafe(new byte[] {'\n'})).build())
                            .build());
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<SendResult> send(List<SinkRecord> batch) {
        if (direct != null) {
            byte[] body;
            try {
                body = bodies.encode(batch, keys::keyFor);
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(refusals.wholeCall(batch.size(), e));
            }
            return direct.call(body).handle((answer, error) -> error != null
                    ? refusals.wholeCall(batch.size(), error)
                    : refusals.entries(answer, "FailedRecordCount", "Records"));
        }
        List<PutRecordsRequestEntry> entries = new ArrayList<>(batch.size());
        for (SinkRecord r : batch) {
            entries.add(PutRecordsRequestEntry.builder()
                    .partitionKey(keys.keyFor(r))
                    .data(SdkBytes.fromByteArrayUnsafe(r.payload()))
                    .build());
        }
        PutRecordsRequest request = PutRecordsRequest.builder().streamName(streamName).records(entries).build();
        return putRecords.call(request).handle((response, error) -> error != null ? refusals.wholeCall(batch.size(), error) : entries(response));
    }

    private SendResult entries(PutRecordsResponse response) {
        Integer failed = response.failedRecordCount();
        if (failed == null || failed == 0) {
            return SendResult.success();
        }
        List<EntryFailure> failures = new ArrayList<>(failed);
        List<PutRecordsResultEntry> results = response.records();
        for (int i = 0; i < results.size(); i++) {
            PutRecordsResultEntry entry = results.get(i);
            if (entry.errorCode() != null) {
                failures.add(refusals.entry(i, entry.errorCode(), entry.errorMessage()));
            }
        }
        return SendResult.partial(failures);
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        return direct != null ? CompletableFuture.completedFuture(null) : putRecords.close();
    }

    @Override
    public String toString() {
        return "KinesisSink[" + streamName + ", " + settings + "]";
    }
}
