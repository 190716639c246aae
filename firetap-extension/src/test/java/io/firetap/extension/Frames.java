package io.firetap.extension;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds what the wrapper writes on the socket (docs/socket-protocol.md), for tests. */
final class Frames {
    static final byte[] PREFACE = {0, 'f', 'i', 'r', 'e', 't', 'a', 'p', '/', '1', '\n'};

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Frames withPreface() {
        Frames f = new Frames();
        f.out.writeBytes(PREFACE);
        return f;
    }

    Frames data(String text) {
        return frame('D', text.getBytes(StandardCharsets.UTF_8));
    }

    Frames data(byte[] bytes) {
        return frame('D', bytes);
    }

    Frames start(String requestId) {
        return frame('S', requestId.getBytes(StandardCharsets.UTF_8));
    }

    Frames end(String requestId) {
        return frame('E', requestId.getBytes(StandardCharsets.UTF_8));
    }

    Frames frame(char type, byte[] payload) {
        return header(type, payload.length).raw(payload);
    }

    Frames header(char type, long length) {
        out.write(type);
        out.write((int) (length >>> 24));
        out.write((int) (length >>> 16));
        out.write((int) (length >>> 8));
        out.write((int) length);
        return this;
    }

    Frames raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
