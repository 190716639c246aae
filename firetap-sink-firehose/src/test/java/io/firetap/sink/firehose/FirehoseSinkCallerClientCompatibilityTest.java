package io.firetap.sink.firehose;

import io.firetap.core.config.Settings;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.sink.Sink;
import io.firetap.testkit.aws.AwsEndpoint;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;

/**
 * The same kit on a {@code FirehoseClient} the test builds as an application would (its own endpoint,
 * credentials and the SDK's default retries), one per destination: records built the ordinary SDK way,
 * no firetap interceptor on the client.
 */
class FirehoseSinkCallerClientCompatibilityTest extends FirehoseSinkCompatibilityTest {
    /** The default call timeout: the kit's own sinks get {@code FIRETAP_SEND_TIMEOUT}'s. */
    @Override
    String transport() {
        return "the caller's FirehoseClient, call timeout 30000 ms";
    }

    @Override
    Sinks sinks(AwsEndpoint aws) {
        FirehoseClient client = FirehoseClient.builder()
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "not-a-secret")))
                .endpointOverride(aws.endpointUri())
                .build();
        return new Sinks() {
            @Override
            public Sink newSink(Settings settings) {
                return FirehoseSink.builder("logs").client(client)
                        .callTimeout(PipelineConfig.from(settings).sendTimeout())
                        .build();
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }
}
