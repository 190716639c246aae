package io.firetap.testkit.aws;

import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Real SDK clients aimed at an endpoint, with SDK retries off so each test sees exactly the
 * response the endpoint sent.
 *
 * <p>They share one event loop on a daemon thread, which no client owns: a client that owns its
 * event loop waits out netty's two-second quiet period when it is closed, in every test.
 */
final class SdkClients {
    static final StaticCredentialsProvider FAKE_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFIRETAPTEST", "not-a-secret"));

    private static final SdkEventLoopGroup EVENT_LOOP = SdkEventLoopGroup.create(new NioEventLoopGroup(1, task -> {
        Thread thread = new Thread(task, "sdk-clients-io");
        thread.setDaemon(true);
        return thread;
    }), NioSocketChannel::new);

    private SdkClients() {
    }

    static FirehoseAsyncClient firehose(URI endpoint) {
        return firehose(endpoint, FAKE_CREDENTIALS);
    }

    static FirehoseAsyncClient firehose(URI endpoint, StaticCredentialsProvider credentials) {
        return FirehoseAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .httpClientBuilder(netty())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofSeconds(30)))
                .build();
    }

    /** A Kinesis client speaking CBOR (the SDK default) or JSON, over HTTP/1.1 as a plain-http endpoint needs. */
    static KinesisAsyncClient kinesis(URI endpoint, boolean cbor) {
        String previous = System.getProperty("aws.cborEnabled");
        // The SDK reads this switch once, while the client is built.
        System.setProperty("aws.cborEnabled", Boolean.toString(cbor));
        try {
            return KinesisAsyncClient.builder()
                    .endpointOverride(endpoint)
                    .region(Region.US_EAST_1)
                    .credentialsProvider(FAKE_CREDENTIALS)
                    .httpClientBuilder(netty().protocol(Protocol.HTTP1_1))
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                            .apiCallTimeout(Duration.ofSeconds(30)))
                    .build();
        } finally {
            if (previous == null) {
                System.clearProperty("aws.cborEnabled");
            } else {
                System.setProperty("aws.cborEnabled", previous);
            }
        }
    }

    /** The SDK's netty client on the shared event loop; its other settings are the SDK's defaults. */
    static NettyNioAsyncHttpClient.Builder netty() {
        return NettyNioAsyncHttpClient.builder().eventLoopGroup(EVENT_LOOP);
    }
}
