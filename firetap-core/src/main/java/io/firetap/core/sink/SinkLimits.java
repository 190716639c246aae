package io.firetap.core.sink;

/**
 * The hard limits of one destination's write call, as the service enforces them. The pipeline
 * never builds a batch that breaks any of them.
 *
 * @param maxRecordsPerCall    entries per call (Firehose and Kinesis: 500)
 * @param maxBytesPerCall      bytes per call, counting every record's payload plus
 *                             {@code perRecordOverhead} (Firehose 4 MiB, Kinesis 5 MiB)
 * @param maxRecordBytes       payload bytes of one record (Firehose 1,000 KiB; Kinesis 1 MiB minus
 *                             the partition key)
 * @param perRecordOverhead    bytes the service counts per record beyond the payload toward the
 *                             call limit (Kinesis: the partition key's length), 0 when none
 */
public record SinkLimits(int maxRecordsPerCall, long maxBytesPerCall, int maxRecordBytes, int perRecordOverhead) {

    public SinkLimits {
        if (maxRecordsPerCall < 1) {
            throw new IllegalArgumentException("maxRecordsPerCall must be >= 1: " + maxRecordsPerCall);
        }
        if (maxRecordBytes < 1) {
            throw new IllegalArgumentException("maxRecordBytes must be >= 1: " + maxRecordBytes);
        }
        if (perRecordOverhead < 0) {
            throw new IllegalArgumentException("perRecordOverhead must be >= 0: " + perRecordOverhead);
        }
        if (maxBytesPerCall < (long) maxRecordBytes + perRecordOverhead) {
            throw new IllegalArgumentException("maxBytesPerCall " + maxBytesPerCall
                    + " cannot hold one record of maxRecordBytes " + maxRecordBytes + " + overhead " + perRecordOverhead);
        }
    }

    /** Limits that only a local or in-memory destination would have: 500 records, 4 MiB, 1 MiB records. */
    public static SinkLimits generous() {
        return new SinkLimits(500, 4L * 1024 * 1024, 1024 * 1024, 0);
    }

    /** Bytes a record of {@code payloadBytes} takes from the per-call budget. */
    public long callBytes(int payloadBytes) {
        return (long) payloadBytes + perRecordOverhead;
    }

    /** These limits further narrowed by user overrides (never widened beyond the service's). */
    public SinkLimits narrowedTo(int records, long bytesPerCall, int recordBytes) {
        int r = Math.min(maxRecordsPerCall, records);
        int rb = Math.min(maxRecordBytes, recordBytes);
        long b = Math.max(Math.min(maxBytesPerCall, bytesPerCall), (long) rb + perRecordOverhead);
        return new SinkLimits(r, b, rb, perRecordOverhead);
    }
}
