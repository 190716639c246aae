package io.firetap.core.pipeline;

import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Core's own test sink (core cannot depend on the testkit, which holds the full
 * {@code InMemorySink}): accepts every call and keeps the batches and their bytes in order.
 */
final class RecordingSink implements Sink {
    private final String name;
    private final SinkLimits limits;
    private final List<List<SinkRecord>> batches = new ArrayList<>();
    private final ByteArrayOutputStream stream = new ByteArrayOutputStream();
    private boolean shutDown;

    RecordingSink(String name, SinkLimits limits) {
        this.name = name;
        this.limits = limits;
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
    public synchronized CompletableFuture<SendResult> send(List<SinkRecord> batch) {
        batches.add(List.copyOf(batch));
        batch.forEach(r -> stream.write(r.payload(), 0, r.size()));
        notifyAll();
        return CompletableFuture.completedFuture(SendResult.success());
    }

    @Override
    public synchronized CompletableFuture<Void> shutdown() {
        shutDown = true;
        return CompletableFuture.completedFuture(null);
    }

    synchronized boolean isShutDown() {
        return shutDown;
    }

    synchronized List<List<SinkRecord>> batches() {
        return List.copyOf(batches);
    }

    /** Everything received, concatenated in order. */
    synchronized byte[] bytes() {
        return stream.toByteArray();
    }

    /** The complete lines received, decoded, without their newline. */
    List<String> lines() {
        String all = new String(bytes(), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(all.split("\n", -1)));
        lines.remove(lines.size() - 1);
        return lines;
    }

    /** How many complete lines have arrived. */
    int lineCount() {
        return lines().size();
    }

    /** Waits until {@code n} complete lines have arrived; false if {@code timeout} passed first. */
    synchronized boolean awaitLines(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lines().size() < n) {
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) {
                return false;
            }
            wait(leftMs);
        }
        return true;
    }
}
