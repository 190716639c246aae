package io.firetap.testkit.aws;

import java.util.Objects;

/**
 * A Kinesis data stream to host: its name, shard count and record/call size limits.
 *
 * <p>Defaults are the service's: records up to 1 MiB (data plus partition key) and calls up to
 * 5 MiB. A stream can allow records up to 10 MiB (the service's {@code UpdateMaxRecordSize});
 * raise {@link #maxCallBytes} with it if such records must fit a {@code PutRecords} call.
 *
 * @param name           the stream name
 * @param shardCount     shards, each owning an equal slice of the 128-bit hash key space
 * @param maxRecordBytes largest data plus partition key of one record, 1 MiB to 10 MiB
 * @param maxCallBytes   largest sum of data plus partition keys of one {@code PutRecords} call
 */
public record DataStreamSpec(String name, int shardCount, int maxRecordBytes, long maxCallBytes) {

    // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
    // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html
    public static final long DEFAULT_MAX_CALL_BYTES = 5L * 1024 * 1024;
    // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_UpdateMaxRecordSize.html
    public static final int LARGEST_MAX_RECORD_BYTES = 10 * 1024 * 1024;
    // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html
    public static final int MAX_STREAM_NAME_LENGTH = 128;
    public static final String STREAM_NAME_PATTERN = "[a-zA-Z0-9_.-]+";

    public DataStreamSpec {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > MAX_STREAM_NAME_LENGTH || !name.matches(STREAM_NAME_PATTERN)) {
            throw new IllegalArgumentException("stream name must be 1-" + MAX_STREAM_NAME_LENGTH
                    + " characters of " + STREAM_NAME_PATTERN + ": '" + name + "'");
        }
        if (shardCount < 1) {
            throw new IllegalArgumentException("shardCount must be >= 1: " + shardCount);
        }
        if (maxRecordBytes < DEFAULT_MAX_RECORD_BYTES || maxRecordBytes > LARGEST_MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("maxRecordBytes must be within [1 MiB, 10 MiB] like the service's "
                    + "MaxRecordSizeInKiB: " + maxRecordBytes);
        }
        if (maxCallBytes < maxRecordBytes) {
            throw new IllegalArgumentException("maxCallBytes " + maxCallBytes + " cannot hold one record of maxRecordBytes "
                    + maxRecordBytes);
        }
    }

    /** A stream with the service's default limits. */
    public static DataStreamSpec of(String name, int shardCount) {
        return new DataStreamSpec(name, shardCount, DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_CALL_BYTES);
    }

    /** This stream allowing records of up to {@code bytes} (data plus partition key). */
    public DataStreamSpec withMaxRecordBytes(int bytes) {
        return new DataStreamSpec(name, shardCount, bytes, Math.max(maxCallBytes, bytes));
    }

    /** This stream allowing {@code PutRecords} calls of up to {@code bytes} (data plus partition keys). */
    public DataStreamSpec withMaxCallBytes(long bytes) {
        return new DataStreamSpec(name, shardCount, maxRecordBytes, bytes);
    }
}
