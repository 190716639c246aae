package io.firetap.sink.firehose;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.config.Settings;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkContext;
import io.firetap.core.sink.SinkRecord;
import io.firetap.testkit.aws.AwsEndpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A call the endpoint never answers ends at {@code FIRETAP_SEND_TIMEOUT} as a retryable failure on
 * every transport — on the blocking ones (direct, urlconnection) inside {@code send}, which blocks the pipeline worker that
 * calls it, so the bound must come from the client itself.
 */
class FirehoseSinkTimeoutTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"direct", "urlconnection", "netty"})
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aCallThatIsNeverAnsweredFailsRetryablyAtTheSendTimeout(String httpClient) throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start()) {
            Sink sink = new FirehoseSinkProvider().create(SinkContext.of(FirehoseSettings.against(aws, Settings.of(Map.of(
                    "FIRETAP_SEND_TIMEOUT", "500ms", "FIRETAP_AWS_HTTP_CLIENT", httpClient)))));
            try {
                sink.start().get(10, TimeUnit.SECONDS);
                aws.faults().latency(Duration.ofSeconds(20));

                long started = System.nanoTime();
                SendResult result = sink.send(List.of(SinkRecord.ofLine("never answered"))).get(10, TimeUnit.SECONDS);
                Duration took = Duration.ofNanos(System.nanoTime() - started);

                assertThat(result.failures()).singleElement().satisfies(f -> assertThat(f.retryable()).isTrue());
                assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400)).isLessThan(Duration.ofSeconds(5));
            } finally {
                sink.shutdown().get(5, TimeUnit.SECONDS);
            }
        }
    }
}
