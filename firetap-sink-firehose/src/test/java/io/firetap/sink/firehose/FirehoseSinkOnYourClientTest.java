package io.firetap.sink.firehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firetap.aws.AwsClientSettings;
import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.core.sink.Sink;
import io.firetap.testkit.aws.AwsEndpoint;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;

/**
 * A Firehose sink on the application's own SDK client: it ships through that client, and the
 * pipeline's shutdown leaves the client open for its owner, synchronous or asynchronous. The first
 * test runs the README's example, which must stay word for word what it runs.
 */
class FirehoseSinkOnYourClientTest {
    private static final Path SOURCE = Path.of("src/test/java/io/firetap/sink/firehose/FirehoseSinkOnYourClientTest.java");
    private static final Path README = Path.of("..", "README.md");
    private static final AwsCredentialsProvider KEYS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDYOURS", "your-secret"));

    @Test
    void theReadmesExampleShipsOnASynchronousClientThatShutdownLeavesOpen() {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("orders-logs").verifySignatures("your-secret").start()) {
            AwsCredentialsProvider credentials = KEYS;
            URI endpoint = aws.endpointUri();
            // README begin
            FirehoseClient firehose = FirehoseClient.builder()            // yours: region, credentials, endpoint,
                    .region(Region.EU_WEST_1)                              // retries, HTTP client, metrics...
                    .credentialsProvider(credentials)
                    .endpointOverride(endpoint)
                    .build();
            Sink sink = FirehoseSink.builder("orders-logs")
                    .client(firehose)                                      // or a FirehoseAsyncClient
                    .callTimeout(Duration.ofSeconds(5))                    // bounds each call, its retries included
                    .build();
            // README end
            shipOneLineAndShutDown(sink);
            firehose.putRecordBatch(b -> b.deliveryStreamName("orders-logs")
                    .records(r -> r.data(SdkBytes.fromUtf8String("after shutdown\n"))));
            firehose.close();

            assertThat(aws.deliveryStream("orders-logs").lines()).containsExactly("placed order 17", "after shutdown");
            assertThat(aws.violations()).isEmpty();
        }
    }

    @Test
    void anAsynchronousClientShipsAndStaysOpenToo() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("orders-logs").verifySignatures("your-secret").start()) {
            // the application's own event loop, closed below without netty's two-second quiet period
            EventLoopGroup loop = new NioEventLoopGroup(1);
            SdkAsyncHttpClient http = NettyNioAsyncHttpClient.builder()
                    .eventLoopGroup(SdkEventLoopGroup.create(loop, NioSocketChannel::new)).build();
            FirehoseAsyncClient firehose = FirehoseAsyncClient.builder().region(Region.EU_WEST_1)
                    .credentialsProvider(KEYS).endpointOverride(aws.endpointUri()).httpClient(http).build();
            try {
                Sink sink = FirehoseSink.builder("orders-logs").client(firehose).build();
                assertThat(sink).hasToString("FirehoseSink[orders-logs, the caller's FirehoseAsyncClient, call timeout 30000 ms]");

                shipOneLineAndShutDown(sink);
                firehose.putRecordBatch(b -> b.deliveryStreamName("orders-logs")
                        .records(r -> r.data(SdkBytes.fromUtf8String("after shutdown\n")))).get(10, TimeUnit.SECONDS);

                assertThat(aws.deliveryStream("orders-logs").lines()).containsExactly("placed order 17", "after shutdown");
                assertThat(aws.violations()).isEmpty();
            } finally {
                firehose.close();
                http.close();
                loop.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).syncUninterruptibly();
            }
        }
    }

    @Test
    void theBuilderTakesSettingsOrAClientButNotBoth() {
        AwsClientSettings settings = AwsClientSettings.builder("eu-west-1").build();
        try (FirehoseClient client = FirehoseClient.builder().region(Region.EU_WEST_1).credentialsProvider(KEYS).build()) {
            assertThatThrownBy(() -> FirehoseSink.builder("logs").build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("AwsClientSettings");
            assertThatThrownBy(() -> FirehoseSink.builder("logs").settings(settings).client(client).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("not both");
            assertThatThrownBy(() -> FirehoseSink.builder("logs").settings(settings).callTimeout(Duration.ofSeconds(1)).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("callTimeout");
            assertThatThrownBy(() -> FirehoseSink.builder("logs").client(client).callTimeout(Duration.ofMinutes(16)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("15 minutes");
        }
    }

    @Test
    void theReadmeShowsExactlyTheExampleThatRunsHere() throws IOException {
        String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
        String example = source.substring(source.indexOf("// README begin\n") + "// README begin\n".length(),
                source.indexOf("            // README end"));
        String unindented = example.lines().map(l -> l.substring(12)).collect(Collectors.joining("\n", "", "\n"));

        assertThat(Files.readString(README, StandardCharsets.UTF_8)).contains("```java\n" + unindented);
    }

    private static void shipOneLineAndShutDown(Sink sink) {
        ShippingPipeline pipeline = ShippingPipeline.builder().sink(sink).build();
        pipeline.offer(LogLine.ofUtf8("placed order 17", Source.SOCKET));
        assertThat(pipeline.flush(Duration.ofSeconds(10)).complete()).isTrue();
        assertThat(pipeline.shutdown(Duration.ofSeconds(2)).complete()).isTrue();
    }
}
