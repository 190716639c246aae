package io.firetap.aws;

/**
 * The HTTP transport under the AWS sinks' SDK clients, chosen by {@value AwsClientSettings#HTTP_CLIENT}.
 *
 * <p>Both send the same signed requests with the same timeouts and no SDK retries; they differ in
 * what they cost inside the function's sandbox, measured side by side in {@code bench/e2e}'s
 * {@code TransportStart} (see the README's performance section).
 */
public enum AwsHttpClient {
    /**
     * The default: the SDK's synchronous client on the JDK's {@code HttpURLConnection}. A call blocks
     * the sink's pipeline worker, which waits for the answer anyway, so no thread and no event loop
     * is added; it reaches its first call sooner and holds less memory than netty.
     */
    URLCONNECTION,
    /**
     * The SDK's asynchronous client on netty: one event-loop thread for all of a sink's connections.
     * Kept for users who measured it better for their traffic; its jars are a dependency of this
     * module, but the Lambda layer holds them only when built with {@code -Dlayer.netty=true}.
     */
    NETTY
}
