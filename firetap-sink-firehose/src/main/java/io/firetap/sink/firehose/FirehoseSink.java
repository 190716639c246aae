package io.firetap.sink.firehose;

import io.firetap.aws.AwsClientSettings;
import io.firetap.aws.AwsHttpClient;
import io.firetap.aws.internal.AwsJsonCall;
import io.firetap.aws.internal.ClientChoice;
import io.firetap.aws.internal.PreparedBody;
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
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Ships records to an Amazon Data Firehose delivery stream with {@code PutRecordBatch}. Built with
 * {@link #builder(String)}, on one of two kinds of client:
 * <ul>
 * <li>{@link Builder#settings AwsClientSettings}: the sink builds, warms and closes its own transport,
 *     the one {@link AwsClientSettings#httpClient()} names: {@code direct} (the default,
 *     {@link AwsJsonCall}, no SDK client) or the SDK's client ({@link SdkOperation}) — what
 *     {@link FirehoseSinkProvider} builds from {@code FIRETAP_*} and {@code AWS_*} settings;</li>
 * <li>{@link Builder#client(FirehoseClient) your own} {@code FirehoseClient} or
 *     {@code FirehoseAsyncClient}, with its credentials provider, endpoint, retry policy, HTTP client
 *     and metrics publisher: the sink only calls it, and never closes it.</li>
 * </ul>
 *
 * <p>Limits (<a href="https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html">PutRecordBatch</a>):
 * 500 records and 4 MiB per call, 1,000 KiB per record before base64 encoding. Firehose bills every
 * record in 5 KB steps, which is why the pipeline packs many lines into each record.
 *
 * <p>A call can succeed while some entries fail ({@code FailedPutCount} &gt; 0): exactly those
 * entries are handed back to the pipeline for retry, as retryable when their error code is
 * {@code ServiceUnavailableException} or an internal failure, as rejected otherwise. A whole call
 * that fails is retryable for throttling, 5xx and network trouble, rejected for validation or access
 * errors (the reason is logged once per error code). The same on every client.
 */
public final class FirehoseSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(FirehoseSink.class);

    /** Records per {@code PutRecordBatch} call. */
    public static final int MAX_RECORDS_PER_CALL = 500;
    /** Bytes per call (the sum of the records' data). */
    public static final long MAX_BYTES_PER_CALL = 4L * 1024 * 1024;
    /** Bytes per record: 1,000 KiB. */
    public static final int MAX_RECORD_BYTES = 1_000 * 1024;
    /** Per-entry error codes worth retrying. */
    private static final Set<String> RETRYABLE_ENTRY_ERRORS = Set.of("ServiceUnavailableException",
            "InternalFailure", "ServiceUnavailable", "ThrottlingException");

    private final String streamName;
    /** What the sink runs on, for {@link #toString()}. */
    private final String client;
    private final Refusals refusals;
    /** The call without the SDK's client ({@code direct}), or null. */
    private final AwsJsonCall direct;
    /** The call through the SDK's client, firetap's or the caller's, or null. */
    private final SdkOperation<PutRecordBatchRequest, PutRecordBatchResponse> putRecordBatch;
    /**
     * Whether the SDK's client is firetap's own, which sends the body written here
     * ({@link PreparedBody}); a caller's client gets the records as the SDK builds them.
     */
    private final boolean preparedBody;
    private final RecordsBody bodies;

    private FirehoseSink(Builder b) {
        this.streamName = b.streamName;
        AwsClientSettings settings = b.clients.settings();
        SdkOperation<PutRecordBatchRequest, PutRecordBatchResponse> callers = b.clients.callersClient();
        this.client = b.clients.toString();
        this.direct = settings != null && settings.httpClient() == AwsHttpClient.DIRECT
                ? AwsJsonCall.of(settings, "firehose", "Firehose_20150804.PutRecordBatch")
                : null;
        this.putRecordBatch = callers != null ? callers : switch (settings.httpClient()) {
            case DIRECT -> null;
            case URLCONNECTION -> SdkOperation.sync(settings, FirehoseClient::builder, FirehoseClient::putRecordBatch);
            case NETTY -> SdkOperation.async(settings, FirehoseAsyncClient::builder, FirehoseAsyncClient::putRecordBatch);
        };
        this.preparedBody = callers == null;
        this.bodies = new RecordsBody("DeliveryStreamName", streamName);
        this.refusals = new Refusals(LOG, "Firehose refused records for delivery stream '" + streamName + "'",
                "check the stream name, its region and the function role's firehose:PutRecordBatch permission",
                RETRYABLE_ENTRY_ERRORS);
    }

    /**
     * A sink for the delivery stream {@code deliveryStream}; give its builder
     * {@link Builder#settings AwsClientSettings} or an SDK client of your own.
     */
    public static Builder builder(String deliveryStream) {
        return new Builder(deliveryStream);
    }

    /**
     * Configures a {@link FirehoseSink}: exactly one of {@link #settings} and {@link #client}.
     *
     * <p>On your own client, the sink takes it as it is, synchronous or asynchronous, since firetap's
     * SDK calls come in both shapes: a {@code FirehoseClient}'s call runs on the sink's pipeline
     * worker, which waits for each answer anyway (as firetap's own {@code urlconnection} transport
     * does); a {@code FirehoseAsyncClient}'s completes where that client completes its futures. Either
     * way each request carries {@link #callTimeout} as its API call timeout, which bounds the
     * client's own retries too: the pipeline retries failed entries itself, so a client with few or
     * no retries of its own suits it best. The sink neither warms nor closes your client: close it
     * after the pipeline has shut down.
     */
    public static final class Builder {
        private final String streamName;
        private final ClientChoice<PutRecordBatchRequest, PutRecordBatchResponse> clients = new ClientChoice<>();

        private Builder(String streamName) {
            this.streamName = Objects.requireNonNull(streamName, "deliveryStream");
        }

        /** Region, credentials, endpoint, call timeout and transport of a client the sink builds and owns. */
        public Builder settings(AwsClientSettings settings) {
            clients.settings(settings);
            return this;
        }

        /** Your own synchronous client; the sink never closes it. */
        public Builder client(FirehoseClient client) {
            Objects.requireNonNull(client, "client");
            clients.client("FirehoseClient", timeout -> SdkOperation.sync(client, FirehoseClient::putRecordBatch, timeout));
            return this;
        }

        /** Your own asynchronous client; the sink never closes it. */
        public Builder client(FirehoseAsyncClient client) {
            Objects.requireNonNull(client, "client");
            clients.client("FirehoseAsyncClient",
                    timeout -> SdkOperation.async(client, FirehoseAsyncClient::putRecordBatch, timeout));
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

        /** @throws IllegalStateException when neither or both of settings and a client were given */
        public FirehoseSink build() {
            return new FirehoseSink(this);
        }
    }

    @Override
    public String name() {
        return FirehoseSinkProvider.NAME;
    }

    @Override
    public SinkLimits limits() {
        return new SinkLimits(MAX_RECORDS_PER_CALL, MAX_BYTES_PER_CALL, MAX_RECORD_BYTES, 0);
    }

    /**
     * On the SDK's client: builds the client on the calling (pipeline worker) thread, so several
     * sinks build theirs in parallel and the extension's registration never waits for it, then warms
     * the SDK with one call to a loopback stub (see {@link SdkOperation#startWarm}) so the first
     * invocation does not pay for it. {@code direct} has no client to build: it makes the same
     * warm-up call on its own path ({@link AwsJsonCall#warmUp}). A caller's client is neither built
     * nor warmed here.
     */
    @Override
    public CompletableFuture<Void> start() {
        byte[] answer = "{\"FailedPutCount\":0,\"Encrypted\":false,\"RequestResponses\":[{\"RecordId\":\"warm-up\"}]}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] body = bodies.encode(List.of(new SinkRecord(new byte[] {'\n'}, 1, null, 0L)));
        if (direct != null) {
            direct.warmUp(body, answer);
            return CompletableFuture.completedFuture(null);
        }
        try {
            putRecordBatch.startWarm("application/x-amz-json-1.1", answer, request(body));
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * One {@code PutRecordBatch} call. On firetap's own transports the body is written here (see
     * {@link RecordsBody}) and sent by {@link AwsJsonCall}, or handed to the SDK through
     * {@link PreparedBody}, which signs, sends and parses as usual; a caller's client gets the records
     * as {@link SdkBytes}. Except on an asynchronous client, the call runs on this (the pipeline
     * worker's) thread and the future is complete on return.
     */
    @Override
    public CompletableFuture<SendResult> send(List<SinkRecord> batch) {
        if (!preparedBody) {
            return call(request(batch), batch.size());
        }
        byte[] body;
        try {
            body = bodies.encode(batch);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(refusals.wholeCall(batch.size(), e));
        }
        if (direct != null) {
            return direct.call(body).handle((answer, error) -> error != null
                    ? refusals.wholeCall(batch.size(), error)
                    : refusals.entries(answer, "FailedPutCount", "RequestResponses"));
        }
        return call(request(body), batch.size());
    }

    private CompletableFuture<SendResult> call(PutRecordBatchRequest request, int size) {
        return putRecordBatch.call(request).handle((response, error) -> error != null
                ? refusals.wholeCall(size, error)
                : entries(response));
    }

    private PutRecordBatchRequest request(byte[] body) {
        return PutRecordBatchRequest.builder()
                .deliveryStreamName(streamName)
                .records(List.of())
                .overrideConfiguration(o -> o.putExecutionAttribute(PreparedBody.BODY, body))
                .build();
    }

    private PutRecordBatchRequest request(List<SinkRecord> batch) {
        List<Record> records = new ArrayList<>(batch.size());
        for (SinkRecord r : batch) {
            records.add(Record.builder().data(SdkBytes.fromByteArrayUnsafe(r.payload())).build());
        }
        return PutRecordBatchRequest.builder().deliveryStreamName(streamName).records(records).build();
    }

    private SendResult entries(PutRecordBatchResponse response) {
        Integer failed = response.failedPutCount();
        if (failed == null || failed == 0) {
            return SendResult.success();
        }
        List<EntryFailure> failures = new ArrayList<>(failed);
        List<PutRecordBatchResponseEntry> entries = response.requestResponses();
        for (int i = 0; i < entries.size(); i++) {
            PutRecordBatchResponseEntry entry = entries.get(i);
            if (entry.errorCode() != null) {
                failures.add(refusals.entry(i, entry.errorCode(), entry.errorMessage()));
            }
        }
        return SendResult.partial(failures);
    }

    /**
     * Closes firetap's own SDK client in the background ({@code direct} has none; a caller's client is
     * left open for its owner); the pipeline waits on the future only as long as its deadline allows.
     */
    @Override
    public CompletableFuture<Void> shutdown() {
        return direct != null ? CompletableFuture.completedFuture(null) : putRecordBatch.close();
    }

    @Override
    public String toString() {
        return "FirehoseSink[" + streamName + ", " + client + "]";
    }
}
