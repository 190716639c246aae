package io.firetap.aws.internal;

import io.firetap.aws.AwsClientSettings;
import io.firetap.aws.AwsHttpClient;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;

/**
 * The netty HTTP client of {@link AwsHttpClient#NETTY} and the event loop it runs on: one event-loop
 * thread (a Lambda function has one or two vCPUs, and every thread costs memory), a small connection
 * pool, HTTP/1.1 (the put APIs don't need HTTP/2, and local endpoints on {@code http://} only speak
 * 1.1). The only class that names netty, so the default transport never loads it.
 */
final class NettyClient {
    private final SdkAsyncHttpClient http;
    private final EventLoopGroup loop;

    private NettyClient(SdkAsyncHttpClient http, EventLoopGroup loop) {
        this.http = http;
        this.loop = loop;
    }

    /** A client with at most {@code maxConnections} connections. */
    static NettyClient create(int maxConnections) {
        // our own event loop, on a daemon thread, so closing it needs no 2-second quiet period
        EventLoopGroup loop = new NioEventLoopGroup(1, runnable -> {
            Thread t = new Thread(runnable, "firetap-aws-io");
            t.setDaemon(true);
            return t;
        });
        SdkAsyncHttpClient http = NettyNioAsyncHttpClient.builder()
                .protocol(Protocol.HTTP1_1)
                .eventLoopGroup(SdkEventLoopGroup.create(loop, NioSocketChannel::new))
                .maxConcurrency(maxConnections)
                .connectionTimeout(AwsClientSettings.CONNECT_TIMEOUT)
                .connectionAcquisitionTimeout(AwsClientSettings.CONNECT_TIMEOUT)
                .tcpKeepAlive(true)
                .build();
        return new NettyClient(http, loop);
    }

    SdkAsyncHttpClient http() {
        return http;
    }

    /** Closes the client and its event loop without netty's default two-second quiet period. */
    void close() {
        http.close();
        loop.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
}
