package io.firetap.aws.internal;

import io.firetap.aws.AwsClientSettings;
import io.firetap.core.pipeline.PipelineConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import software.amazon.awssdk.core.SdkClient;

/**
 * The client half of an AWS sink's builder: either {@link AwsClientSettings}, from which the sink
 * builds, warms and closes a transport of its own, or an SDK client of the caller's, which the sink
 * only calls (see {@link SdkOperation#sync(SdkClient, BiFunction, Duration)}), each call bounded by
 * {@link #callTimeout}. Exactly one of the two.
 *
 * @param <Q> the operation's request
 * @param <R> the operation's response
 */
public final class ClientChoice<Q, R> {
    private AwsClientSettings settings;
    private String clientType;
    private Function<Duration, SdkOperation<Q, R>> callersClient;
    private Duration callTimeout;

    public void settings(AwsClientSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * @param clientType the client's interface, e.g. {@code FirehoseClient}, for messages
     * @param operation  the call on the client, given each call's bound
     */
    public void client(String clientType, Function<Duration, SdkOperation<Q, R>> operation) {
        this.clientType = clientType;
        this.callersClient = operation;
    }

    /** The bound of each call on the caller's client, 10 ms to 15 minutes. */
    public void callTimeout(Duration timeout) {
        this.callTimeout = AwsClients.checkedCallTimeout(timeout);
    }

    /**
     * The settings, or {@code null} with the caller's client.
     *
     * @throws IllegalStateException when neither or both were given, or a call timeout with settings
     */
    public AwsClientSettings settings() {
        if ((settings == null) == (callersClient == null)) {
            throw new IllegalStateException(settings == null
                    ? "give the sink AwsClientSettings (firetap builds its client) or an SDK client of your own"
                    : "give the sink AwsClientSettings or an SDK client of your own, not both");
        }
        if (settings != null && callTimeout != null) {
            throw new IllegalStateException("callTimeout(...) bounds calls on your own client; with AwsClientSettings,"
                    + " set their callTimeout");
        }
        return settings;
    }

    /** The call on the caller's client, or {@code null} with settings. */
    public SdkOperation<Q, R> callersClient() {
        return settings() != null ? null
                : callersClient.apply(callTimeout != null ? callTimeout : PipelineConfig.DEFAULT_SEND_TIMEOUT);
    }

    /** The settings, or the caller's client and its call timeout; never credentials. */
    @Override
    public String toString() {
        return settings() != null ? settings.toString() : "the caller's " + clientType + ", call timeout "
                + (callTimeout != null ? callTimeout : PipelineConfig.DEFAULT_SEND_TIMEOUT).toMillis() + " ms";
    }
}
