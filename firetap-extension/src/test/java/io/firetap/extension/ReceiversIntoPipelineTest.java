package io.firetap.extension;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.pipeline.FlushResult;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.core.sink.InMemorySink;
import io.firetap.extension.InvocationBoundaries.Marker;
import io.firetap.extension.internal.SandboxAddress;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.StandardProtocolFamily;
import java.net.URL;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receivers in front of the core's real pipeline: what a barrier does on each invocation (wait
 * for the end marker, then flush) delivers every line of that invocation to the sink.
 */
class ReceiversIntoPipelineTest {
    @TempDir
    Path dir;

    @Test
    void everyLineBeforeTheEndMarkerIsInTheSinkAfterAFlush() throws Exception {
        InMemorySink sink = new InMemorySink();
        // A long interval: only the explicit flush can have delivered the lines.
        PipelineConfig config = PipelineConfig.defaults().withFlushInterval(Duration.ofMinutes(10));
        InvocationBoundaries boundaries = new InvocationBoundaries();
        try (ShippingPipeline pipeline = ShippingPipeline.builder().config(config).sink(sink).build();
                SocketReceiver receiver = SocketReceiver.start(dir.resolve("s.sock"), 1024, 8, pipeline, boundaries);
                SocketChannel wrapper = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            wrapper.connect(UnixDomainSocketAddress.of(receiver.path()));
            wrapper.write(ByteBuffer.wrap(Frames.PREFACE));
            assertThat(boundaries.awaitWrapper(System.nanoTime() + TimeUnit.SECONDS.toNanos(10))).isTrue();
            List<String> expected = new ArrayList<>();
            for (int invocation = 1; invocation <= 5; invocation++) {
                String id = "req-" + invocation;
                Frames frames = new Frames();
                frames.start(id);
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < 1000; i++) {
                    String line = id + " line " + i + " " + "x".repeat(i % 40);
                    expected.add(line);
                    out.append(line).append('\n');
                }
                // The last line has no newline: END still ends it.
                expected.add(id + " tail");
                out.append(id).append(" tail");
                byte[] data = out.toString().getBytes(StandardCharsets.UTF_8);
                for (int off = 0; off < data.length; off += 7000) {
                    frames.data(java.util.Arrays.copyOfRange(data, off, Math.min(data.length, off + 7000)));
                }
                frames.end(id);
                ByteBuffer b = ByteBuffer.wrap(frames.bytes());
                while (b.hasRemaining()) {
                    wrapper.write(b);
                }
                assertThat(boundaries.await(id, EnumSet.of(Marker.OUTPUT_END), 10, TimeUnit.SECONDS).complete()).isTrue();
                FlushResult flushed = pipeline.flush(Duration.ofSeconds(10));
                assertThat(flushed.complete()).isTrue();
                assertThat(sink.lines()).isEqualTo(expected);
            }
        }
    }

    @Test
    void telemetryLinesBeforeRuntimeDoneAreInTheSinkAfterAFlush() throws Exception {
        InMemorySink sink = new InMemorySink();
        PipelineConfig config = PipelineConfig.defaults().withFlushInterval(Duration.ofMinutes(10));
        InvocationBoundaries boundaries = new InvocationBoundaries();
        try (ShippingPipeline pipeline = ShippingPipeline.builder().config(config).sink(sink).build();
                TelemetryListener listener = TelemetryListener.start(EnumSet.of(TelemetryType.FUNCTION),
                        new SandboxAddress(InetAddress.getLoopbackAddress(), "127.0.0.1"), 0, pipeline, boundaries)) {
            StringBuilder batch = new StringBuilder("[");
            for (int i = 0; i < 300; i++) {
                batch.append("{\"time\":\"2024-05-01T12:00:00.000Z\",\"type\":\"function\",\"record\":\"t ").append(i)
                        .append("\\n\"},");
            }
            batch.append("{\"time\":\"2024-05-01T12:00:01.000Z\",\"type\":\"platform.runtimeDone\",\"record\":"
                    + "{\"requestId\":\"t1\",\"status\":\"success\"}}]");
            HttpURLConnection c = (HttpURLConnection) new URL(listener.destination().toString())
                    .openConnection(Proxy.NO_PROXY);
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            try (OutputStream out = c.getOutputStream()) {
                out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
            }
            assertThat(c.getResponseCode()).isEqualTo(200);
            assertThat(boundaries.await("t1", EnumSet.of(Marker.RUNTIME_DONE), 10, TimeUnit.SECONDS).complete()).isTrue();
            assertThat(pipeline.flush(Duration.ofSeconds(10)).complete()).isTrue();
            List<String> lines = sink.lines();
            assertThat(lines).hasSize(300);
            assertThat(lines.get(0)).isEqualTo("t 0");
            assertThat(lines.get(299)).isEqualTo("t 299");
        }
    }
}
