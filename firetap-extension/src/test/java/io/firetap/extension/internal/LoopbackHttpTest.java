package io.firetap.extension.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Extensions API client's HTTP/1.1 framing against a raw socket server that answers as scripted. */
class LoopbackHttpTest {
    /** What the server does with one request: the raw bytes to answer, and whether to close afterwards. */
    private record Answer(String raw, boolean closeAfter) {
    }

    private final ServerSocket server;
    private final LinkedBlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final CountDownLatch hold = new CountDownLatch(1);
    private final Thread acceptor;

    LoopbackHttpTest() throws IOException {
        server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "scripted-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws IOException {
        hold.countDown();
        server.close();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "scripted-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            while (true) {
                String request = readRequest(in);
                if (request == null) {
                    return;
                }
                requests.add(request);
                Answer a = answers.take();
                if (a.raw() == null) {
                    hold.await();
                    return;
                }
                out.write(a.raw().getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (a.closeAfter()) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the test is over
        }
    }

    /** The request's head and body as text, or null at the end of the connection. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            head.write(c);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                String text = head.toString(StandardCharsets.UTF_8);
                int length = 0;
                for (String line : text.split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private LoopbackHttp client() throws IOException {
        return new LoopbackHttp("127.0.0.1", server.getLocalPort());
    }

    @Test
    void sendsOneWellFormedRequestAndReadsALengthFramedAnswer() throws Exception {
        answers.add(new Answer("HTTP/1.1 200 OK\r\nLambda-Extension-Identifier: id-1\r\nContent-Length: 5\r\n\r\nhello", false));
        LoopbackHttp.Response r = client().exchange("POST", "/2020-01-01/extension/register",
                new String[] {"Lambda-Extension-Name", "firetap"}, "{\"a\":1}".getBytes(StandardCharsets.UTF_8), 1000, 1000);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("lambda-extension-identifier")).isEqualTo("id-1");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(requests.get(0))
                .startsWith("POST /2020-01-01/extension/register HTTP/1.1\r\n")
                .contains("Host: 127.0.0.1:" + server.getLocalPort() + "\r\n")
                .contains("Lambda-Extension-Name: firetap\r\n")
                .contains("Content-Length: 7\r\n")
                .endsWith("\r\n\r\n{\"a\":1}");
    }

    @Test
    void readsChunkedAndCloseDelimitedBodies() throws Exception {
        LoopbackHttp http = client();
        answers.add(new Answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;ext=1\r\n{\"ev\r\n6\r\nent\":1\r\n1\r\n}\r\n0\r\nTrailer: x\r\n\r\n", false));
        assertThat(new String(http.exchange("GET", "/next", new String[0], null, 1000, 1000).body(),
                StandardCharsets.UTF_8)).isEqualTo("{\"event\":1}");
        answers.add(new Answer("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end", true));
        assertThat(new String(http.exchange("GET", "/next", new String[0], null, 1000, 1000).body(),
                StandardCharsets.UTF_8)).isEqualTo("until the end");
    }

    @Test
    void keepsTheConnectionAndReplacesOneTheServerDropped() throws Exception {
        LoopbackHttp http = client();
        answers.add(new Answer("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n", false));
        answers.add(new Answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true));
        http.exchange("POST", "/a", new String[0], new byte[0], 1000, 1000);
        http.exchange("GET", "/b", new String[0], null, 1000, 1000);
        assertThat(connections.get()).isEqualTo(1);
        // the server closed after /b, without saying so: the next call reconnects by itself
        answers.add(new Answer("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes", false));
        LoopbackHttp.Response r = http.exchange("GET", "/c", new String[0], null, 1000, 1000);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("yes");
        assertThat(connections.get()).isEqualTo(2);
        assertThat(requests).hasSize(3);
    }

    @Test
    void errorStatusesComeBackWithTheirBodyAndATimeoutIsReported() throws Exception {
        LoopbackHttp http = client();
        answers.add(new Answer("HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\n\r\nnot you!!", false));
        LoopbackHttp.Response r = http.exchange("GET", "/x", new String[0], null, 1000, 1000);
        assertThat(r.status()).isEqualTo(403);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("not you!!");
        answers.add(new Answer(null, false));
        assertThatThrownBy(() -> http.exchange("GET", "/slow", new String[0], null, 1000, 200))
                .isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void garbageAndTruncatedAnswersAreErrorsNotHangs() throws Exception {
        answers.add(new Answer("SMTP ready\r\n\r\n", true));
        assertThatThrownBy(() -> client().exchange("GET", "/x", new String[0], null, 1000, 1000))
                .isInstanceOf(IOException.class).hasMessageContaining("not an HTTP status line: SMTP ready");
        answers.add(new Answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", true));
        assertThatThrownBy(() -> client().exchange("GET", "/x", new String[0], null, 1000, 1000))
                .isInstanceOf(IOException.class).hasMessageContaining("5 of 10");
        assertThat(answers.poll(0, TimeUnit.MILLISECONDS)).isNull();
    }
}
