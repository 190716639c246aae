package io.firetap.wrapper;

import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The wrapper's connection to the extension's socket, speaking the framed protocol
 * (docs/socket-protocol.md): the preface, then DATA / START / END frames.
 *
 * <p>Fail open: when the socket is missing, refuses or breaks, data goes to the wrapper's own
 * stdout instead (where Lambda picks it up as before), and the link tries to reconnect at the next
 * invocation start, at most once per invocation. Thread-safe: every method holds the link's monitor.
 *
 * <p>Each frame goes out in one write from one direct buffer (no separate header write, no
 * per-write temporary buffer). START is held back until the next frame: the runtime gets its
 * event without waiting for the extension, and an invocation that writes nothing costs one write
 * (START + END together). The order the extension sees is the same — START before every byte
 * read after it — only its arrival is later, which the protocol does not depend on.
 */
final class ExtensionLink implements AutoCloseable {
    static final byte[] PREFACE = {0, 'f', 'i', 'r', 'e', 't', 'a', 'p', '/', '1', '\n'};
    static final byte DATA = 'D';
    static final byte START = 'S';
    static final byte END = 'E';
    /** Frames are kept at most this large, as the protocol recommends. */
    static final int MAX_DATA_FRAME = 64 * 1024;

    private final Path path;
    private final OutputStream fallback;
    private static final int HEADER = 5;
    /** Room for a held-back START (request ids are short: the extension takes at most 1 KiB) and one frame. */
    private final ByteBuffer out = ByteBuffer.allocateDirect(2 * (HEADER + 1024) + MAX_DATA_FRAME);
    private SocketChannel channel;
    private byte[] pendingStart;
    private boolean warned;

    ExtensionLink(Path path, OutputStream fallback) {
        this.path = path;
        this.fallback = fallback;
    }

    /** Connects if not connected; {@code true} when connected afterwards. */
    synchronized boolean connect() {
        if (channel != null) {
            return true;
        }
        try {
            SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                c.connect(UnixDomainSocketAddress.of(path));
                writeFully(c, ByteBuffer.wrap(PREFACE));
            } catch (IOException e) {
                c.close();
                throw e;
            }
            channel = c;
            if (warned) {
                Diagnostics.info("connected to the firetap extension at " + path + " again");
                warned = false;
            }
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            if (!warned) {
                Diagnostics.warn("the firetap extension's socket " + path + " is not reachable (" + e.getMessage()
                        + "); the function's output goes to stdout as usual until it is");
                warned = true;
            }
            return false;
        }
    }

    synchronized boolean connected() {
        return channel != null;
    }

    /** Sends stdout bytes; on no connection, or if it breaks, writes them to the fallback instead. */
    synchronized void data(byte[] bytes, int offset, int length) {
        int at = offset;
        int end = offset + length;
        while (at < end) {
            int n = Math.min(MAX_DATA_FRAME, end - at);
            if (!frame(DATA, bytes, at, n)) {
                passThrough(bytes, at, end - at);
                return;
            }
            at += n;
        }
    }

    /** An invocation began: its START goes out with the next frame. */
    synchronized void start(String requestId) {
        connect();
        pendingStart = channel == null ? null : requestId.getBytes(StandardCharsets.UTF_8);
    }

    /** Everything written before the response of {@code requestId} has been sent. */
    synchronized void end(String requestId) {
        byte[] id = requestId.getBytes(StandardCharsets.UTF_8);
        frame(END, id, 0, id.length);
    }

    private boolean frame(byte type, byte[] payload, int offset, int length) {
        if (channel == null) {
            return false;
        }
        try {
            out.clear();
            byte[] start = pendingStart;
            pendingStart = null;
            if (start != null) {
                put(START, start, 0, start.length);
            }
            put(type, payload, offset, length);
            out.flip();
            writeFully(channel, out);
            return true;
        } catch (IOException e) {
            Diagnostics.warn("the connection to the firetap extension broke (" + e.getMessage()
                    + "); the function's output goes to stdout until it is back");
            warned = true;
            closeChannel();
            return false;
        }
    }

    /** Appends a frame to {@code out}, writing out what does not fit (never the case for this class's own frames). */
    private void put(byte type, byte[] payload, int offset, int length) throws IOException {
        if (out.remaining() < HEADER + length) {
            out.flip();
            writeFully(channel, out);
            out.clear();
        }
        out.put(type).putInt(length);
        if (out.remaining() >= length) {
            out.put(payload, offset, length);
        } else {
            out.flip();
            writeFully(channel, out);
            out.clear();
            writeFully(channel, ByteBuffer.wrap(payload, offset, length));
        }
    }

    private void passThrough(byte[] bytes, int offset, int length) {
        try {
            fallback.write(bytes, offset, length);
            fallback.flush();
        } catch (IOException e) {
            // stdout itself is gone: nowhere left to put the bytes
        }
    }

    private static void writeFully(SocketChannel c, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            c.write(buffer);
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already broken
            }
            channel = null;
        }
        pendingStart = null;
    }

    @Override
    public synchronized void close() {
        closeChannel();
    }
}
