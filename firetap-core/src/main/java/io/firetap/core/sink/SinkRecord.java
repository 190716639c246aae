package io.firetap.core.sink;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One record handed to a {@link Sink}: the payload the destination stores as one entry
 * (one Firehose record, one Kinesis record, ...).
 *
 * <p>With packing on (the default) the payload holds one or more complete log lines, each ending
 * in {@code '\n'}, in the order written; a line longer than the sink's record limit arrives as
 * several consecutive pieces. With packing off it holds exactly one line (or one piece of one).
 * The payload is never larger than the sink's {@link SinkLimits#maxRecordBytes()}.
 *
 * <p>The payload array is owned by the record and is never modified after construction, so a
 * sink may hand it to its client without copying (e.g. {@code SdkBytes.fromByteArrayUnsafe}).
 */
public final class SinkRecord {
    private final byte[] payload;
    private final int lineCount;
    private final String requestId;
    private final long timestampMillis;

    /**
     * @param payload         the bytes to store; ownership passes to this record
     * @param lineCount       how many log lines (or line pieces) the payload holds, for counters
     * @param requestId       request id of the first line, or {@code null} when unknown
     * @param timestampMillis receive time of the first line, epoch milliseconds
     */
    public SinkRecord(byte[] payload, int lineCount, String requestId, long timestampMillis) {
        this.payload = Objects.requireNonNull(payload, "payload");
        if (lineCount < 0) {
            throw new IllegalArgumentException("lineCount < 0: " + lineCount);
        }
        this.lineCount = lineCount;
        this.requestId = requestId;
        this.timestampMillis = timestampMillis;
    }

    /** A single-line record of UTF-8 text plus a newline; for tests and examples. */
    public static SinkRecord ofLine(String line) {
        return new SinkRecord((line + "\n").getBytes(StandardCharsets.UTF_8), 1, null, System.currentTimeMillis());
    }

    /** The payload itself (not a copy). Callers must not modify it. */
    public byte[] payload() {
        return payload;
    }

    /** A read-only view of the payload. */
    public ByteBuffer payloadBuffer() {
        return ByteBuffer.wrap(payload).asReadOnlyBuffer();
    }

    public int size() {
        return payload.length;
    }

    public int lineCount() {
        return lineCount;
    }

    /** Request id of the first line in the payload, or {@code null}. */
    public String requestId() {
        return requestId;
    }

    public long timestampMillis() {
        return timestampMillis;
    }

    @Override
    public String toString() {
        return "SinkRecord[" + payload.length + " bytes, " + lineCount + " lines]";
    }
}
