package io.firetap.extension.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.extension.ExtensionsApiClient;
import io.firetap.extension.FakeExtensionsApi;
import io.firetap.extension.TelemetryType;
import io.firetap.extension.internal.OutputEndMarkers.Marker;
import io.firetap.wrapper.internal.HttpMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TelemetryListenerTest {
    private static final SandboxAddress LOOPBACK = new SandboxAddress(InetAddress.getLoopbackAddress(), "127.0.0.1");

    private final CollectingIntake intake = new CollectingIntake();
    private final OutputEndMarkers boundaries = new OutputEndMarkers();
    private TelemetryListener listener;

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
    }

    private TelemetryListener start(Set<TelemetryType> types) throws IOException {
        listener = TelemetryListener.start(types, LOOPBACK, 0, intake, boundaries);
        return listener;
    }

    private int post(String body) throws IOException {
        return post(body.getBytes(StandardCharsets.UTF_8));
    }

    private int post(byte[] body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(listener.destination().toString()).openConnection(Proxy.NO_PROXY);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setConnectTimeout(5000);
        c.setReadTimeout(5000);
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        int status = c.getResponseCode();
        c.disconnect();
        return status;
    }

    private static String fn(String time, String recordJson) {
        return "{\"time\":\"" + time + "\",\"type\":\"function\",\"record\":" + recordJson + "}";
    }

    private static String runtimeDone(String requestId) {
        return "{\"time\":\"2024-05-01T12:00:01.000Z\",\"type\":\"platform.runtimeDone\",\"record\":{\"requestId\":\""
                + requestId + "\",\"status\":\"success\"}}";
    }

    private static String start(String requestId) {
        return "{\"time\":\"2024-05-01T12:00:00.000Z\",\"type\":\"platform.start\",\"record\":{\"requestId\":\""
                + requestId + "\",\"version\":\"$LATEST\"}}";
    }

    @Test
    void destinationIsTheAdvertisedHostAndTheBoundPort() throws Exception {
        start(EnumSet.of(TelemetryType.FUNCTION));
        assertThat(listener.destination().getHost()).isEqualTo("127.0.0.1");
        assertThat(listener.destination().getPort()).isPositive();
        assertThat(listener.subscriptionTypes()).containsExactly(TelemetryType.FUNCTION, TelemetryType.PLATFORM);
    }

    @Test
    void functionRecordsAsTextAndJsonThenRuntimeDoneMarksTheEnd() throws Exception {
        start(EnumSet.of(TelemetryType.FUNCTION));
        String batch = "[" + start("r1") + ","
                + fn("2024-05-01T12:00:00.500Z", "\"plain text line\\n\"") + ","
                + fn("2024-05-01T12:00:00.600Z", "{\"level\":\"INFO\",\"message\":\"json \\\"log\\\"\",\"requestId\":\"r1\"}") + ","
                + runtimeDone("r1") + "]";
        assertThat(post(batch)).isEqualTo(200);
        var outcome = boundaries.await("r1", EnumSet.of(Marker.RUNTIME_DONE), 10, TimeUnit.SECONDS);
        assertThat(outcome.complete()).isTrue();
        // RUNTIME_DONE is marked only after the lines before it are in the intake.
        List<LogLine> records = intake.records();
        assertThat(records).extracting(LogLine::toUtf8String)
                .containsExactly("plain text line", "{\"level\":\"INFO\",\"message\":\"json \\\"log\\\"\",\"requestId\":\"r1\"}");
        assertThat(records).allSatisfy(r -> {
            assertThat(r.source()).isEqualTo(Source.TELEMETRY_FUNCTION);
            assertThat(r.requestId()).isEqualTo("r1");
        });
        assertThat(records.get(0).timestampMillis()).isEqualTo(java.time.Instant.parse("2024-05-01T12:00:00.500Z").toEpochMilli());
    }

    @Test
    void platformEventsAreShippedAsJsonLinesOnlyWhenAskedFor() throws Exception {
        start(EnumSet.of(TelemetryType.FUNCTION, TelemetryType.PLATFORM));
        assertThat(post("[" + start("r2") + "," + runtimeDone("r2") + "]")).isEqualTo(200);
        assertThat(boundaries.await("r2", EnumSet.of(Marker.RUNTIME_DONE), 10, TimeUnit.SECONDS).complete()).isTrue();
        assertThat(intake.records()).extracting(LogLine::source)
                .containsExactly(Source.TELEMETRY_PLATFORM, Source.TELEMETRY_PLATFORM);
        assertThat(intake.texts().get(1)).startsWith("{\"time\":").contains("\"type\":\"platform.runtimeDone\"");
    }

    @Test
    void functionRecordsAreShippedUntilTheRuntimeIsWrappedThenIgnored() throws Exception {
        start(EnumSet.of(TelemetryType.FUNCTION));
        assertThat(post("[" + fn("2024-05-01T12:00:00.000Z", "\"shipped\"") + "," + runtimeDone("r4") + "]"))
                .isEqualTo(200);
        assertThat(boundaries.await("r4", EnumSet.of(Marker.RUNTIME_DONE), 10, TimeUnit.SECONDS).complete()).isTrue();
        assertThat(intake.texts()).containsExactly("shipped");

        boundaries.runtimeAttached();
        assertThat(post("[" + fn("2024-05-01T12:00:00.000Z", "\"doubled\"") + "," + runtimeDone("r3") + "]"))
                .isEqualTo(200);
        assertThat(boundaries.await("r3", EnumSet.of(Marker.RUNTIME_DONE), 10, TimeUnit.SECONDS).complete()).isTrue();
        assertThat(intake.texts()).as("the wrapped runtime's stdout comes through the intake").containsExactly("shipped");
        assertThat(listener.stats().ignored()).isEqualTo(1);
    }

    @Test
    void ownDiagnosticsComingBackAsExtensionRecordsAreNotShipped() throws Exception {
        start(EnumSet.of(TelemetryType.EXTENSION));
        String own = "{\\\"time\\\":\\\"2024-05-01T12:00:00.000Z\\\",\\\"level\\\":\\\"WARN\\\",\\\"logger\\\":\\\"x\\\","
                + "\\\"message\\\":\\\"m\\\"}";
        assertThat(post("[{\"time\":\"2024-05-01T12:00:00.000Z\",\"type\":\"extension\",\"record\":\"" + own + "\"},"
                + "{\"time\":\"2024-05-01T12:00:00.000Z\",\"type\":\"extension\",\"record\":\"other extension\"}]"))
                .isEqualTo(200);
        assertThat(intake.awaitCount(1, 10)).isTrue();
        // The batch is delivered in one hand-over, so nothing more can arrive after this.
        assertThat(intake.calls()).isEqualTo(1);
        assertThat(intake.texts()).containsExactly("other extension");
        assertThat(intake.records().get(0).source()).isEqualTo(Source.TELEMETRY_EXTENSION);
    }

    @Test
    void malformedJsonIsRefusedWith400AndNothingElseIsLost() throws Exception {
        start(EnumSet.of(TelemetryType.FUNCTION));
        assertThat(post("[" + fn("2024-05-01T12:00:00.000Z", "\"before\"") + "," + runtimeDone("a") + "]")).isEqualTo(200);
        assertThat(post("[{\"time\":\"x\",\"type\":\"function\",\"record\":\"unterminated")).isEqualTo(400);
        assertThat(post("{\"not\":\"an array\"}")).isEqualTo(400);
        assertThat(post("[1] trailing")).isEqualTo(400);
        assertThat(post(new byte[] {'[', (byte) 0xFF, 0, ']'})).isEqualTo(400);
        assertThat(post("[" + fn("2024-05-01T12:00:00.000Z", "\"after\"") + ",42,{\"no\":\"type\"}," + runtimeDone("b") + "]"))
                .isEqualTo(200);
        assertThat(boundaries.await("b", EnumSet.of(Marker.RUNTIME_DONE), 10, TimeUnit.SECONDS).complete()).isTrue();
        assertThat(intake.texts()).containsExactly("before", "after");
        assertThat(listener.stats().malformed()).isEqualTo(4);
        assertThat(listener.stats().skipped()).isEqualTo(2);
    }

    @Test
    void otherMethodsAreRefused() throws Exception {
        start(EnumSet.of(TelemetryType.FUNCTION));
        HttpURLConnection c = (HttpURLConnection) new URL(listener.destination().toString()).openConnection(Proxy.NO_PROXY);
        c.setRequestMethod("GET");
        assertThat(c.getResponseCode()).isEqualTo(405);
    }

    @Test
    void aFailedSubscriptionIsReportedAndDoesNotThrow() throws Exception {
        start(EnumSet.of(TelemetryType.FUNCTION));
        try (FakeExtensionsApi api = new FakeExtensionsApi()) {
            ExtensionsApiClient client = ExtensionsApiClient.create(api.hostPort(), Duration.ofSeconds(5));
            client.register("firetap");
            api.telemetryStatus = 403;
            api.telemetryErrorBody = "{\"errorType\":\"Telemetry.ConflictingSubscription\"}";
            assertThat(listener.subscribe(client)).isFalse();
            api.telemetryStatus = 200;
            assertThat(listener.subscribe(client)).isTrue();
            assertThat(api.last("/telemetry").body()).contains("\"types\":[\"function\",\"platform\"]")
                    .contains(listener.destination().toString());
        }
    }

    @Test
    void manyRecordsInOneBatchArriveInOrder() throws Exception {
        start(EnumSet.of(TelemetryType.FUNCTION));
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 1000; i++) {
            batch.append(fn("2024-05-01T12:00:00.000Z", "\"line " + i + "\"")).append(',');
        }
        batch.append(runtimeDone("big")).append(']');
        assertThat(post(batch.toString())).isEqualTo(200);
        assertThat(boundaries.await("big", EnumSet.of(Marker.RUNTIME_DONE), 10, TimeUnit.SECONDS).complete()).isTrue();
        List<String> texts = intake.texts();
        assertThat(texts).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(texts.get(i)).isEqualTo("line " + i);
        }
    }

    /** A raw connection to the listener, to see what goes over the wire. */
    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.destination().getPort());
        s.setSoTimeout(5000);
        return s;
    }

    private static String postRequest(String body) {
        return "POST / HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static void send(Socket s, String request) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpMessage response(HttpMessage.Input in) throws IOException {
        HttpMessage r = HttpMessage.readResponse(in, "POST");
        r.readBody(in, 1024);
        return r;
    }

    @Test
    void batchesOnOneKeptConnectionAreEachAnsweredWithoutADateHeader() throws Exception {
        start(EnumSet.of(TelemetryType.FUNCTION));
        try (Socket s = connect()) {
            HttpMessage.Input in = new HttpMessage.Input(s.getInputStream(), 1024);
            for (int i = 0; i < 3; i++) {
                send(s, postRequest("[" + fn("2024-05-01T12:00:00.000Z", "\"kept " + i + "\"") + "]"));
                HttpMessage r = response(in);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("Date")).isNull();
                assertThat(r.header("Content-Length")).isEqualTo("0");
                assertThat(r.keepAlive()).isTrue();
            }
            send(s, postRequest("[" + runtimeDone("kept") + "]"));
            assertThat(response(in).status()).isEqualTo(200);
        }
        assertThat(boundaries.await("kept", EnumSet.of(Marker.RUNTIME_DONE), 10, TimeUnit.SECONDS).complete()).isTrue();
        assertThat(intake.texts()).containsExactly("kept 0", "kept 1", "kept 2");
        assertThat(listener.stats().batches()).isEqualTo(4);
    }

    @Test
    void aChunkedBatchIsReadWhole() throws Exception {
        start(EnumSet.of(TelemetryType.FUNCTION));
        String body = "[" + fn("2024-05-01T12:00:00.000Z", "\"chunked\"") + "," + runtimeDone("ch") + "]";
        int half = body.length() / 2;
        String chunked = Integer.toHexString(half) + "\r\n" + body.substring(0, half) + "\r\n"
                + Integer.toHexString(body.length() - half) + ";ext=1\r\n" + body.substring(half) + "\r\n0\r\n\r\n";
        try (Socket s = connect()) {
            send(s, "POST / HTTP/1.1\r\nHost: sandbox\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked);
            assertThat(response(new HttpMessage.Input(s.getInputStream(), 1024)).status()).isEqualTo(200);
        }
        assertThat(boundaries.await("ch", EnumSet.of(Marker.RUNTIME_DONE), 10, TimeUnit.SECONDS).complete()).isTrue();
        assertThat(intake.texts()).containsExactly("chunked");
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413BeforeItIsRead() throws Exception {
        start(EnumSet.of(TelemetryType.FUNCTION));
        try (Socket s = connect()) {
            send(s, "POST / HTTP/1.1\r\nHost: sandbox\r\nContent-Length: " + (TelemetryListener.MAX_BODY_BYTES + 1)
                    + "\r\n\r\n[");
            HttpMessage.Input in = new HttpMessage.Input(s.getInputStream(), 1024);
            HttpMessage r = response(in);
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.keepAlive()).isFalse();
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(listener.stats().malformed()).isEqualTo(1);
        // the listener serves the next connection as before
        assertThat(post("[" + fn("2024-05-01T12:00:00.000Z", "\"after\"") + "]")).isEqualTo(200);
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWith413() throws Exception {
        start(EnumSet.of(TelemetryType.FUNCTION));
        try (Socket s = connect()) {
            send(s, "POST / HTTP/1.1\r\nHost: sandbox\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(TelemetryListener.MAX_BODY_BYTES + 1) + "\r\n[");
            assertThat(response(new HttpMessage.Input(s.getInputStream(), 1024)).status()).isEqualTo(413);
        }
        assertThat(listener.stats().malformed()).isEqualTo(1);
        assertThat(intake.texts()).isEmpty();
    }

    @Test
    void aRequestThatIsNotHttpIsRefusedWith400AndItsConnectionClosed() throws Exception {
        start(EnumSet.of(TelemetryType.FUNCTION));
        try (Socket s = connect()) {
            send(s, "POST / HTTP/1.1\r\nno colon here\r\n\r\n");
            HttpMessage.Input in = new HttpMessage.Input(s.getInputStream(), 1024);
            assertThat(response(in).status()).isEqualTo(400);
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(post("[" + fn("2024-05-01T12:00:00.000Z", "\"fine\"") + "]")).isEqualTo(200);
    }

    @Test
    void expectContinueIsAnsweredBeforeTheBodyIsSent() throws Exception {
        start(EnumSet.of(TelemetryType.FUNCTION));
        String body = "[" + fn("2024-05-01T12:00:00.000Z", "\"continued\"") + "," + runtimeDone("cont") + "]";
        try (Socket s = connect()) {
            send(s, "POST / HTTP/1.1\r\nHost: sandbox\r\nExpect: 100-continue\r\nContent-Length: " + body.length()
                    + "\r\n\r\n");
            HttpMessage.Input in = new HttpMessage.Input(s.getInputStream(), 1024);
            assertThat(in.readLine(false)).isEqualTo("HTTP/1.1 100 Continue");
            assertThat(in.readLine(false)).isEmpty();
            send(s, body);
            assertThat(response(in).status()).isEqualTo(200);
        }
        assertThat(boundaries.await("cont", EnumSet.of(Marker.RUNTIME_DONE), 10, TimeUnit.SECONDS).complete()).isTrue();
        assertThat(intake.texts()).containsExactly("continued");
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        start(EnumSet.of(TelemetryType.FUNCTION));
        try (Socket s = connect()) {
            String body = "[" + fn("2024-05-01T12:00:00.000Z", "\"last\"") + "]";
            send(s, "POST / HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body);
            HttpMessage.Input in = new HttpMessage.Input(s.getInputStream(), 1024);
            HttpMessage r = response(in);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.keepAlive()).isFalse();
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void closeEndsKeptConnections() throws Exception {
        start(EnumSet.of(TelemetryType.FUNCTION));
        try (Socket s = connect()) {
            send(s, postRequest("[" + fn("2024-05-01T12:00:00.000Z", "\"before close\"") + "]"));
            HttpMessage.Input in = new HttpMessage.Input(s.getInputStream(), 1024);
            assertThat(response(in).status()).isEqualTo(200);
            listener.close();
            assertThat(in.read()).isEqualTo(-1);
        }
        // idempotent
        listener.close();
        assertThat(listener.stats().batches()).isEqualTo(1);
    }
}
