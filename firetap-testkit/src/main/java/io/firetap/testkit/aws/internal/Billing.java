package io.firetap.testkit.aws.internal;

/**
 * How the two services meter ingestion, for the cost figures the ledger keeps.
 *
 * <p>Internal, not for public use.
 */
public final class Billing {

    // https://aws.amazon.com/firehose/pricing/ : ingestion is billed per record rounded up to the next 5 KB.
    public static final int FIREHOSE_BILLING_INCREMENT = 5 * 1024;

    // https://aws.amazon.com/kinesis/data-streams/pricing/ : a PUT payload unit is a 25 KB chunk of a record.
    public static final int KINESIS_PUT_PAYLOAD_UNIT = 25 * 1024;

    private Billing() {
    }

    /** Bytes Firehose bills for one record of {@code size} bytes; an empty record still costs one increment. */
    public static long firehoseBilledBytes(int size) {
        return (long) chunks(size, FIREHOSE_BILLING_INCREMENT) * FIREHOSE_BILLING_INCREMENT;
    }

    /** PUT payload units Kinesis bills for one record of {@code size} data bytes; at least one. */
    public static long kinesisPutPayloadUnits(int size) {
        return chunks(size, KINESIS_PUT_PAYLOAD_UNIT);
    }

    private static int chunks(int size, int unit) {
        if (size < 0) {
            throw new IllegalArgumentException("size < 0: " + size);
        }
        return Math.max(1, (int) (((long) size + unit - 1) / unit));
    }
}
