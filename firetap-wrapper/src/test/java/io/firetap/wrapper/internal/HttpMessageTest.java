package io.firetap.wrapper.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bodies of a known length read whole, as the proxy buffers them and the Extensions API client and
 * the Telemetry listener read them: over a connection that delivers a few bytes at a time, and over
 * one that closes inside the body.
 */
@Timeout(60)
class HttpMessageTest {
    private static final int BODY = 100 * 1024 + 7;

    private static byte[] body() {
        byte[] b = new byte[BODY];
        new Random(42).nextBytes(b);
        return b;
    }

    private static byte[] post(byte[] body, int sent) {
        byte[] head = ("POST /2018-06-01/runtime/invocation/abc/response HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = Arrays.copyOf(head, head.length + sent);
        System.arraycopy(body, 0, all, head.length, sent);
        return all;
    }

    /** A connection that hands over 1 to 13 bytes per read, as a socket may. */
    private static InputStream trickling(byte[] bytes) {
        return new InputStream() {
            private final Random sizes = new Random(7);
            private int at;

            @Override
            public int read() {
                return at < bytes.length ? bytes[at++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at == bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, 1 + sizes.nextInt(13)), bytes.length - at);
                System.arraycopy(bytes, at, b, off, n);
                at += n;
                return n;
            }
        };
    }

    @Test
    void aBufferedBodyArrivingInPiecesIsPassedOnWhole() throws IOException {
        byte[] body = body();
        HttpMessage.Input in = new HttpMessage.Input(trickling(post(body, body.length)), 16 * 1024);
        HttpMessage post = HttpMessage.readRequest(in);

        assertThat(post.buffer(in)).isTrue();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        post.writeTo(out, in, true);

        byte[] written = out.toByteArray();
        assertThat(Arrays.mismatch(Arrays.copyOfRange(written, written.length - body.length, written.length), body))
                .as("index of the first byte passed on wrong").isEqualTo(-1);
        assertThat(new String(written, 0, written.length - body.length, StandardCharsets.ISO_8859_1))
                .contains("Content-Length: " + body.length + "\r\n");
    }

    @Test
    void aBodyReadWholeArrivingInPiecesIsComplete() throws IOException {
        byte[] body = body();
        HttpMessage.Input in = new HttpMessage.Input(trickling(post(body, body.length)), 16 * 1024);
        HttpMessage post = HttpMessage.readRequest(in);

        assertThat(Arrays.mismatch(post.readBody(in, BODY), body))
                .as("index of the first byte read wrong").isEqualTo(-1);
    }

    @Test
    void aConnectionClosedInsideABodyIsAnErrorNotAShortBody() throws IOException {
        byte[] body = body();
        HttpMessage.Input buffered = new HttpMessage.Input(new ByteArrayInputStream(post(body, 5_000)), 16 * 1024);
        HttpMessage cutShort = HttpMessage.readRequest(buffered);
        assertThatThrownBy(() -> cutShort.buffer(buffered))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("inside a body");

        HttpMessage.Input whole = new HttpMessage.Input(new ByteArrayInputStream(post(body, 5_000)), 16 * 1024);
        HttpMessage alsoCut = HttpMessage.readRequest(whole);
        assertThatThrownBy(() -> alsoCut.readBody(whole, BODY))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("after 5000 of " + BODY + " body bytes");
    }
}
