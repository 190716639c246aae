package io.firetap.aws;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkAsyncClientBuilder;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * One AWS SDK async client of a sink, built the same lean way for every service: lazily, on the
 * thread that first needs it (the pipeline worker's {@code start()}), on {@link AwsClients#httpClient}
 * with the settings' region, credentials, endpoint and {@link AwsClients#overrides}; warmed against a
 * loopback stub; closed in the background.
 *
 * @param <B> the service client's builder
 * @param <C> the service client
 */
public final class SdkClientHolder<B extends AwsClientBuilder<B, C> & SdkAsyncClientBuilder<B, C>, C extends SdkAutoCloseable> {
    private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(3);
    private static final java.util.concurrent.Executor DIRECT = new Direct();

    private final AwsClientSettings settings;
    private final Supplier<B> builders;
    private volatile C client;
    private volatile AwsClients.HttpClient http;

    /** @param builders a fresh service builder each time, with any service-specific options set */
    public SdkClientHolder(AwsClientSettings settings, Supplier<B> builders) {
        this.settings = settings;
        this.builders = builders;
    }

    /** The client, built on first use. */
    public C client() {
        C c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    http = AwsClients.httpClient(4);
                    c = build(settings.endpoint().orElse(null));
                    client = c;
                }
            }
        }
        return c;
    }

    private C build(URI endpoint) {
        B builder = builders.get();
        builder.httpClient(http.http());
        builder.region(settings.region());
        builder.credentialsProvider(settings.credentials());
        builder.overrideConfiguration(AwsClients.overrides(settings));
        // Complete each call's future on the netty thread that parsed the answer instead of handing it
        // to the SDK's completion pool: one thread hop less between the answer and the pipeline's
        // worker, on the path every invocation's flush waits for. Safe because what runs on
        // completion here is firetap's own short, non-blocking result mapping.
        builder.asyncConfiguration(c -> c.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR,
                DIRECT));
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    /**
     * Builds the client, then runs {@code call} once on a throwaway client aimed at a loopback stub
     * answering {@code 200} with {@code body} (see {@link AwsClients#warmUp}).
     */
    public void startWarm(String contentType, byte[] body, Function<C, CompletableFuture<?>> call) {
        client();
        AwsClients.warmUp(contentType, body, stub -> {
            C warm = build(stub);
            return call.apply(warm).whenComplete((r, e) -> warm.close());
        }, WARM_UP_LIMIT);
    }

    /** Runs a completion on the thread that completes the call. */
    private static final class Direct implements java.util.concurrent.Executor {
        @Override
        public void execute(Runnable command) {
            command.run();
        }
    }

    /** Closes the client and its HTTP client in the background (see {@link AwsClients#closeInBackground}). */
    public CompletableFuture<Void> close() {
        C c = client;
        return c == null ? CompletableFuture.completedFuture(null) : AwsClients.closeInBackground(c, http);
    }
}
