package io.firetap.testkit.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoopbackServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void refusesConnectionsThenListensAgainOnTheSamePort() throws Exception {
        try (LoopbackServer server = new LoopbackServer(InetAddress.getLoopbackAddress(), 0, exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        }, "test-server")) {
            server.start();
            int port = server.port();
            assertThat(connects(port)).isTrue();

            server.refuseFor(Duration.ofHours(1));
            assertThat(server.listening()).isFalse();
            assertThat(catchThrowable(() -> connect(port))).isInstanceOf(ConnectException.class);

            server.reopen();
            assertThat(server.awaitListening(WAIT)).isTrue();
            assertThat(server.port()).isEqualTo(port);
            assertThat(connects(port)).isTrue();

            server.refuseFor(Duration.ofMillis(20));
            assertThat(server.awaitListening(WAIT)).isTrue();
            assertThat(connects(port)).isTrue();
        }
    }

    @Test
    void closeIsIdempotentAndStopsListening() throws Exception {
        LoopbackServer server = new LoopbackServer(InetAddress.getLoopbackAddress(), 0, exchange -> exchange.close(), "test-server");
        server.start();
        int port = server.port();
        server.close();
        server.close();
        assertThat(server.listening()).isFalse();
        assertThat(server.awaitListening(Duration.ofMillis(1))).isFalse();
        assertThat(catchThrowable(() -> connect(port))).isInstanceOf(ConnectException.class);
    }

    private static boolean connects(int port) throws IOException {
        connect(port);
        return true;
    }

    private static void connect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        }
    }
}
