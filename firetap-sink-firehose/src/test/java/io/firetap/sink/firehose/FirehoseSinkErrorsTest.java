package io.firetap.sink.firehose;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.config.Settings;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkContext;
import io.firetap.core.sink.SinkRecord;
import io.firetap.testkit.aws.AcceptedRecord;
import io.firetap.testkit.aws.AwsEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the service says comes out the same on every transport: a signed call with a session token
 * is accepted (the endpoint checks SigV4), and a whole call the service refuses is classed by its
 * error code — not retried for a stream that does not exist, retried when throttled.
 */
class FirehoseSinkErrorsTest {

    private static Sink sink(AwsEndpoint aws, String httpClient, String stream) {
        return new FirehoseSinkProvider().create(SinkContext.of(FirehoseSettings.against(aws, Settings.of(Map.of(
                "FIRETAP_AWS_HTTP_CLIENT", httpClient, "FIRETAP_STREAM_NAME", stream,
                "AWS_SESSION_TOKEN", "a-session-token")))));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"direct", "urlconnection", "netty"})
    void aSignedCallWithASessionTokenIsAccepted(String httpClient) throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").verifySignatures("not-a-secret").start()) {
            Sink sink = sink(aws, httpClient, "logs");
            try {
                sink.start().get(10, TimeUnit.SECONDS);
                SendResult result = sink.send(List.of(SinkRecord.ofLine("signed"))).get(10, TimeUnit.SECONDS);

                assertThat(result.failures()).isEmpty();
                assertThat(aws.deliveryStream("logs").records()).extracting(AcceptedRecord::data)
                        .containsExactly("signed\n".getBytes(StandardCharsets.UTF_8));
                assertThat(aws.violations()).isEmpty();
            } finally {
                sink.shutdown().get(5, TimeUnit.SECONDS);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"direct", "urlconnection", "netty"})
    void aStreamThatDoesNotExistIsRefusedWithTheServicesCodeAndNotRetried(String httpClient) throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start()) {
            Sink sink = sink(aws, httpClient, "missing");
            try {
                sink.start().get(10, TimeUnit.SECONDS);
                SendResult result = sink.send(List.of(SinkRecord.ofLine("a"), SinkRecord.ofLine("b")))
                        .get(10, TimeUnit.SECONDS);

                assertThat(result.failures()).hasSize(2).allSatisfy(f -> {
                    assertThat(f.retryable()).isFalse();
                    assertThat(f.errorCode()).isEqualTo("ResourceNotFoundException");
                    assertThat(f.message()).contains("missing").contains("(HTTP 400)");
                });
            } finally {
                sink.shutdown().get(5, TimeUnit.SECONDS);
            }
        }
    }
}
