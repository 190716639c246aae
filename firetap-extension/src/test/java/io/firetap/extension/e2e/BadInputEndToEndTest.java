package io.firetap.extension.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.testkit.aws.AcceptedStream;
import io.firetap.testkit.aws.AwsEndpoint;
import io.firetap.testkit.lambda.LambdaEmulator;
import io.firetap.testkit.lambda.ShutdownReport;
import io.firetap.wrapper.internal.HttpMessage;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input from plain socket clients and the Telemetry API against the real extension process:
 * each gets its clear handling and nothing else is lost.
 */
class BadInputEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void badInputIsHandledAndNothingElseIsLost() throws Exception {
        Environment.write(dir);
        int telemetryPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            telemetryPort = probe.getLocalPort();
        }
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start()) {
            AcceptedStream logs = aws.deliveryStream("logs");
            ShutdownReport end;
            try (LambdaEmulator lambda = Environment.withWrapper(dir, aws)
                    .env("FIRETAP_TELEMETRY_PORT", Integer.toString(telemetryPort))
                    .build().start()) {
                Path socket = dir.resolve("firetap.sock");
                byte[] huge = new byte[3 * 1024 * 1024];
                Arrays.fill(huge, (byte) 'h');
                send(socket, new byte[] {'b', 'a', 'd', ' ', (byte) 0xc3, (byte) 0x28, '\n'},
                        new byte[] {'n', 'u', 'l', 0, '\n'}, huge, "\n".getBytes(StandardCharsets.US_ASCII),
                        "unfinished line, then the client goes".getBytes(StandardCharsets.US_ASCII));
                StringBuilder flood = new StringBuilder();
                for (int i = 0; i < 20_000; i++) {
                    flood.append('t').append(i).append('\n');
                }
                send(socket, flood.toString().getBytes(StandardCharsets.US_ASCII));
                int malformed = post(telemetryPort, "[{\"time\":\"2026-01-01T00:00:00Z\",\"type\":\"function\",\"record\":");

                lambda.invoke("{\"lines\":10}");
                end = lambda.shutdown();

                assertThat(malformed).as("malformed telemetry JSON is refused").isEqualTo(400);
                assertThat(lambda.output("firetap")).anyMatch(l -> l.contains("was refused (400)"));
            }
            List<String> lines = logs.lines();
            long tiny = lines.stream().filter(l -> l.matches("t\\d+")).count();
            List<byte[]> raw = logs.lineBytes();

            assertThat(tiny).as("the flood of tiny lines").isEqualTo(20_000);
            assertThat(raw).anySatisfy(l -> assertThat(l).isEqualTo(new byte[] {'b', 'a', 'd', ' ', (byte) 0xc3, (byte) 0x28}));
            assertThat(raw).anySatisfy(l -> assertThat(l).isEqualTo(new byte[] {'n', 'u', 'l', 0}));
            assertThat(lines.stream().filter(l -> !l.isEmpty() && l.chars().allMatch(c -> c == 'h')).mapToInt(String::length).sum())
                    .as("the 3 MiB line, in pieces").isEqualTo(3 * 1024 * 1024);
            assertThat(lines).contains("unfinished line, then the client goes");
            assertThat(lines.stream().filter(l -> l.contains("(invocation 1 line")).count()).isEqualTo(10);
            assertThat(end.process("firetap").exitCode()).isZero();
            assertThat(end.process("firetap").killed()).isFalse();
        }
    }

    private static void send(Path socket, byte[]... parts) throws Exception {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            for (byte[] part : parts) {
                ByteBuffer buffer = ByteBuffer.wrap(part);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        }
    }

    /**
     * Posts on a connection of its own: {@code HttpURLConnection} would reuse any kept-alive connection
     * this JVM still has to the same port — one another test's server, since stopped, may still answer.
     */
    private static int post(int port, String body) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(HttpMessage.request("POST", "/", "127.0.0.1:" + port,
                    new String[] {"Content-Type", "application/json", "Connection", "close"},
                    body.getBytes(StandardCharsets.UTF_8)));
            out.flush();
            return HttpMessage.readResponse(new HttpMessage.Input(socket.getInputStream(), 4096), "POST").status();
        }
    }
}
