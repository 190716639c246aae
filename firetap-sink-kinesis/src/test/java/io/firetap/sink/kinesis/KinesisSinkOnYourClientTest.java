package io.firetap.sink.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.testkit.aws.AwsEndpoint;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * A Kinesis sink on the application's own synchronous client (the kit runs an asynchronous one): it
 * ships through that client with the partition keys asked for, and the pipeline's shutdown leaves the
 * client open for its owner.
 */
class KinesisSinkOnYourClientTest {

    @Test
    void itShipsOnYourClientAndShutdownLeavesItOpen() {
        try (AwsEndpoint aws = AwsEndpoint.builder().dataStream("events", 2).verifySignatures("your-secret").start();
                KinesisClient kinesis = KinesisClient.builder().region(Region.EU_WEST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDYOURS", "your-secret")))
                        .endpointOverride(aws.endpointUri())
                        .build()) {
            KinesisSink sink = KinesisSink.builder("events").client(kinesis).callTimeout(Duration.ofSeconds(5))
                    .partitionKeys(PartitionKeys.fixed("orders")).build();
            assertThat(sink).hasToString("KinesisSink[events, the caller's KinesisClient, call timeout 5000 ms]");

            ShippingPipeline pipeline = ShippingPipeline.builder().sink(sink).build();
            pipeline.offer(LogLine.ofUtf8("placed order 17", Source.SOCKET));
            assertThat(pipeline.flush(Duration.ofSeconds(10)).complete()).isTrue();
            assertThat(pipeline.shutdown(Duration.ofSeconds(2)).complete()).isTrue();
            kinesis.putRecords(b -> b.streamName("events")
                    .records(r -> r.partitionKey("orders").data(SdkBytes.fromUtf8String("after shutdown\n"))));

            assertThat(aws.dataStream("events").lines()).containsExactly("placed order 17", "after shutdown");
            assertThat(aws.dataStream("events").records()).allSatisfy(r -> assertThat(r.partitionKey()).isEqualTo("orders"));
            assertThat(aws.violations()).isEmpty();
        }
    }
}
