package io.firetap.testkit.aws.internal;

import io.firetap.testkit.aws.AcceptedRecord;
import io.firetap.testkit.aws.AwsService;
import io.firetap.testkit.aws.StreamStats;
import io.firetap.testkit.aws.Violation;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything one stream saw: accepted records in arrival order, counters, cost figures and
 * violations. All writers and readers go through one lock, so every view is a consistent
 * snapshot; waiters are woken on every change.
 *
 * <p>Internal, not for public use.
 */
public final class StreamLedger {
    private final AwsService service;
    private final String name;
    private final boolean retainRecords;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<AcceptedRecord> records = new ArrayList<>();
    private final List<Violation> violations = new ArrayList<>();
    private long calls;
    private long recordCount;
    private long failedEntries;
    private long lineCount;
    private long payloadBytes;
    private long billedBytes;
    private long putPayloadUnits;

    /**
     * @param retainRecords keep every accepted record for {@link #records()}; when false only the
     *                      counters are kept (for benchmarks that push millions of lines)
     */
    public StreamLedger(AwsService service, String name, boolean retainRecords) {
        this.service = Objects.requireNonNull(service, "service");
        this.name = Objects.requireNonNull(name, "name");
        this.retainRecords = retainRecords;
    }

    public AwsService service() {
        return service;
    }

    public String name() {
        return name;
    }

    public boolean retainsRecords() {
        return retainRecords;
    }

    /** A call addressed to this stream arrived. */
    public void callArrived() {
        lock.lock();
        try {
            calls++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Records of one call that were accepted, in request order, and how many entries failed. */
    public void accepted(List<AcceptedRecord> batch, int failed) {
        long lines = 0;
        long bytes = 0;
        long billed = 0;
        long units = 0;
        for (AcceptedRecord record : batch) {
            lines += record.lineCount();
            bytes += record.size();
            if (service == AwsService.FIREHOSE) {
                billed += Billing.firehoseBilledBytes(record.size());
            } else {
                units += Billing.kinesisPutPayloadUnits(record.size());
            }
        }
        lock.lock();
        try {
            if (retainRecords) {
                records.addAll(batch);
            }
            recordCount += batch.size();
            lineCount += lines;
            payloadBytes += bytes;
            billedBytes += billed;
            putPayloadUnits += units;
            failedEntries += failed;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public void violated(Violation violation) {
        lock.lock();
        try {
            violations.add(violation);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public List<AcceptedRecord> records() {
        lock.lock();
        try {
            return List.copyOf(records);
        } finally {
            lock.unlock();
        }
    }

    public List<Violation> violations() {
        lock.lock();
        try {
            return List.copyOf(violations);
        } finally {
            lock.unlock();
        }
    }

    /** Every line of every retained record, in order, as exact bytes without the {@code '\n'}. */
    public List<byte[]> lineBytes() {
        List<byte[]> lines = new ArrayList<>();
        for (AcceptedRecord record : records()) {
            splitLines(record.dataBuffer(), lines);
        }
        return lines;
    }

    public StreamStats stats() {
        lock.lock();
        try {
            return new StreamStats(calls, recordCount, failedEntries, lineCount, payloadBytes, billedBytes,
                    putPayloadUnits, violations.size());
        } finally {
            lock.unlock();
        }
    }

    /** Waits until at least {@code n} records were accepted; false if {@code timeout} passed first. */
    public boolean awaitRecords(long n, Duration timeout) throws InterruptedException {
        return await(() -> recordCount >= n, timeout);
    }

    /** Waits until at least {@code n} lines were accepted; false if {@code timeout} passed first. */
    public boolean awaitLines(long n, Duration timeout) throws InterruptedException {
        return await(() -> lineCount >= n, timeout);
    }

    /** Waits until at least {@code n} calls arrived; false if {@code timeout} passed first. */
    public boolean awaitCalls(long n, Duration timeout) throws InterruptedException {
        return await(() -> calls >= n, timeout);
    }

    private boolean await(java.util.function.BooleanSupplier reached, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (!reached.getAsBoolean()) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = changed.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    static void splitLines(ByteBuffer data, List<byte[]> out) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                out.add(Arrays.copyOfRange(bytes, start, i));
                start = i + 1;
            }
        }
        if (start < bytes.length) {
            out.add(Arrays.copyOfRange(bytes, start, bytes.length));
        }
    }

    @Override
    public String toString() {
        return service + "/" + name + " " + stats();
    }
}
