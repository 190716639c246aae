package io.firetap.extension.internal;

import io.firetap.core.Source;
import java.nio.ByteBuffer;

/**
 * The receiving side of one socket connection: cuts the client's byte stream into lines (see
 * {@code docs/socket-protocol.md}), tagged with the invocation in progress.
 *
 * <p>Guarantees: every byte a client sent is delivered as part of a line, in order; an unfinished
 * last line is delivered when the client disconnects. Not thread-safe: driven by one receiver thread.
 */
public final class SocketConnection {
    private final long id;
    private final LineAssembler lines;
    private final Handover handover;
    private final OutputEndMarkers boundaries;

    public SocketConnection(long id, int maxLineBytes, Handover handover, OutputEndMarkers boundaries) {
        this.id = id;
        this.lines = new LineAssembler(maxLineBytes);
        this.handover = handover;
        this.boundaries = boundaries;
    }

    /**
     * Consumes what was read ({@code src} position to limit). Lines it completes are added to the
     * handover; the caller hands them over after this returns.
     */
    public void onBytes(ByteBuffer src, long nowMillis) {
        lines.append(src, handover.lines(), nowMillis, Source.SOCKET, boundaries.currentRequestId());
    }

    /** The client closed (or the receiver is stopping): the unfinished line is delivered. */
    public void onEndOfStream(long nowMillis) {
        lines.endLine(handover.lines(), nowMillis, Source.SOCKET, boundaries.currentRequestId());
    }

    /** Bytes held for an unfinished line. */
    public int pendingBytes() {
        return lines.pendingBytes();
    }

    /** Pieces cut off over-long lines so far. */
    public long cutPieces() {
        return lines.cutPieces();
    }

    @Override
    public String toString() {
        return "socket client " + id;
    }
}
