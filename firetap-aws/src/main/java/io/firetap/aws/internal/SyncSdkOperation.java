package io.firetap.aws.internal;

import io.firetap.aws.AwsClientSettings;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/** {@link SdkOperation#sync}: the blocking client on {@code HttpURLConnection}, called on the caller's thread. */
final class SyncSdkOperation<B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkAutoCloseable, Q, R>
        extends SdkOperation<Q, R> {
    private final AwsClientSettings settings;
    private final Supplier<B> builders;
    private final BiFunction<C, Q, R> operation;
    private final Object lock = new Object();
    private volatile SdkHttpClient http;
    private volatile C client;

    SyncSdkOperation(AwsClientSettings settings, Supplier<B> builders, BiFunction<C, Q, R> operation) {
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
                    // a hung connection fails at the socket too, not only by the SDK's timer aborting it
                    http = UrlConnectionHttpClient.builder()
                            .connectionTimeout(AwsClientSettings.CONNECT_TIMEOUT)
                            .socketTimeout(settings.callTimeout())
                            .build();
                    c = build(settings.endpoint().orElse(null), settings.callTimeout());
                    client = c;
                }
            }
        }
        return c;
    }

    private C build(URI endpoint, Duration callTimeout) {
        B builder = builders.get();
        builder.httpClient(http);
        AwsClients.configure(builder, settings, callTimeout, endpoint);
        return builder.build();
    }

    @Override
    public void start() {
        client();
    }

    @Override
    public void startWarm(String contentType, byte[] answer, Q warmUpRequest) {
        client();
        Duration limit = settings.callTimeout().compareTo(WARM_UP_LIMIT) < 0 ? settings.callTimeout() : WARM_UP_LIMIT;
        AwsClients.warmUp(contentType, answer, stub -> {
            C warm = build(stub, limit);
            try {
                return CompletableFuture.completedFuture(operation.apply(warm, warmUpRequest));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            } finally {
                warm.close();
            }
        }, WARM_UP_LIMIT);
    }

    @Override
    public CompletableFuture<R> call(Q request) {
        try {
            return CompletableFuture.completedFuture(operation.apply(client(), request));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Closes on the calling thread: neither the client nor {@code HttpURLConnection} has a thread to stop. */
    @Override
    public CompletableFuture<Void> close() {
        C c = client;
        if (c == null) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            c.close();
            http.close();
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
