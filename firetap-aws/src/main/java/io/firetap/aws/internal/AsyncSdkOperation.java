package io.firetap.aws.internal;

import io.firetap.aws.AwsClientSettings;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkAsyncClientBuilder;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/** {@link SdkOperation#async}: the async client on firetap's lean {@link NettyClient}. */
final class AsyncSdkOperation<B extends AwsClientBuilder<B, C> & SdkAsyncClientBuilder<B, C>, C extends SdkAutoCloseable, Q, R>
        extends SdkOperation<Q, R> {
    private static final Executor DIRECT = new Direct();

    private final AwsClientSettings settings;
    private final Supplier<B> builders;
    private final BiFunction<C, Q, CompletableFuture<R>> operation;
    private final Object lock = new Object();
    private volatile NettyClient http;
    private volatile C client;

    AsyncSdkOperation(AwsClientSettings settings, Supplier<B> builders, BiFunction<C, Q, CompletableFuture<R>> operation) {
        this.settings = settings;
        this.builders = builders;
        this.operation = operation;
    }

    private C client() {
        C c = client;
        if (c == null) {
            synchronized (lock) {
                c = client;
                if (c == null) {
                    http = NettyClient.create(4);
                    c = build(settings.endpoint().orElse(null), settings.callTimeout());
                    client = c;
                }
            }
        }
        return c;
    }

    private C build(URI endpoint, Duration callTimeout) {
        B builder = builders.get();
        builder.httpClient(http.http());
        AwsClients.configure(builder, settings, callTimeout, endpoint);
        // Complete each call's future on the netty thread that parsed the answer instead of handing it
        // to the SDK's completion pool: one thread hop less between the answer and the pipeline's
        // worker, on the path every invocation's flush waits for. Safe because what runs on
        // completion here is firetap's own short, non-blocking result mapping.
        builder.asyncConfiguration(c -> c.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR,
                DIRECT));
        return builder.build();
    }

    @Override
    public void start() {
        client();
    }

    @Override
    public void startWarm(String contentType, byte[] answer, Q warmUpRequest) {
        client();
        AwsClients.warmUp(contentType, answer, stub -> {
            C warm = build(stub, settings.callTimeout());
            return operation.apply(warm, warmUpRequest).whenComplete((r, e) -> warm.close());
        }, WARM_UP_LIMIT);
    }

    @Override
    public CompletableFuture<R> call(Q request) {
        try {
            return operation.apply(client(), request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Closes the client, the netty client and its event loop on a daemon thread (see
     * {@link AwsClients#closeInBackground}).
     */
    @Override
    public CompletableFuture<Void> close() {
        C c = client;
        if (c == null) {
            return CompletableFuture.completedFuture(null);
        }
        return AwsClients.closeInBackground(() -> {
            c.close();
            http.close();
        });
    }

    /** Runs a completion on the thread that completes the call. */
    private static final class Direct implements Executor {
        @Override
        public void execute(Runnable command) {
            command.run();
        }
    }
}
