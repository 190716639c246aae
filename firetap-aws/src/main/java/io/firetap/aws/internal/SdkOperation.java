package io.firetap.aws.internal;

import io.firetap.aws.AwsClientSettings;
import io.firetap.aws.AwsHttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.builder.SdkAsyncClientBuilder;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The one SDK call an AWS sink makes ({@code PutRecordBatch}, {@code PutRecords}, {@code PutObject}),
 * on a client built the same lean way for every service: lazily, on the thread that first needs it
 * (the pipeline worker's {@code start()}), with the settings' region, credentials and endpoint,
 * {@link AwsClients#overrides} (no SDK retries, every call bounded by {@code FIRETAP_SEND_TIMEOUT}),
 * warmed against a loopback stub, closed within a SHUTDOWN deadline.
 *
 * <p>A sink picks the factory that matches {@link AwsClientSettings#httpClient()}: {@link #sync}
 * for {@link AwsHttpClient#URLCONNECTION}, {@link #async} for {@link AwsHttpClient#NETTY}, in a
 * {@code switch} so that only the chosen one is linked: on the default transport no netty class is
 * loaded.
 *
 * <p>A sink built on the caller's own client uses {@link #sync(SdkClient, BiFunction, Duration)} or
 * {@link #async(SdkClient, BiFunction, Duration)} instead: the same call on that client, which
 * firetap neither builds, warms nor closes.
 *
 * @param <Q> the operation's request
 * @param <R> the operation's response
 */
public abstract sealed class SdkOperation<Q, R> permits SyncSdkOperation, AsyncSdkOperation, CallerClientOperation {
    /** The longest a warm-up call may take. */
    static final Duration WARM_UP_LIMIT = Duration.ofSeconds(3);

    SdkOperation() {
    }

    /**
     * The call on the service's synchronous client over {@code HttpURLConnection}.
     *
     * <p>{@link #call} runs it on the calling thread and returns a completed future. The caller is
     * the sink's pipeline worker, which sends one batch at a time and waits for each answer anyway,
     * so blocking it costs no lane anything the async client does not, and adds no thread; every
     * other sink has its own worker. The wait is bounded as with netty: the SDK's API call timeout
     * ({@code FIRETAP_SEND_TIMEOUT}) aborts the connection, and under it the socket has a read
     * timeout of the same length and a {@link AwsClientSettings#CONNECT_TIMEOUT connect timeout}.
     *
     * @param builders a fresh service builder each time, with any service-specific options set
     * @param call     the operation on a client, e.g. {@code FirehoseClient::putRecordBatch}
     */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkAutoCloseable, Q, R>
            SdkOperation<Q, R> sync(AwsClientSettings settings, Supplier<B> builders, BiFunction<C, Q, R> call) {
        return new SyncSdkOperation<>(settings, builders, call);
    }

    /**
     * The call on the service's asynchronous client over netty: one event-loop thread, at most four
     * connections; the future completes on the event-loop thread.
     *
     * @param builders a fresh service builder each time, with any service-specific options set
     * @param call     the operation on a client, e.g. {@code FirehoseAsyncClient::putRecordBatch}
     */
    public static <B extends AwsClientBuilder<B, C> & SdkAsyncClientBuilder<B, C>, C extends SdkAutoCloseable, Q, R>
            SdkOperation<Q, R> async(AwsClientSettings settings, Supplier<B> builders,
                    BiFunction<C, Q, CompletableFuture<R>> call) {
        return new AsyncSdkOperation<>(settings, builders, call);
    }

    /**
     * The call on a synchronous client the caller built and owns, run on the calling thread as
     * {@link #sync(AwsClientSettings, Supplier, BiFunction)} runs it; each request carries
     * {@code callTimeout} as its API call timeout, which bounds the client's own retries too.
     *
     * @param call the operation on the client, e.g. {@code FirehoseClient::putRecordBatch}
     */
    public static <C extends SdkClient, Q extends AwsRequest, R> SdkOperation<Q, R> sync(C client,
            BiFunction<C, Q, R> call, Duration callTimeout) {
        return new CallerClientOperation<>(client, (c, q) -> CompletableFuture.completedFuture(call.apply(c, q)),
                callTimeout);
    }

    /**
     * The call on an asynchronous client the caller built and owns; the future completes where that
     * client completes its futures. Each request carries {@code callTimeout} as its API call timeout.
     *
     * @param call the operation on the client, e.g. {@code FirehoseAsyncClient::putRecordBatch}
     */
    public static <C extends SdkClient, Q extends AwsRequest, R> SdkOperation<Q, R> async(C client,
            BiFunction<C, Q, CompletableFuture<R>> call, Duration callTimeout) {
        return new CallerClientOperation<>(client, call, callTimeout);
    }

    /** Builds the client now, on the calling thread, instead of on the first call. */
    public abstract void start();

    /**
     * Builds the client, then makes {@code warmUpRequest} once on a throwaway client aimed at a
     * loopback stub that answers {@code 200} with {@code answer} (see {@link AwsClients#warmUp}), so
     * the first real call does not pay for class loading and the JIT. Bounded by three seconds.
     */
    public abstract void startWarm(String contentType, byte[] answer, Q warmUpRequest);

    /**
     * Makes the call. Never throws: a failure to build the client or to send completes the future
     * exceptionally.
     */
    public abstract CompletableFuture<R> call(Q request);

    /**
     * Closes the client and its HTTP client; the future completes when they are closed. Callers wait
     * on it only as long as their deadline allows.
     */
    public abstract CompletableFuture<Void> close();
}
