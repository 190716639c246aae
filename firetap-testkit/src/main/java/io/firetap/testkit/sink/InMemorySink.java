package io.firetap.testkit.sink;

import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import io.firetap.testkit.aws.internal.ByteWords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A sink that keeps everything it is sent, in order, for assertions in tests. Every send succeeds.
 * Thread-safe; {@link #awaitLines} waits (bounded) for deliveries instead of sleeping. Use it to test
 * code that drives a {@link io.firetap.core.pipeline.ShippingPipeline} or an embedded extension.
 */
public final class InMemorySink implements Sink {
    private final String name;
    private final SinkLimits limits;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final List<List<SinkRecord>> batches = new ArrayList<>();
    private long lineCount;
    private boolean shutDown;

    public InMemorySink(String name, SinkLimits limits) {
        this.name = Objects.requireNonNull(name, "name");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Named {@code memory}, with {@link SinkLimits#generous()}. */
    public InMemorySink() {
        this("memory", SinkLimits.generous());
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
        lock.lock();
        try {
            batches.add(List.copyOf(batch));
            for (SinkRecord r : batch) {
                lineCount += ByteWords.countNewlines(r.payload());
            }
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        return CompletableFuture.completedFuture(SendResult.success());
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

    /** Every batch received, in order. */
    public List<List<SinkRecord>> batches() {
        lock.lock();
        try {
            return List.copyOf(batches);
        } finally {
            lock.unlock();
        }
    }

    /** Every record received, in order. */
    public List<SinkRecord> records() {
        List<SinkRecord> all = new ArrayList<>();
        for (List<SinkRecord> b : batches()) {
            all.addAll(b);
        }
        return all;
    }

    /** All payloads concatenated, in order: the byte stream a consumer of the destination reads. */
    public byte[] bytes() {
        List<SinkRecord> records = records();
        int size = 0;
        for (SinkRecord r : records) {
            size += r.size();
        }
        byte[] out = new byte[size];
        int pos = 0;
        for (SinkRecord r : records) {
            System.arraycopy(r.payload(), 0, out, pos, r.size());
            pos += r.size();
        }
        return out;
    }

    /** Every delivered line as bytes (without its {@code '\n'}), in order. */
    public List<byte[]> lineBytes() {
        byte[] all = bytes();
        List<byte[]> lines = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                lines.add(Arrays.copyOfRange(all, from, i));
                from = i + 1;
            }
        }
        if (from < all.length) {
            lines.add(Arrays.copyOfRange(all, from, all.length));
        }
        return lines;
    }

    /** Every delivered line decoded as UTF-8, in order. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        for (byte[] b : lineBytes()) {
            out.add(new String(b, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Number of lines received so far. */
    public long lineCount() {
        lock.lock();
        try {
            return lineCount;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until at least {@code n} lines have arrived; {@code false} if {@code timeout} passed first. */
    public boolean awaitLines(long n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (lineCount < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                arrived.await(left, TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Forgets everything received. */
    public void clear() {
        lock.lock();
        try {
            batches.clear();
            lineCount = 0;
        } finally {
            lock.unlock();
        }
    }
}
