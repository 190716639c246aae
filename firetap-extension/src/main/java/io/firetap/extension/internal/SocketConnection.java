package io.firetap.extension.internal;

import io.firetap.core.Source;
import io.firetap.extension.InvocationBoundaries;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of one socket connection: tells the wrapper from a plain client by the
 * preface, decodes the wrapper's frames, and cuts the byte stream into lines (see
 * {@code docs/socket-protocol.md}).
 *
 * <pre>
 *   preface   00 'f' 'i' 'r' 'e' 't' 'a' 'p' '/' '1' '\n'     (11 bytes, wrapper only)
 *   frame     +------+--------------------+---------------+
 *             | type | length (u32, BE)   | payload       |
 *             +------+--------------------+---------------+
 *   type      'D' data   'S' start(request id)   'E' end(request id)
 * </pre>
 *
 * <p>Guarantees: every byte a client sent is delivered as part of a line, in order, unless the
 * connection breaks the protocol (then what came before the break is delivered and the connection
 * is closed with a diagnostic). An END(R) is marked on {@link InvocationBoundaries} only after all
 * lines before it were handed to the intake. Not thread-safe: driven by one receiver thread.
 */
public final class SocketConnection {
    private static final Logger LOG = LoggerFactory.getLogger(SocketConnection.class);

    /** The wrapper's preface, {@code "\0firetap/1\n"}. */
    static final byte[] PREFACE = {0, 'f', 'i', 'r', 'e', 't', 'a', 'p', '/', '1', '\n'};
    /** Frames longer than this break the protocol. */
    public static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;
    /** START and END carry a request id; anything longer than this is not one. */
    public static final int MAX_REQUEST_ID_BYTES = 1024;
    static final byte DATA = 'D';
    static final byte START = 'S';
    static final byte END = 'E';
    private static final int HEADER_BYTES = 5;

    private enum Mode { DETECTING, PLAIN, FRAMED, CLOSED }

    private final long id;
    private final LineAssembler lines;
    private final Handover handover;
    private final InvocationBoundaries boundaries;

    private Mode mode = Mode.DETECTING;
    private int prefaceMatched;

    private final byte[] header = new byte[HEADER_BYTES];
    private int headerFill;
    private boolean inPayload;
    private byte frameType;
    private int payloadLeft;
    private final byte[] idBytes = new byte[MAX_REQUEST_ID_BYTES];
    private int idFill;
    private boolean unknownTypeReported;
    private String requestId;

    public SocketConnection(long id, int maxLineBytes, Handover handover, InvocationBoundaries boundaries) {
        this.id = id;
        this.lines = new LineAssembler(maxLineBytes);
        this.handover = handover;
        this.boundaries = boundaries;
    }

    /**
     * Consumes what was read ({@code src} position to limit). Lines it completes are added to the
     * handover; the caller hands them over after this returns.
     *
     * @return {@code false} when the connection broke the protocol and must be closed
     */
    public boolean onBytes(ByteBuffer src, long nowMillis) {
        if (mode == Mode.DETECTING) {
            detect(src, nowMillis);
        }
        if (mode == Mode.PLAIN) {
            lines.append(src, handover.lines(), nowMillis, Source.SOCKET, boundaries.currentRequestId());
            return true;
        }
        if (mode == Mode.FRAMED) {
            return frames(src, nowMillis);
        }
        return mode != Mode.CLOSED;
    }

    /** The client closed (or the receiver is stopping): the unfinished line is delivered. */
    public void onEndOfStream(long nowMillis) {
        switch (mode) {
            case DETECTING:
                // Only part of the preface arrived: those bytes are a plain client's data.
                replayPreface(prefaceMatched, nowMillis);
                endLine(Source.SOCKET, boundaries.currentRequestId(), nowMillis);
                break;
            case PLAIN:
                endLine(Source.SOCKET, boundaries.currentRequestId(), nowMillis);
                break;
            case FRAMED:
                if (headerFill > 0 || inPayload) {
                    LOG.warn("wrapper connection {} closed in the middle of a frame; delivering what arrived", id);
                }
                endLine(Source.WRAPPER, requestId, nowMillis);
                boundaries.wrapperDetached();
                break;
            default:
                break;
        }
        mode = Mode.CLOSED;
    }

    /** Whether this connection identified itself as the wrapper. */
    public boolean isWrapper() {
        return mode == Mode.FRAMED;
    }

    /** Bytes held for an unfinished line. */
    public int pendingBytes() {
        return lines.pendingBytes();
    }

    /** Pieces cut off over-long lines so far. */
    public long cutPieces() {
        return lines.cutPieces();
    }

    private void detect(ByteBuffer src, long now) {
        while (src.hasRemaining() && mode == Mode.DETECTING) {
            byte b = src.get(src.position());
            if (b == PREFACE[prefaceMatched]) {
                src.position(src.position() + 1);
                prefaceMatched++;
                if (prefaceMatched == PREFACE.length) {
                    mode = Mode.FRAMED;
                    boundaries.wrapperAttached();
                    LOG.debug("connection {} is the wrapper", id);
                }
            } else {
                // Not the preface: a plain client, and the bytes taken so far are its data.
                mode = Mode.PLAIN;
                replayPreface(prefaceMatched, now);
            }
        }
    }

    private void replayPreface(int count, long now) {
        if (count > 0) {
            lines.append(PREFACE, 0, count, handover.lines(), now, Source.SOCKET, boundaries.currentRequestId());
        }
    }

    private boolean frames(ByteBuffer src, long now) {
        while (src.hasRemaining()) {
            if (!inPayload) {
                int n = Math.min(HEADER_BYTES - headerFill, src.remaining());
                src.get(header, headerFill, n);
                headerFill += n;
                if (headerFill < HEADER_BYTES) {
                    return true;
                }
                headerFill = 0;
                frameType = header[0];
                long length = ((header[1] & 0xFFL) << 24) | ((header[2] & 0xFF) << 16) | ((header[3] & 0xFF) << 8)
                        | (header[4] & 0xFF);
                if (length > MAX_FRAME_BYTES) {
                    return protocolError("a frame of " + length + " bytes (the limit is " + MAX_FRAME_BYTES + ")", now);
                }
                if ((frameType == START || frameType == END) && length > MAX_REQUEST_ID_BYTES) {
                    return protocolError("a " + (char) frameType + " frame of " + length + " bytes (a request id is at most "
                            + MAX_REQUEST_ID_BYTES + ")", now);
                }
                payloadLeft = (int) length;
                idFill = 0;
                inPayload = true;
                if (frameType != DATA && frameType != START && frameType != END && !unknownTypeReported) {
                    unknownTypeReported = true;
                    LOG.warn("wrapper connection {} sent a frame of unknown type 0x{}; skipping such frames", id,
                            Integer.toHexString(frameType & 0xFF));
                }
            }
            int n = Math.min(payloadLeft, src.remaining());
            if (frameType == DATA) {
                int limit = src.limit();
                src.limit(src.position() + n);
                lines.append(src, handover.lines(), now, Source.WRAPPER, requestId);
                src.limit(limit);
            } else if (frameType == START || frameType == END) {
                src.get(idBytes, idFill, n);
                idFill += n;
            } else {
                src.position(src.position() + n);
            }
            payloadLeft -= n;
            if (payloadLeft == 0) {
                inPayload = false;
                frameDone(now);
            }
        }
        return true;
    }

    private void frameDone(long now) {
        if (frameType != START && frameType != END) {
            return;
        }
        String id = idFill == 0 ? null : new String(idBytes, 0, idFill, StandardCharsets.UTF_8);
        // Output before a START, or before an END, belongs to what came before: end its unfinished line.
        endLine(Source.WRAPPER, requestId, now);
        if (frameType == START) {
            requestId = id;
        } else if (id != null) {
            // The barrier may only see END(R) once every line before it is in the intake.
            handover.handOver();
            boundaries.mark(InvocationBoundaries.Marker.OUTPUT_END, id);
        }
    }

    private void endLine(Source source, String request, long now) {
        lines.endLine(handover.lines(), now, source, request);
    }

    private boolean protocolError(String what, long now) {
        LOG.warn("wrapper connection {} sent {}; closing it after delivering what came before", id, what);
        onEndOfStream(now);
        return false;
    }
}
