package io.firetap.sink.kinesis;

import io.firetap.core.config.Settings;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.sink.Sink;
import io.firetap.testkit.aws.AwsEndpoint;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The same kit on a {@code KinesisAsyncClient} the test builds as an application would, one per
 * destination: its own endpoint, credentials, netty client and event loop, and no SDK retries (the
 * pipeline retries). The client speaks HTTP/1.1, as it must to reach a local endpoint on
 * {@code http://} (Kinesis clients default to HTTP/2), and its event loop closes without netty's
 * two-second quiet period.
 */
class KinesisSinkCallerClientCompatibilityTest extends KinesisSinkCompatibilityTest {
    /** The default call timeout: the kit's own sinks get {@code FIRETAP_SEND_TIMEOUT}'s. */
    @Override
    String transport() {
        return "the caller's KinesisAsyncClient, call timeout 30000 ms";
    }

    @Override
    Sinks sinks(AwsEndpoint aws) {
        EventLoopGroup loop = new NioEventLoopGroup(1);
        SdkAsyncHttpClient http = NettyNioAsyncHttpClient.builder()
                .protocol(Protocol.HTTP1_1)
                .eventLoopGroup(SdkEventLoopGroup.create(loop, NioSocketChannel::new))
                .build();
        KinesisAsyncClient client = KinesisAsyncClient.builder()
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "not-a-secret")))
                .endpointOverride(aws.endpointUri())
                .httpClient(http)
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                .build();
        return new Sinks() {
            @Override
            public Sink newSink(Settings settings) {
                return KinesisSink.builder("events").client(client)
                        .callTimeout(PipelineConfig.from(settings).sendTimeout())
                        .build();
            }

            @Override
            public void close() {
                client.close();
                http.close();
                loop.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).syncUninterruptibly();
            }
        };
    }
}
