package io.firetap.bench;

import io.firetap.wrapper.internal.HttpMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The HTTP handling the Runtime API proxy does for one invocation, in memory: Lambda's answer to
 * the runtime's {@code /next} read (head parsed, the request id looked up) and written on, then the
 * runtime's {@code /response} post read (its body buffered) and written on — what the proxy's thread
 * does beside the socket reads and writes themselves. {@code event} is the size of the invocation's
 * event and of its response.
 *
 * <p>The extension runs the C1 compiler only, so the fork does too. {@code bench/run} (§6) measures
 * the whole hop: this, the socket calls and the thread wake-ups between them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"})
public class ProxyCodecBenchmark {
    private static final String REQUEST_ID = "8476a536-e9f4-11e8-9739-2dfe598c3fcd";

    @Param({"2", "102400"})
    public int event;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256 * 1024);
    /** Kept-alive connections, as a runtime keeps them: each read of one gives the next message. */
    private HttpMessage.Input fromLambda;
    private HttpMessage.Input fromRuntime;

    @Setup
    public void setUp() {
        byte[] body = new byte[event];
        Arrays.fill(body, (byte) 'x');
        byte[] nextAnswer = concat("HTTP/1.1 200 OK\r\n"
                + "Content-Type: application/json\r\n"
                + "Lambda-Runtime-Aws-Request-Id: " + REQUEST_ID + "\r\n"
                + "Lambda-Runtime-Deadline-Ms: 1764788400000\r\n"
                + "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:eu-west-1:123456789012:function:orders\r\n"
                + "Lambda-Runtime-Trace-Id: Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;"
                + "Parent=9a9197af755a6419;Sampled=1\r\n"
                + "Date: Thu, 03 Dec 2026 19:00:00 GMT\r\n"
                + "Content-Length: " + event + "\r\n\r\n", body);
        byte[] responsePost = concat("POST /2018-06-01/runtime/invocation/" + REQUEST_ID + "/response HTTP/1.1\r\n"
                + "Host: 127.0.0.1:9009\r\n"
                + "User-Agent: Python-urllib/3.12\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + event + "\r\n"
                + "Connection: keep-alive\r\n\r\n", body);
        fromLambda = new HttpMessage.Input(new Repeating(nextAnswer), 16 * 1024);
        fromRuntime = new HttpMessage.Input(new Repeating(responsePost), 16 * 1024);
    }

    private static byte[] concat(String head, byte[] body) {
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    @Benchmark
    public int invocation() throws IOException {
        out.reset();
        HttpMessage next = HttpMessage.readResponse(fromLambda, "GET");
        if (next.status() != 200 || !REQUEST_ID.equals(next.header("Lambda-Runtime-Aws-Request-Id"))) {
            throw new IllegalStateException("unexpected /next answer");
        }
        next.writeTo(out, fromLambda, true);
        HttpMessage post = HttpMessage.readRequest(fromRuntime);
        String[] parts = post.startLine.split(" ", 3);
        post.buffer(fromRuntime);
        post.writeTo(out, fromRuntime, true);
        return out.size() + parts.length;
    }

    /** {@code message} over and over: a connection on which the same message keeps arriving. */
    private static final class Repeating extends InputStream {
        private final byte[] message;
        private int at;

        Repeating(byte[] message) {
            this.message = message;
        }

        @Override
        public int read() {
            byte b = message[at];
            at = (at + 1) % message.length;
            return b & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = Math.min(len, message.length - at);
            System.arraycopy(message, at, b, off, n);
            at = (at + n) % message.length;
            return n;
        }
    }
}
