package io.firetap.sink.kinesis;

import io.firetap.aws.AwsClientSettings;
import io.firetap.aws.AwsHttpClient;
import io.firetap.aws.internal.AwsJsonCall;
import io.firetap.aws.internal.ClientChoice;
import io.firetap.aws.internal.RecordsBody;
import io.firetap.aws.internal.Refusals;
import io.firetap.aws.internal.SdkOperation;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.sink.EntryFailure;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import java.time.Duration;
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
 * Ships records to a Kinesis data stream with {@code PutRecords}. Built with {@link #builder(String)},
 * on one of two kinds of client:
 * <ul>
 * <li>{@link Builder#settings AwsClientSettings}: the sink builds, warms and closes its own transport,
 *     the one {@link AwsClientSettings#httpClient()} names: {@code direct} (the default: the JSON 1.1
 *     document written here, see {@link RecordsBody}, sent by {@link AwsJsonCall}, no SDK client) or
 *     the SDK's client (CBOR, see {@link SdkOperation}) — what {@link KinesisSinkProvider} builds from
 *     {@code FIRETAP_*} and {@code AWS_*} settings;</li>
 * <li>{@link Builder#client(KinesisClient) your own} {@code KinesisClient} or {@code KinesisAsyncClient},
 *     with its credentials provider, endpoint, retry policy, HTTP client and metrics publisher: the
 *     sink only calls it, and never closes it.</li>
 * </ul>
 * The service takes both encodings.
 *
 * <p>Limits (<a href="https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html">PutRecords</a>):
 * 500 records and 5 MiB per call and 1 MiB per record, partition keys included (streams can be set
 * to take records up to 10 MiB: {@link Builder#maxRecordBytes}, {@value KinesisSinkProvider#MAX_RECORD_BYTES_VARIABLE}).
 * Every record carries a partition key ({@link PartitionKeys}); the key's bytes are counted against the limits.
 *
 * <p>{@code FailedRecordCount} &gt; 0: only the failed entries are retried —
 * {@code ProvisionedThroughputExceededException} and {@code InternalFailure} as retryable, anything
 * else (e.g. KMS access errors) as rejected and counted. The same on every client.
 */
public final class KinesisSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(KinesisSink.class);

    public static final int MAX_RECORDS_PER_CALL = 500;
    public static final long MAX_BYTES_PER_CALL = 5L * 1024 * 1024;
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
    /** The smallest record limit a sink takes: 64 KiB. */
    public static final int SMALLEST_MAX_RECORD_BYTES = 64 * 1024;
    public static final int LARGEST_MAX_RECORD_BYTES = 10 * 1024 * 1024;
    private static final Set<String> RETRYABLE_ENTRY_ERRORS = Set.of("ProvisionedThroughputExceededException",
            "InternalFailure", "KMSThrottlingException");

    private final String streamName;
    /** What the sink runs on, for {@link #toString()}. */
    private final String client;
    private final PartitionKeys keys;
    private final int maxRecordBytes;
    private final Refusals refusals;
    /** The call without the SDK's client ({@code direct}), or null. */
    private final AwsJsonCall direct;
    private final RecordsBody bodies;
    /** The call through the SDK's client, firetap's or the caller's, or null. */
    private final SdkOperation<PutRecordsRequest, PutRecordsResponse> putRecords;

    private KinesisSink(Builder b) {
        this.streamName = b.streamName;
        this.keys = b.keys;
        this.maxRecordBytes = b.maxRecordBytes;
        AwsClientSettings settings = b.clients.settings();
        SdkOperation<PutRecordsRequest, PutRecordsResponse> callers = b.clients.callersClient();
        this.client = b.clients.toString();
        this.direct = settings != null && settings.httpClient() == AwsHttpClient.DIRECT
                ? AwsJsonCall.of(settings, "kinesis", "Kinesis_20131202.PutRecords")
                : null;
        this.bodies = new RecordsBody("StreamName", streamName);
        this.putRecords = callers != null ? callers : switch (settings.httpClient()) {
            case DIRECT -> null;
            case URLCONNECTION -> SdkOperation.sync(settings, KinesisClient::builder, KinesisClient::putRecords);
            case NETTY -> SdkOperation.async(settings, KinesisAsyncClient::builder, KinesisAsyncClient::putRecords);
        };
        this.refusals = new Refusals(LOG, "Kinesis refused records for stream '" + streamName + "'",
                "check the stream name, its region and the function role's kinesis:PutRecords permission",
                RETRYABLE_ENTRY_ERRORS);
    }

    /**
     * A sink for the data stream {@code dataStream}; give its builder
     * {@link Builder#settings AwsClientSettings} or an SDK client of your own.
     */
    public static Builder builder(String dataStream) {
        return new Builder(dataStream);
    }

    /**
     * Configures a {@link KinesisSink}: exactly one of {@link #settings} and {@link #client}; the rest
     * defaults as its {@code FIRETAP_*} variable does.
     *
     * <p>On your own client, the sink takes it as it is, synchronous or asynchronous, since firetap's
     * SDK calls come in both shapes: a {@code KinesisClient}'s call runs on the sink's pipeline
     * worker, which waits for each answer anyway (as firetap's own {@code urlconnection} transport
     * does); a {@code KinesisAsyncClient}'s completes where that client completes its futures. Either
     * way each request carries {@link #callTimeout} as its API call timeout, which bounds the
     * client's own retries too: the pipeline retries failed entries itself, so a client with few or
     * no retries of its own suits it best. The sink neither warms nor closes your client: close it
     * after the pipeline has shut down.
     */
    public static final class Builder {
        private final String streamName;
        private final ClientChoice<PutRecordsRequest, PutRecordsResponse> clients = new ClientChoice<>();
        private PartitionKeys keys = PartitionKeys.spread();
        private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;

        private Builder(String streamName) {
            this.streamName = Objects.requireNonNull(streamName, "dataStream");
        }

        /** Region, credentials, endpoint, call timeout and transport of a client the sink builds and owns. */
        public Builder settings(AwsClientSettings settings) {
            clients.settings(settings);
            return this;
        }

        /** Your own synchronous client; the sink never closes it. */
        public Builder client(KinesisClient client) {
            Objects.requireNonNull(client, "client");
            clients.client("KinesisClient", timeout -> SdkOperation.sync(client, KinesisClient::putRecords, timeout));
            return this;
        }

        /** Your own asynchronous client; the sink never closes it. */
        public Builder client(KinesisAsyncClient client) {
            Objects.requireNonNull(client, "client");
            clients.client("KinesisAsyncClient",
                    timeout -> SdkOperation.async(client, KinesisAsyncClient::putRecords, timeout));
            return this;
        }

        /**
         * With your own client: the bound of each call, 10 ms to 15 minutes; by default
         * {@link PipelineConfig#DEFAULT_SEND_TIMEOUT}, as {@code FIRETAP_SEND_TIMEOUT}. With settings,
         * their {@link AwsClientSettings#callTimeout()} applies instead.
         */
        public Builder callTimeout(Duration timeout) {
            clients.callTimeout(timeout);
            return this;
        }

        /** How each record gets its partition key; {@link PartitionKeys#spread()} by default. */
        public Builder partitionKeys(PartitionKeys keys) {
            this.keys = Objects.requireNonNull(keys, "keys");
            return this;
        }

        /**
         * The stream's record limit, partition key included: {@value #SMALLEST_MAX_RECORD_BYTES} to
         * {@value #LARGEST_MAX_RECORD_BYTES} bytes; {@value #DEFAULT_MAX_RECORD_BYTES} by default.
         */
        public Builder maxRecordBytes(int bytes) {
            if (bytes < SMALLEST_MAX_RECORD_BYTES || bytes > LARGEST_MAX_RECORD_BYTES) {
                throw new IllegalArgumentException("maxRecordBytes must be between " + SMALLEST_MAX_RECORD_BYTES
                        + " and " + LARGEST_MAX_RECORD_BYTES + ": " + bytes);
            }
            this.maxRecordBytes = bytes;
            return this;
        }

        /** @throws IllegalStateException when neither or both of settings and a client were given */
        public KinesisSink build() {
            return new KinesisSink(this);
        }
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
     * build: it makes the same warm-up call on its own path ({@link AwsJsonCall#warmUp}). A caller's
     * client is neither built nor warmed here.
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

    /**
     * Closes firetap's own SDK client in the background ({@code direct} has none; a caller's client is
     * left open for its owner).
     */
    @Override
    public CompletableFuture<Void> shutdown() {
        return direct != null ? CompletableFuture.completedFuture(null) : putRecords.close();
    }

    @Override
    public String toString() {
        return "KinesisSink[" + streamName + ", " + client + "]";
    }
}
