package io.firetap.extension.internal;

import io.firetap.core.LogLine;
import io.firetap.core.Source;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Cuts one connection's byte stream into lines, without copying them again: bytes go into a chunk
 * once, and each complete line leaves as a {@link LogLine#slice} of that chunk.
 *
 * <p>A line ends at {@code '\n'} (not part of the line); every other byte is kept. A line longer
 * than {@code maxLineBytes} is cut into pieces of exactly that size (the last piece may be
 * shorter), each a line of its own. So the bytes held for an unfinished line never exceed
 * {@code maxLineBytes}, and a chunk is never written where a slice was handed out: when it is
 * full, the unfinished line moves to a fresh chunk and the old one is left to the slices that
 * still refer to it.
 *
 * <p>Not thread-safe: one connection, one reader.
 */
public final class LineAssembler {
    /** Bytes of a fresh chunk; one wrapper DATA frame fits. */
    public static final int CHUNK_BYTES = 64 * 1024;

    private final int maxLineBytes;
    private byte[] buf;
    /** Start of the unfinished line. */
    private int lineStart;
    /** End of the bytes written into {@link #buf}. */
    private int pos;
    /** Where the search for the next {@code '\n'} resumes: {@code [lineStart, scan)} holds none. */
    private int scan;
    private long pieces;

    public LineAssembler(int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Takes every byte of {@code src} (from its position to its limit; the position ends at the limit)
     * and adds each line it completes to {@code out}.
     */
    public void append(ByteBuffer src, List<LogLine> out, long timestampMillis, Source source, String requestId) {
        while (src.hasRemaining()) {
            ensureRoom();
            int n = Math.min(src.remaining(), buf.length - pos);
            src.get(buf, pos, n);
            pos += n;
            cut(out, timestampMillis, source, requestId);
        }
    }

    /** {@link #append(ByteBuffer, List, long, Source, String)} of {@code length} bytes of {@code bytes}. */
    public void append(byte[] bytes, int offset, int length, List<LogLine> out, long timestampMillis, Source source,
            String requestId) {
        append(ByteBuffer.wrap(bytes, offset, length), out, timestampMillis, source, requestId);
    }

    /** Ends the unfinished line, if there is one, and adds it to {@code out} (end of stream, END frame). */
    public void endLine(List<LogLine> out, long timestampMillis, Source source, String requestId) {
        if (pos > lineStart) {
            out.add(LogLine.slice(buf, lineStart, pos - lineStart, timestampMillis, source, requestId));
            lineStart = pos;
            scan = pos;
        }
    }

    /** Bytes held for the unfinished line. */
    public int pendingBytes() {
        return pos - lineStart;
    }

    /** How many pieces of over-long lines were cut off so far (each piece but the last of a line). */
    public long cutPieces() {
        return pieces;
    }

    private void cut(List<LogLine> out, long timestampMillis, Source source, String requestId) {
        byte[] b = buf;
        while (true) {
            // A '\n' right after maxLineBytes bytes still ends a line of exactly that size.
            int limit = (int) Math.min(pos, (long) lineStart + maxLineBytes + 1);
            int nl = -1;
            for (int i = scan; i < limit; i++) {
                if (b[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            if (nl >= 0) {
                out.add(LogLine.slice(b, lineStart, nl - lineStart, timestampMillis, source, requestId));
                lineStart = nl + 1;
                scan = lineStart;
            } else if (pos - lineStart > maxLineBytes) {
                out.add(LogLine.slice(b, lineStart, maxLineBytes, timestampMillis, source, requestId));
                pieces++;
                lineStart += maxLineBytes;
                scan = limit;
            } else {
                scan = pos;
                return;
            }
        }
    }

    private void ensureRoom() {
        if (buf != null && pos < buf.length) {
            return;
        }
        int pending = buf == null ? 0 : pos - lineStart;
        // Unfinished lines are at most maxLineBytes, so a chunk of maxLineBytes + 1 always has room.
        int size = pending < CHUNK_BYTES / 2
                ? CHUNK_BYTES
                : (int) Math.min((long) maxLineBytes + 1, Math.max(2L * pending, CHUNK_BYTES));
        byte[] fresh = new byte[Math.max(size, pending + 1)];
        if (pending > 0) {
            System.arraycopy(buf, lineStart, fresh, 0, pending);
        }
        scan = scan - lineStart;
        buf = fresh;
        lineStart = 0;
        pos = pending;
    }
}
