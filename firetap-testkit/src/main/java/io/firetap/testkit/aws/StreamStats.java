package io.firetap.testkit.aws;

/**
 * A consistent snapshot of what one stream has seen.
 *
 * @param calls           calls addressed to the stream, whatever their outcome
 * @param records         records accepted
 * @param failedEntries   batch entries answered with an error code (injected partial failures)
 * @param lines           lines in the accepted records (see {@link AcceptedStream#lines()})
 * @param payloadBytes    data bytes accepted (Kinesis partition keys not included)
 * @param billedBytes     Firehose: accepted records each rounded up to the next 5 KB (5,120 bytes)
 *                        step, as Firehose bills ingestion; 0 for Kinesis
 * @param putPayloadUnits Kinesis: 25 KB (25,600 bytes) chunks of each accepted record's data, as
 *                        Kinesis bills PUTs; 0 for Firehose
 * @param violations      calls refused because of their content (see {@link Violation})
 */
public record StreamStats(long calls, long records, long failedEntries, long lines, long payloadBytes,
        long billedBytes, long putPayloadUnits, long violations) {

    /** Billed bytes per payload byte (Firehose); 0 when nothing was accepted. */
    public double billingOverhead() {
        return payloadBytes == 0 ? 0.0 : (double) billedBytes / payloadBytes;
    }
}
