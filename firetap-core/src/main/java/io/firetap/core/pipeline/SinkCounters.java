package io.firetap.core.pipeline;

/**
 * What one sink's lane has done since the pipeline started. Lines cut into pieces by
 * {@link OversizePolicy#SPLIT} count once per piece in the line figures.
 *
 * @param sink             the sink's name
 * @param deliveredLines   lines the sink acknowledged
 * @param deliveredRecords records the sink acknowledged
 * @param deliveredBytes   payload bytes the sink acknowledged
 * @param calls            send calls made (first attempts and retries)
 * @param failedCalls      calls where at least one entry failed, or the whole call did
 * @param retriedRecords   records sent again after a retryable failure
 * @param rejectedLines    lines in records the sink refused for good (e.g. a validation error); dropped
 * @param expiredLines     lines still undelivered when shutdown's deadline passed; dropped
 * @param splitLines       lines cut into pieces because they exceeded the record limit
 * @param truncatedLines   lines cut short because they exceeded the record limit
 * @param pendingLines     lines accepted but not yet settled by this sink
 * @param spilledLines     lines of this sink's backlog that went to disk because memory was full (the spill
 *                         store is shared, so every sink shows the pipeline's figure)
 * @param spilledBytes     line bytes of those lines
 * @param spillDiskBytes   bytes the spill files take on disk now (shared, as above)
 * @param spillLostLines   spilled lines this sink could not read back from disk; dropped (a marker line
 *                         saying so was delivered in the place of each)
 */
public record SinkCounters(String sink, long deliveredLines, long deliveredRecords, long deliveredBytes, long calls,
        long failedCalls, long retriedRecords, long rejectedLines, long expiredLines, long splitLines,
        long truncatedLines, long pendingLines, long spilledLines, long spilledBytes, long spillDiskBytes,
        long spillLostLines) {

    /** Counters of a sink that never spilled. */
    public SinkCounters(String sink, long deliveredLines, long deliveredRecords, long deliveredBytes, long calls,
            long failedCalls, long retriedRecords, long rejectedLines, long expiredLines, long splitLines,
            long truncatedLines, long pendingLines) {
        this(sink, deliveredLines, deliveredRecords, deliveredBytes, calls, failedCalls, retriedRecords, rejectedLines,
                expiredLines, splitLines, truncatedLines, pendingLines, 0, 0, 0, 0);
    }
}
