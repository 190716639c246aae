package io.firetap.testkit.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firetap.testkit.aws.StandaloneAwsEndpoint.Options;
import io.firetap.testkit.aws.StandaloneAwsEndpoint.Print;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.Record;

class StandaloneAwsEndpointTest {

    @Test
    void parsesStreamsPortAndFaults() {
        Options o = Options.parse("--firehose", "logs", "--kinesis", "events:4", "--kinesis", "audit", "--port", "4566",
                "--print", "records", "--seed", "7", "--throttle-calls", "0.2", "--fail-entries", "0.25", "--latency-ms", "5",
                "--jitter-ms", "2");
        assertThat(o.deliveryStreams).containsExactly("logs");
        assertThat(o.dataStreams).containsExactly(DataStreamSpec.of("events", 4), DataStreamSpec.of("audit", 1));
        assertThat(o.port).isEqualTo(4566);
        assertThat(o.print).isEqualTo(Print.RECORDS);
        assertThat(o.seed).isEqualTo(7);
        assertThat(o.throttleCalls).isEqualTo(0.2);
        assertThat(o.failEntries).isEqualTo(0.25);
        assertThat(o.latencyMillis).isEqualTo(5);
        assertThat(o.jitterMillis).isEqualTo(2);
    }

    @Test
    void badArgumentsNameTheOptionTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> Options.parse("--firehose", "logs", "--port", "70000"))
                .hasMessage("--port '70000': allowed are 0 to 65535");
        assertThatThrownBy(() -> Options.parse("--firehose", "logs", "--throttle-calls", "2"))
                .hasMessage("--throttle-calls '2': allowed are 0 to 1");
        assertThatThrownBy(() -> Options.parse("--kinesis", "events:x"))
                .hasMessage("--kinesis events:SHARDS 'x': not a whole number");
        assertThatThrownBy(() -> Options.parse("--firehose", "logs", "--print", "all"))
                .hasMessage("--print 'all': allowed are lines, records, none");
        assertThatThrownBy(() -> Options.parse("--firehose", "logs", "--jitter-ms", "-1"))
                .hasMessage("--jitter-ms '-1': allowed are 0 to 3600000");
        assertThatThrownBy(() -> Options.parse("--firehose")).hasMessage("--firehose needs a value");
        assertThatThrownBy(() -> Options.parse("--frehose", "logs")).hasMessage("unknown option --frehose");
        assertThatThrownBy(() -> Options.parse()).hasMessage("give at least one --firehose or --kinesis stream");
    }

    @Test
    void takesTheLatencyItIsGiven() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        try (AwsEndpoint endpoint = StandaloneAwsEndpoint.start(
                Options.parse("--firehose", "logs", "--latency-ms", "20", "--jitter-ms", "5"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), errStream)) {
            assertThat(endpoint.latency()).isEqualTo(Duration.ofMillis(20));
            assertThat(endpoint.jitter()).isEqualTo(Duration.ofMillis(5));
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("latency: every call 20 ms plus up to 5 ms");
    }

    @Test
    void printsWhatItReceivesAndWhatItRefuses() throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        try (AwsEndpoint endpoint = StandaloneAwsEndpoint.start(Options.parse("--firehose", "logs", "--kinesis", "events:2"),
                outStream, errStream);
                FirehoseAsyncClient firehose = SdkClients.firehose(endpoint.endpointUri())) {
            firehose.putRecordBatch(b -> b.deliveryStreamName("logs").records(
                    Record.builder().data(SdkBytes.fromUtf8String("hello\nworld\n")).build())).join();
            firehose.putRecordBatch(b -> b.deliveryStreamName("missing").records(
                    Record.builder().data(SdkBytes.fromUtf8String("x")).build())).exceptionally(e -> null).join();
            assertThat(endpoint.deliveryStream("logs").awaitLines(2, Duration.ofSeconds(10))).isTrue();
            StandaloneAwsEndpoint.printSummary(endpoint, errStream);
        }

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("firehose/logs | hello\nfirehose/logs | world\n");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("firetap AWS endpoint listening on http://127.0.0.1:")
                .contains("Kinesis data stream: events (2 shards)")
                .contains("refused: firehose/missing PutRecordBatch ResourceNotFoundException")
                .contains("firehose/logs: 1 calls, 1 records, 2 lines, 12 payload bytes, 5120 billed bytes");
    }
}
