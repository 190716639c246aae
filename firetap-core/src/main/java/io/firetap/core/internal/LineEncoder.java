package io.firetap.core.internal;

import io.firetap.core.LogLine;

/**
 * How a line (or a piece of one) becomes bytes of a delivered record. Every encoded unit ends in
 * {@code '\n'}.
 */
interface LineEncoder {

    /** Encoded size, newline included, of {@code count} raw bytes of {@code r} from {@code from}. */
    int size(LogLine r, int from, int count);

    /** Writes what {@link #size} measured into {@code dst} at {@code pos}; returns the bytes written. */
    int write(LogLine r, int from, int count, byte[] dst, int pos);

    /**
     * The most raw bytes of {@code r} from {@code from} whose encoding fits in {@code budget}, cut
     * before a UTF-8 continuation byte where possible; at least 1 when {@code budget} allows a
     * one-byte piece at all, 0 otherwise.
     */
    int fit(LogLine r, int from, int budget);

    /** A copy of {@code r} cut short, with a visible marker, so that its encoding fits in {@code budget}. */
    LogLine truncate(LogLine r, int budget);

    /** Moves a cut at {@code from + count} back before a UTF-8 continuation byte, unless that empties the piece. */
    static int utf8Boundary(LogLine r, int from, int count) {
        int end = from + count;
        if (end >= r.length()) {
            return count;
        }
        int back = 0;
        // A continuation byte is 10xxxxxx; a character has at most three of them.
        while (back < 3 && count - back > 1 && (r.byteAt(end - back) & 0xC0) == 0x80) {
            back++;
        }
        if ((r.byteAt(end - back) & 0xC0) == 0x80) {
            return count;
        }
        return count - back;
    }

    /** The marker appended to a truncated line. */
    static byte[] truncationMarker(long removedBytes) {
        return (" [firetap: truncated " + removedBytes + " bytes]").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
