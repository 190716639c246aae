package io.firetap.testkit.aws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One record a stream accepted, exactly as it arrived: the data bytes (never decoded or
 * normalised), and what the service assigned to it.
 */
public final class AcceptedRecord {
    private final AwsService service;
    private final String streamName;
    private final byte[] data;
    private final String partitionKey;
    private final String shardId;
    private final String id;
    private final Instant arrivedAt;
    private final int lineCount;

    /**
     * @param service      the service that accepted it
     * @param streamName   the delivery stream or data stream
     * @param data         the data bytes; the record keeps this array, so the caller must not change it
     * @param partitionKey the Kinesis partition key, {@code null} for Firehose
     * @param shardId      the Kinesis shard, {@code null} for Firehose
     * @param id           the Firehose {@code RecordId} or Kinesis {@code SequenceNumber} returned for it
     * @param arrivedAt    when its call arrived
     */
    public AcceptedRecord(AwsService service, String streamName, byte[] data, String partitionKey,
            String shardId, String id, Instant arrivedAt) {
        this.service = Objects.requireNonNull(service, "service");
        this.streamName = Objects.requireNonNull(streamName, "streamName");
        this.data = Objects.requireNonNull(data, "data");
        this.partitionKey = partitionKey;
        this.shardId = shardId;
        this.id = Objects.requireNonNull(id, "id");
        this.arrivedAt = Objects.requireNonNull(arrivedAt, "arrivedAt");
        this.lineCount = countLines(data);
    }

    /**
     * Lines in the data: each {@code '\n'} ends one, and a non-empty tail without one counts as a
     * line of its own (records are never joined across).
     */
    public int lineCount() {
        return lineCount;
    }

    public AwsService service() {
        return service;
    }

    public String streamName() {
        return streamName;
    }

    /** A copy of the data bytes. */
    public byte[] data() {
        return data.clone();
    }

    /** The data bytes decoded as UTF-8, malformed sequences replaced; use {@link #data()} for exact bytes. */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    public int size() {
        return data.length;
    }

    /** The Kinesis partition key; {@code null} for Firehose. */
    public String partitionKey() {
        return partitionKey;
    }

    /** The Kinesis shard the record went to, e.g. {@code shardId-000000000001}; {@code null} for Firehose. */
    public String shardId() {
        return shardId;
    }

    /** The Firehose {@code RecordId} or Kinesis {@code SequenceNumber} the service returned. */
    public String id() {
        return id;
    }

    public Instant arrivedAt() {
        return arrivedAt;
    }

    /** Whether the data bytes equal {@code bytes}. */
    public boolean hasData(byte[] bytes) {
        return Arrays.equals(data, bytes);
    }

    /** A read-only view of the data bytes, without a copy. */
    public ByteBuffer dataBuffer() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer();
    }

    private static int countLines(byte[] data) {
        int n = io.firetap.testkit.aws.internal.ByteWords.countNewlines(data);
        return data.length > 0 && data[data.length - 1] != '\n' ? n + 1 : n;
    }

    @Override
    public String toString() {
        return "AcceptedRecord{" + service + "/" + streamName + ", " + data.length + " bytes"
                + (partitionKey == null ? "" : ", key=" + partitionKey + ", " + shardId) + ", id=" + id + "}";
    }
}
