package io.firetap.aws.internal;

import com.sun.net.httpserver.HttpServer;
import io.firetap.aws.AwsClientSettings;
import io.firetap.core.pipeline.PipelineConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;

/**
 * Building blocks every AWS sink uses, so each builds its client the same lean way (see
 * {@link SdkOperation}): short connect timeouts, every call bounded, and no SDK retries — the
 * pipeline retries only the entries that failed, with its own backoff and deadline, and two retry
 * layers would fight.
 */
public final class AwsClients {
    private static final Set<String> THROTTLING = Set.of("ThrottlingException", "Throttling",
            "ProvisionedThroughputExceededException", "ServiceUnavailableException", "ServiceUnavailable",
            "RequestLimitExceeded", "TooManyRequestsException", "SlowDown", "LimitExceededException",
            "InternalFailure", "InternalError", "InternalServerError", "KMSThrottlingException");

    private static final PreparedBody PREPARED_BODY = new PreparedBody();

    private AwsClients() {
    }

    /** No SDK retries; the whole call bounded by the pipeline's send timeout. */
    public static ClientOverrideConfiguration overrides(AwsClientSettings settings) {
        return overrides(settings.callTimeout());
    }

    /**
     * {@code timeout} when it is a call timeout firetap accepts, 10 ms to 15 minutes (as
     * {@code FIRETAP_SEND_TIMEOUT}).
     *
     * @throws IllegalArgumentException otherwise
     */
    public static Duration checkedCallTimeout(Duration timeout) {
        if (timeout.compareTo(PipelineConfig.MIN_SEND_TIMEOUT) < 0 || timeout.compareTo(PipelineConfig.MAX_SEND_TIMEOUT) > 0) {
            throw new IllegalArgumentException("callTimeout must be between 10 ms and 15 minutes: " + timeout);
        }
        return timeout;
    }

    /**
     * What every firetap client is built with, whichever its transport: region, credentials, the
     * call timeout, and the endpoint when one overrides the SDK's.
     */
    static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>> B configure(B builder,
            AwsClientSettings settings, Duration callTimeout, URI endpoint) {
        builder.region(settings.region());
        builder.credentialsProvider(settings.credentials());
        builder.overrideConfiguration(overrides(callTimeout));
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder;
    }

    /** No SDK retries; the whole call bounded by {@code callTimeout}. */
    static ClientOverrideConfiguration overrides(Duration callTimeout) {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.STANDARD)
                .retryStrategy(b -> b.maxAttempts(1))
                .apiCallTimeout(callTimeout)
                .addExecutionInterceptor(PREPARED_BODY)
                .build();
    }

    /**
     * Runs one throwaway call of the SDK against a stub on loopback that answers {@code 200} with
     * {@code body}, so class loading, JIT warm-up, the signer and the transport are paid during
     * init instead of on the first invocation's flush (≈ 400 ms on a cold JVM). Nothing leaves the
     * machine; whatever the call's outcome, the wait is bounded by {@code limit} (a blocking
     * {@code call} must bound itself by the same: {@link SdkOperation} gives its warm-up client that
     * API call timeout). The stub is the JDK's HTTP server, whose small answers Nagle's algorithm can
     * hold back 40 ms unless {@code sun.net.httpserver.nodelay} is set: the extension's {@code main}
     * sets it; a library leaves that JVM-wide choice to the application embedding it.
     *
     * @param call issues the call against the given endpoint with a client built for the purpose
     */
    public static void warmUp(String contentType, byte[] body, Function<URI, CompletableFuture<?>> call, Duration limit) {
        HttpServer stub;
        try {
            stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        } catch (IOException e) {
            return;
        }
        stub.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", contentType);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        stub.start();
        try {
            call.apply(URI.create("http://127.0.0.1:" + stub.getAddress().getPort())).get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // a warm-up only: the real calls report their own errors
        } finally {
            stub.stop(0);
        }
    }

    /** The exception inside a future's failure. */
    public static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * Whether a whole call failing with {@code t} is worth retrying: network trouble, timeouts,
     * throttling and server-side errors are; validation, access and not-found errors are not.
     */
    public static boolean retryable(Throwable t) {
        Throwable cause = unwrap(t);
        if (cause instanceof AwsErrorResponse e) {
            return e.statusCode() >= 500 || e.statusCode() == 429 || THROTTLING.contains(e.errorCode());
        }
        if (cause instanceof AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            return e.statusCode() >= 500 || e.statusCode() == 429 || e.isThrottlingException()
                    || (code != null && THROTTLING.contains(code));
        }
        return cause instanceof SdkClientException || cause instanceof java.io.IOException
                || cause instanceof java.util.concurrent.TimeoutException;
    }

    /** The service's error code, or the exception's simple name. */
    public static String errorCode(Throwable t) {
        Throwable cause = unwrap(t);
        if (cause instanceof AwsErrorResponse e) {
            return e.errorCode();
        }
        if (cause instanceof AwsServiceException e && e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null) {
            return e.awsErrorDetails().errorCode();
        }
        return cause.getClass().getSimpleName();
    }

    /** A one-line description of a failure, without request contents or credentials. */
    public static String describe(Throwable t) {
        Throwable cause = unwrap(t);
        String message = cause.getMessage();
        if (cause instanceof AwsErrorResponse e) {
            return message + " (HTTP " + e.statusCode() + ")";
        }
        if (cause instanceof AwsServiceException e && e.awsErrorDetails() != null) {
            message = e.awsErrorDetails().errorMessage() + " (HTTP " + e.statusCode() + ")";
        }
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    /**
     * Runs {@code close} on a daemon thread, for closes that can take longer than a SHUTDOWN deadline
     * affords. The future completes when it has run; callers wait on it only as long as they can.
     */
    static CompletableFuture<Void> closeInBackground(Runnable close) {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                close.run();
                closed.complete(null);
            } catch (RuntimeException e) {
                closed.completeExceptionally(e);
            }
        }, "firetap-aws-close");
        t.setDaemon(true);
        t.start();
        return closed;
    }
}
