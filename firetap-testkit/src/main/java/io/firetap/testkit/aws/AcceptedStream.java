package io.firetap.testkit.aws;

import io.firetap.testkit.aws.internal.StreamLedger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one Firehose delivery stream or Kinesis data stream of an {@link AwsEndpoint} accepted,
 * for assertions: the records in arrival order, their lines, counters, cost figures and the calls
 * it refused.
 *
 * <p>Guarantees: thread-safe; every method returns a consistent snapshot taken under one lock;
 * records appear in the order their calls were processed and, within a call, in request order; a
 * record's bytes are exactly the bytes sent (no decoding, invalid UTF-8 and NUL bytes kept). The
 * {@code await*} methods wait on a condition signalled by every change, never by polling.
 */
public final class AcceptedStream {
    private final StreamLedger ledger;

    AcceptedStream(StreamLedger ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    public String name() {
        return ledger.name();
    }

    public AwsService service() {
        return ledger.service();
    }

    /**
     * The accepted records in arrival order.
     *
     * @throws IllegalStateException if the endpoint was built not to retain records
     */
    public List<AcceptedRecord> records() {
        requireRetained();
        return ledger.records();
    }

    /**
     * Every line of every accepted record, in order, decoded as UTF-8 (malformed bytes replaced),
     * without the {@code '\n'}. Each record is split on its own: a {@code '\n'} ends a line, and a
     * non-empty tail without one is a line too (lines never span records).
     *
     * @throws IllegalStateException if the endpoint was built not to retain records
     */
    public List<String> lines() {
        List<byte[]> raw = lineBytes();
        List<String> lines = new ArrayList<>(raw.size());
        for (byte[] line : raw) {
            lines.add(new String(line, StandardCharsets.UTF_8));
        }
        return lines;
    }

    /** {@link #lines()} as exact bytes. */
    public List<byte[]> lineBytes() {
        requireRetained();
        return ledger.lineBytes();
    }

    /** Calls refused because of their content; empty for a client that respects every limit. */
    public List<Violation> violations() {
        return ledger.violations();
    }

    /** All counters at once. */
    public StreamStats stats() {
        return ledger.stats();
    }

    /** Calls addressed to this stream, whatever their outcome. */
    public long calls() {
        return stats().calls();
    }

    /** Records accepted. */
    public long recordCount() {
        return stats().records();
    }

    /** Lines in the accepted records. */
    public long lineCount() {
        return stats().lines();
    }

    /** Data bytes accepted. */
    public long payloadBytes() {
        return stats().payloadBytes();
    }

    /** Firehose: bytes billed, each record rounded up to a 5 KB (5,120-byte) step; 0 for Kinesis. */
    public long billedBytes() {
        return stats().billedBytes();
    }

    /** Kinesis: PUT payload units, 25 KB (25,600-byte) chunks of each record; 0 for Firehose. */
    public long putPayloadUnits() {
        return stats().putPayloadUnits();
    }

    /** Waits until at least {@code n} records were accepted; {@code false} if {@code timeout} passed first. */
    public boolean awaitRecords(long n, Duration timeout) throws InterruptedException {
        return ledger.awaitRecords(n, timeout);
    }

    /** Waits until at least {@code n} lines were accepted; {@code false} if {@code timeout} passed first. */
    public boolean awaitLines(long n, Duration timeout) throws InterruptedException {
        return ledger.awaitLines(n, timeout);
    }

    /** Waits until at least {@code n} calls arrived, whatever their outcome; {@code false} if {@code timeout} passed first. */
    public boolean awaitCalls(long n, Duration timeout) throws InterruptedException {
        return ledger.awaitCalls(n, timeout);
    }

    private void requireRetained() {
        if (!ledger.retainsRecords()) {
            throw new IllegalStateException("the endpoint was built with retainRecords(false): only counters are kept for "
                    + ledger.service() + "/" + ledger.name());
        }
    }

    @Override
    public String toString() {
        return ledger.toString();
    }
}
