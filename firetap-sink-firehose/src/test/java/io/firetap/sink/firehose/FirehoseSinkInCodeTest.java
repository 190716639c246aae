package io.firetap.sink.firehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firetap.aws.AwsClientSettings;
import io.firetap.aws.AwsHttpClient;
import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.testkit.aws.AwsEndpoint;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A Firehose sink configured in code, without a single environment variable, on every transport. */
class FirehoseSinkInCodeTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(AwsHttpClient.class)
    void aSinkBuiltFromSettingsInCodeShipsSignedCalls(AwsHttpClient transport) {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("orders").verifySignatures("in-code-secret").start()) {
            AwsClientSettings settings = AwsClientSettings.builder("eu-west-1")
                    .credentials("AKIDINCODE", "in-code-secret", null)
                    .endpoint(aws.endpointUri())
                    .callTimeout(Duration.ofSeconds(5))
                    .httpClient(transport)
                    .build();
            assertThat(settings.httpClient()).isEqualTo(transport);
            ShippingPipeline pipeline = ShippingPipeline.builder().sink(FirehoseSink.builder("orders").settings(settings).build()).build();
            pipeline.offer(LogLine.ofUtf8("placed order 17", Source.SOCKET));

            assertThat(pipeline.flush(Duration.ofSeconds(10)).complete()).isTrue();
            assertThat(aws.deliveryStream("orders").lines()).containsExactly("placed order 17");
            assertThat(aws.violations()).isEmpty();
            pipeline.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void startingWarmsUpAgainstALoopbackStubAndCallsNothingAtTheDestination() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("orders").start()) {
            FirehoseSink sink = FirehoseSink.builder("orders").settings(AwsClientSettings.builder("eu-west-1")
                    .credentials("AKIDINCODE", "in-code-secret", null).endpoint(aws.endpointUri()).build()).build();
            sink.start().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(aws.deliveryStream("orders").records()).isEmpty();
            assertThat(aws.violations()).isEmpty();
            sink.close();
        }
    }

    @Test
    void withoutKeysTheDirectTransportGivesWayToTheSdksClient() {
        assertThat(AwsClientSettings.builder("us-east-1").build().httpClient()).isEqualTo(AwsHttpClient.URLCONNECTION);
        assertThatThrownBy(() -> AwsClientSettings.builder(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region");
        assertThatThrownBy(() -> AwsClientSettings.builder("us-east-1").endpoint(URI.create("ftp://x/")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
