package io.firetap.extension;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.pipeline.FlushResult;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.extension.internal.OutputEndMarkers;
import io.firetap.extension.internal.TelemetryListener;
import io.firetap.testkit.sink.InMemorySink;
import io.firetap.extension.internal.OutputEndMarkers.Marker;
import io.firetap.extension.internal.RuntimeOutput;
import io.firetap.extension.internal.SandboxAddress;
import io.firetap.wrapper.internal.WrapperEndpoints;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
    void everyLineTheRuntimeWroteBeforeItsResultIsInTheSinkAfterAFlush() throws Exception {
        InMemorySink sink = new InMemorySink();
        // A long interval: only the explicit flush can have delivered the lines.
        PipelineConfig config = PipelineConfig.defaults().withFlushInterval(Duration.ofMinutes(10));
        OutputEndMarkers boundaries = new OutputEndMarkers();
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (ShippingPipeline pipeline = ShippingPipeline.builder().config(config).sink(sink).build();
                WrapperEndpoints endpoints = WrapperEndpoints.open(dir.resolve("intake"), warnings::add);
                // the runtime's stdout, as the sh wrapper redirects it
                OutputStream runtime = new FileOutputStream(dir.resolve("intake").toFile())) {
            RuntimeOutput output = new RuntimeOutput(endpoints.intake(), boundaries, 1024, pipeline);
            endpoints.intake().start(output);
            List<String> expected = new ArrayList<>();
            for (int invocation = 1; invocation <= 5; invocation++) {
                String id = "req-" + invocation;
                output.invocationStarted(id);
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < 1000; i++) {
                    String line = id + " line " + i + " " + "x".repeat(i % 40);
                    expected.add(line);
                    out.append(line).append('\n');
                }
                // The last line has no newline: the end of the invocation still ends it.
                expected.add(id + " tail");
                out.append(id).append(" tail");
                byte[] data = out.toString().getBytes(StandardCharsets.UTF_8);
                for (int off = 0; off < data.length; off += 7000) {
                    runtime.write(data, off, Math.min(7000, data.length - off));
                }
                // what the proxy does once the runtime's result for id has gone to Lambda
                output.resultSent(id);
                assertThat(boundaries.reached(Marker.OUTPUT_END, id)).isTrue();
                FlushResult flushed = pipeline.flush(Duration.ofSeconds(10));
                assertThat(flushed.complete()).isTrue();
                assertThat(sink.lines()).isEqualTo(expected);
            }
        }
        assertThat(warnings).isEmpty();
    }

    @Test
    void telemetryLinesBeforeRuntimeDoneAreInTheSinkAfterAFlush() throws Exception {
        InMemorySink sink = new InMemorySink();
        PipelineConfig config = PipelineConfig.defaults().withFlushInterval(Duration.ofMinutes(10));
        OutputEndMarkers boundaries = new OutputEndMarkers();
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
