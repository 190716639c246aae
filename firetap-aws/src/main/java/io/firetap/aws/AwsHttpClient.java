package io.firetap.aws;

import io.firetap.aws.internal.AwsJsonCall;

/**
 * The HTTP transport of the AWS sinks, chosen by {@value AwsClientSettings#HTTP_CLIENT}.
 *
 * <p>All send the same signed requests with the same timeouts and no retries of their own (the
 * pipeline retries); they differ in what they cost inside the function's sandbox, measured side by
 * side in {@code bench/e2e} (see the README's "Which HTTP transport, and why").
 */
public enum AwsHttpClient {
    /**
     * The default: no SDK client on the call path. The sink writes the JSON body itself (it already
     * does for the SDK), {@link AwsJsonCall} signs it (SigV4, the JDK's HMAC), POSTs it on the JDK's
     * {@code HttpURLConnection} and reads the answer. Firehose and Kinesis (AWS JSON 1.1); other
     * sinks, and a sandbox whose credentials or endpoint need the SDK (no key variables, FIPS or
     * dual-stack endpoints), use {@link #URLCONNECTION} instead, said in one log line.
     */
    DIRECT,
    /**
     * The SDK's synchronous client on the JDK's {@code HttpURLConnection}. A call blocks the sink's
     * pipeline worker, which waits for the answer anyway, so no thread and no event loop is added.
     */
    URLCONNECTION,
    /**
     * The SDK's asynchronous client on netty: one event-loop thread for all of a sink's connections.
     * Kept for users who measured it better for their traffic; its jars are a dependency of this
     * module, but the Lambda layer holds them only when built with {@code -Dlayer.netty=true}.
     */
    NETTY
}
