package io.firetap.testkit.aws;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Real SDK clients aimed at an endpoint, with SDK retries off so each test sees exactly the
 * response the endpoint sent.
 */
final class SdkClients {
    static final StaticCredentialsProvider FAKE_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFIRETAPTEST", "not-a-secret"));

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
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
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
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
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
}
