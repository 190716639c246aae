package io.firetap.aws.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;

/**
 * {@link SdkOperation#sync(software.amazon.awssdk.core.SdkClient, BiFunction, Duration)} and its
 * async twin: the call on a client the caller built, configured and owns. firetap neither builds, warms nor closes it; what it adds to each
 * request is a bound on the call.
 */
final class CallerClientOperation<C, Q extends AwsRequest, R> extends SdkOperation<Q, R> {
    private final C client;
    private final BiFunction<C, Q, CompletableFuture<R>> operation;
    private final Duration callTimeout;

    CallerClientOperation(C client, BiFunction<C, Q, CompletableFuture<R>> operation, Duration callTimeout) {
        this.client = client;
        this.operation = operation;
        this.callTimeout = callTimeout;
    }

    /** Nothing to build: the client exists. */
    @Override
    public void start() {
    }

    /**
     * No warm-up: it would take a second client aimed at a loopback stub, and only the caller knows how
     * to build one like theirs. The first call pays for what the caller did not warm.
     */
    @Override
    public void startWarm(String contentType, byte[] answer, Q warmUpRequest) {
    }

    /**
     * Makes the call with the SDK's API call timeout set on the request, so a synchronous client never
     * holds the pipeline's worker longer than that, its own retries included.
     */
    @Override
    public CompletableFuture<R> call(Q request) {
        try {
            AwsRequestOverrideConfiguration bounded = request.overrideConfiguration()
                    .map(AwsRequestOverrideConfiguration::toBuilder)
                    .orElseGet(AwsRequestOverrideConfiguration::builder)
                    .apiCallTimeout(callTimeout)
                    .build();
            @SuppressWarnings("unchecked") // a request's builder builds a request of its own class
            Q call = (Q) request.toBuilder().overrideConfiguration(bounded).build();
            return operation.apply(client, call);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The caller closes its client, after the sink's shutdown or whenever it likes. */
    @Override
    public CompletableFuture<Void> close() {
        return CompletableFuture.completedFuture(null);
    }
}
