package io.firetap.extension.internal;

import io.firetap.core.LogLine;
import io.firetap.core.pipeline.Intake;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** An {@link Intake} that keeps every record it is offered, for assertions; waits are bounded. */
final class CollectingIntake implements Intake {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition grew = lock.newCondition();
    private final List<LogLine> records = new ArrayList<>();
    private int calls;

    @Override
    public boolean offer(LogLine record) {
        return offerAll(List.of(record)) == 1;
    }

    @Override
    public int offerAll(List<LogLine> batch) {
        lock.lock();
        try {
            records.addAll(batch);
            calls++;
            grew.signalAll();
            return batch.size();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code seconds} until at least {@code count} records arrived; true if they did. */
    boolean awaitCount(int count, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        lock.lock();
        try {
            while (records.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                grew.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    List<LogLine> records() {
        lock.lock();
        try {
            return List.copyOf(records);
        } finally {
            lock.unlock();
        }
    }

    /** Every record as UTF-8 text (invalid bytes replaced). */
    List<String> texts() {
        return records().stream().map(LogLine::toUtf8String).toList();
    }

    int calls() {
        lock.lock();
        try {
            return calls;
        } finally {
            lock.unlock();
        }
    }

    static String utf8(LogLine r) {
        return new String(r.toByteArray(), StandardCharsets.UTF_8);
    }

    /** The bytes of all records, concatenated. */
    static byte[] join(List<LogLine> records) {
        int n = records.stream().mapToInt(LogLine::length).sum();
        byte[] all = new byte[n];
        int p = 0;
        for (LogLine r : records) {
            r.copyTo(all, p);
            p += r.length();
        }
        return all;
    }
}
