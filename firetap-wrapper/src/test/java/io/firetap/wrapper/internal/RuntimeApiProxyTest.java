package io.firetap.wrapper.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Runtime API proxy between a client speaking raw HTTP/1.1 (as a runtime would) and a scripted
 * upstream standing in for Lambda's Runtime API: what each side sees on the wire.
 */
class RuntimeApiProxyTest {
    private static final String RESULT = "/2018-06-01/runtime/invocation/r1/response";

    private ServerSocket upstream;
    private RuntimeApiProxy proxy;
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final List<String> marks = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        upstream = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        proxy = RuntimeApiProxy.bind();
        proxy.start("127.0.0.1:" + upstream.getLocalPort(), new RuntimeApiProxy.Hooks() {
            @Override
            public void nextRequested() {
                marks.add("next");
            }

            @Override
            public void invocationStarted(String requestId) {
                marks.add("start " + requestId);
            }

            @Override
            public void resultSent(String requestId) {
                marks.add("sent " + requestId);
            }

            @Override
            public void beforeInitError() {
                marks.add("init error");
            }
        }, warnings::add);
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        upstream.close();
    }

    @Test
    void aChunkedResponseGoesOnChunkByChunkAsItIsWrittenWithItsTrailers() throws Exception {
        CountDownLatch firstChunkUpstream = new CountDownLatch(1);
        StringBuilder seen = new StringBuilder();
        Thread lambda = serveOnce(in -> {
            String head = readHead(in);
            seen.append(head);
            String first = readChunk(in);
            seen.append("[").append(first).append("]");
            firstChunkUpstream.countDown();
            String second = readChunk(in);
            seen.append("[").append(second).append("]");
            assertThat(readChunk(in)).isEmpty();
            seen.append(readHead(in));
            return "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"status\":\"OK\"}\n";
        });
        try (Socket runtime = connect()) {
            OutputStream out = runtime.getOutputStream();
            out.write(("POST " + RESULT + " HTTP/1.1\r\nHost: lambda\r\n"
                    + "Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n"
                    + "Trailer: Lambda-Runtime-Function-Error-Type\r\n\r\n5\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // the rest of the body is written only once Lambda has the first chunk: no buffering to the end
            assertThat(firstChunkUpstream.await(30, TimeUnit.SECONDS)).as("the first chunk reached Lambda").isTrue();
            out.write("6\r\n world\r\n0\r\nLambda-Runtime-Function-Error-Type: Runtime.Streamed\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();

            String answer = readHead(runtime.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 202 Accepted\r\n").contains("Content-Type: application/json\r\n");
        }
        lambda.join(30_000);
        assertThat(seen.toString())
                .startsWith("POST " + RESULT + " HTTP/1.1\r\n")
                .contains("Lambda-Runtime-Function-Response-Mode: streaming\r\n", "Transfer-Encoding: chunked\r\n",
                        "Trailer: Lambda-Runtime-Function-Error-Type\r\n")
                .contains("[hello][ world]")
                .endsWith("Lambda-Runtime-Function-Error-Type: Runtime.Streamed\r\n\r\n");
        assertThat(marks).containsExactly("sent r1");
    }

    @Test
    void expectContinueIsAnsweredByTheProxySoTheBodyGoesAtOnceAndLambdaGetsNoExpectation() throws Exception {
        StringBuilder seen = new StringBuilder();
        Thread lambda = serveOnce(in -> {
            seen.append(readHead(in));
            seen.append(new String(in.readNBytes(5), StandardCharsets.US_ASCII));
            return "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok";
        });
        try (Socket runtime = connect()) {
            OutputStream out = runtime.getOutputStream();
            out.write(("POST " + RESULT + " HTTP/1.1\r\nHost: lambda\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = runtime.getInputStream();
            assertThat(readHead(in)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readHead(in)).startsWith("HTTP/1.1 202 Accepted\r\n");
            assertThat(new String(in.readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("ok");
        }
        lambda.join(30_000);
        assertThat(seen.toString()).doesNotContainIgnoringCase("expect").contains("Content-Length: 5\r\n").endsWith("\r\n\r\nhello");
    }

    @Test
    void aLargeEventReachesTheRuntimeWholeWithTheRequestIdSeen() throws Exception {
        byte[] event = new byte[3 * HttpMessage.BUFFER_LIMIT + 17];
        for (int i = 0; i < event.length; i++) {
            event[i] = (byte) ('a' + i % 26);
        }
        Thread lambda = serveOnce(in -> {
            readHead(in);
            return null;
        }, event);
        try (Socket runtime = connect()) {
            runtime.getOutputStream().write("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: lambda\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = runtime.getInputStream();
            String head = readHead(in);
            assertThat(head).contains("Lambda-Runtime-Aws-Request-Id: r1\r\n", "Content-Length: " + event.length + "\r\n");
            assertThat(in.readNBytes(event.length)).isEqualTo(event);
        }
        lambda.join(30_000);
        assertThat(marks).as("the runtime's wait is seen before Lambda answers it").containsExactly("next", "start r1");
    }

    @Test
    void everyConnectionARuntimeHoldsOpenAtOnceIsServedAtOnce() throws Exception {
        // more connections than the proxy keeps threads waiting for: Lambda answers none of them until
        // it holds all their requests, so each must be served while the others wait
        int connections = 4;
        CountDownLatch allAsked = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            serveOnce(in -> {
                String path = readHead(in).split(" ")[1];
                allAsked.countDown();
                if (!allAsked.await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("not every request reached Lambda");
                }
                return "HTTP/1.1 200 OK\r\nContent-Length: " + path.length() + "\r\n\r\n" + path;
            });
        }
        List<Socket> runtimes = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                Socket runtime = connect();
                runtimes.add(runtime);
                runtime.getOutputStream().write(("GET /2018-06-01/runtime/probe/" + i + " HTTP/1.1\r\nHost: lambda\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
            for (int i = 0; i < connections; i++) {
                InputStream in = runtimes.get(i).getInputStream();
                assertThat(readHead(in)).startsWith("HTTP/1.1 200 OK");
                String path = "/2018-06-01/runtime/probe/" + i;
                assertThat(new String(in.readNBytes(path.length()), StandardCharsets.US_ASCII)).isEqualTo(path);
            }
        } finally {
            for (Socket runtime : runtimes) {
                runtime.close();
            }
        }
        assertThat(warnings).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    private interface Script {
        /** Reads the request from {@code in}; returns the raw answer, or {@code null} for the event answer. */
        String answer(InputStream in) throws Exception;
    }

    private Thread serveOnce(Script script) {
        return serveOnce(script, null);
    }

    /** Accepts one upstream connection and answers one request per the script (with {@code event} as a /next answer). */
    private Thread serveOnce(Script script, byte[] event) {
        Thread t = new Thread(() -> {
            try (Socket s = upstream.accept()) {
                InputStream in = s.getInputStream();
                String answer = script.answer(in);
                OutputStream out = s.getOutputStream();
                if (answer != null) {
                    out.write(answer.getBytes(StandardCharsets.US_ASCII));
                } else {
                    out.write(("HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r1\r\nContent-Length: " + event.length
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(event);
                }
                out.flush();
                // keep the connection until the proxy is done with it
                in.read();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, "scripted-lambda");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private Socket connect() throws IOException {
        String[] address = proxy.address().split(":");
        Socket s = new Socket(address[0], Integer.parseInt(address[1]));
        s.setSoTimeout(30_000);
        return s;
    }

    /** Reads up to and including the blank line that ends a head (or a trailer section). */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 2 && h[n - 1] == '\n' && h[n - 2] == '\r' && (n == 2 || n >= 4 && h[n - 3] == '\n' && h[n - 4] == '\r')) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads one chunk of a chunked body; the empty string for the last (zero-size) chunk. */
    private static String readChunk(InputStream in) throws IOException {
        StringBuilder size = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("closed inside a chunk size");
            }
            if (b != '\r') {
                size.append((char) b);
            }
        }
        int n = Integer.parseInt(size.toString().trim(), 16);
        if (n == 0) {
            return "";
        }
        String data = new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
        in.readNBytes(2);
        return data;
    }
}
