package io.firetap.core;

import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

/**
 * A fake sink for pipeline tests: every call is recorded, its answer comes from a script
 * (call number, batch) → future, and the entries the answer reports as stored are kept in order.
 * It also checks every batch against its limits and remembers any violation.
 */
public final class ScriptedSink implements Sink {
    private final String name;
    private final SinkLimits limits;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<List<SinkRecord>> calls = new ArrayList<>();
    private final ByteArrayOutputStream stored = new ByteArrayOutputStream();
    private final List<String> violations = new ArrayList<>();
    private volatile BiFunction<Integer, List<SinkRecord>, CompletableFuture<SendResult>> script =
            (n, batch) -> CompletableFuture.completedFuture(SendResult.success());
    private volatile CompletableFuture<Void> started = CompletableFuture.completedFuture(null);
    private boolean shutDown;

    public ScriptedSink(String name, SinkLimits limits) {
        this.name = name;
        this.limits = limits;
    }

    public ScriptedSink script(BiFunction<Integer, List<SinkRecord>, CompletableFuture<SendResult>> value) {
        this.script = value;
        return this;
    }

    /** What {@link #start()} returns: a future the test completes (or never does) to hold the sink in its start. */
    public ScriptedSink startWith(CompletableFuture<Void> value) {
        this.started = value;
        return this;
    }

    @Override
    public CompletableFuture<Void> start() {
        return started;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SinkLimits limits() {
        return limits;
    }

    @Override
    public CompletableFuture<SendResult> send(List<SinkRecord> batch) {
        int n;
        lock.lock();
        try {
            check(batch);
            calls.add(List.copyOf(batch));
            n = calls.size();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        CompletableFuture<SendResult> answer = script.apply(n, batch);
        return answer.thenApply(result -> {
            keep(batch, result);
            return result;
        });
    }

    private void check(List<SinkRecord> batch) {
        if (batch.isEmpty()) {
            violations.add("empty batch");
        }
        if (batch.size() > limits.maxRecordsPerCall()) {
            violations.add("batch of " + batch.size() + " records");
        }
        long bytes = 0;
        for (SinkRecord r : batch) {
            bytes += limits.callBytes(r.size());
            if (r.size() > limits.maxRecordBytes()) {
                violations.add("record of " + r.size() + " bytes");
            }
            if (r.size() == 0 || r.payload()[r.size() - 1] != '\n') {
                violations.add("record not ending in a newline");
            }
        }
        if (bytes > limits.maxBytesPerCall()) {
            violations.add("batch of " + bytes + " bytes");
        }
    }

    private void keep(List<SinkRecord> batch, SendResult result) {
        boolean[] failed = new boolean[batch.size()];
        result.failures().forEach(f -> failed[f.index()] = true);
        lock.lock();
        try {
            for (int i = 0; i < batch.size(); i++) {
                if (!failed[i]) {
                    stored.writeBytes(batch.get(i).payload());
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        lock.lock();
        try {
            shutDown = true;
        } finally {
            lock.unlock();
        }
        return CompletableFuture.completedFuture(null);
    }

    public boolean isShutDown() {
        lock.lock();
        try {
            return shutDown;
        } finally {
            lock.unlock();
        }
    }

    /** Every batch as sent, attempts and retries alike. */
    public List<List<SinkRecord>> calls() {
        lock.lock();
        try {
            return List.copyOf(calls);
        } finally {
            lock.unlock();
        }
    }

    /** The bytes of every entry reported stored, in the order stored. */
    public byte[] stored() {
        lock.lock();
        try {
            return stored.toByteArray();
        } finally {
            lock.unlock();
        }
    }

    public List<String> violations() {
        lock.lock();
        try {
            return List.copyOf(violations);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until at least {@code n} calls were made. */
    public boolean awaitCalls(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (calls.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
