package io.firetap.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One log line as firetap received it, plus what is known about it.
 *
 * <p>A line is bytes, never a {@code String}: invalid UTF-8 and NUL bytes pass through firetap
 * unharmed. The line does not include its terminating {@code '\n'}; the packer adds it back
 * when the line is delivered.
 *
 * <p>To keep the receive path allocation-light a record may be a <em>slice</em> of a larger
 * array (for example the buffer one socket read filled). Whoever creates a slice promises not
 * to modify that range afterwards; firetap itself never modifies it.
 */
public final class LogLine {
    private final byte[] data;
    private final int offset;
    private final int length;
    private final long timestampMillis;
    private final Source source;
    private final String requestId;

    private LogLine(byte[] data, int offset, int length, long timestampMillis, Source source, String requestId) {
        this.data = data;
        this.offset = offset;
        this.length = length;
        this.timestampMillis = timestampMillis;
        this.source = source;
        this.requestId = requestId;
    }

    /**
     * A record that owns {@code line} (not copied: the caller hands the array over).
     *
     * @param requestId the invocation's request id, or {@code null} when unknown
     */
    public static LogLine of(byte[] line, long timestampMillis, Source source, String requestId) {
        Objects.requireNonNull(line, "line");
        return new LogLine(line, 0, line.length, timestampMillis, Objects.requireNonNull(source, "source"), requestId);
    }

    /**
     * A record viewing {@code length} bytes of {@code buffer} from {@code offset}. The range must not
     * be modified afterwards.
     */
    public static LogLine slice(byte[] buffer, int offset, int length, long timestampMillis, Source source,
            String requestId) {
        Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(buffer, "buffer").length);
        return new LogLine(buffer, offset, length, timestampMillis, Objects.requireNonNull(source, "source"), requestId);
    }

    /** A record of a UTF-8 string, stamped now; convenient for tests and examples. */
    public static LogLine ofUtf8(String line, Source source) {
        return of(line.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis(), source, null);
    }

    /** Number of bytes in the line (without a terminator). */
    public int length() {
        return length;
    }

    /** The byte at {@code index} of the line. */
    public byte byteAt(int index) {
        Objects.checkIndex(index, length);
        return data[offset + index];
    }

    /** Copies {@code count} bytes of the line starting at {@code from} into {@code dst} at {@code dstPos}. */
    public void copyTo(int from, byte[] dst, int dstPos, int count) {
        Objects.checkFromIndexSize(from, count, length);
        System.arraycopy(data, offset + from, dst, dstPos, count);
    }

    /** Copies the whole line into {@code dst} at {@code dstPos}. */
    public void copyTo(byte[] dst, int dstPos) {
        System.arraycopy(data, offset, dst, dstPos, length);
    }

    /** A read-only view of the line's bytes (no copy). */
    public ByteBuffer asReadOnlyBuffer() {
        return ByteBuffer.wrap(data, offset, length).slice().asReadOnlyBuffer();
    }

    /** A fresh copy of the line's bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOfRange(data, offset, offset + length);
    }

    /** The line decoded as UTF-8, malformed input replaced with U+FFFD. For display and JSON envelopes. */
    public String toUtf8String() {
        return new String(data, offset, length, StandardCharsets.UTF_8);
    }

    /** When firetap received the line, in epoch milliseconds (or the Telemetry API's {@code time}). */
    public long timestampMillis() {
        return timestampMillis;
    }

    public Source source() {
        return source;
    }

    /** The request id of the invocation that wrote the line, or {@code null} when unknown. */
    public String requestId() {
        return requestId;
    }

    /** The same line and metadata with another request id. Shares the bytes. */
    public LogLine withRequestId(String newRequestId) {
        return new LogLine(data, offset, length, timestampMillis, source, newRequestId);
    }

    /** The same metadata with the bytes {@code [from, from + count)} of this line. Shares the bytes. */
    public LogLine subRecord(int from, int count) {
        Objects.checkFromIndexSize(from, count, length);
        return new LogLine(data, offset + from, count, timestampMillis, source, requestId);
    }

    @Override
    public String toString() {
        // Never the content: records may hold secrets, and toString ends up in logs.
        return "LogLine[" + length + " bytes, source=" + source.label()
                + (requestId == null ? "" : ", requestId=" + requestId) + "]";
    }
}
