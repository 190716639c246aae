package io.firetap.extension.internal;

import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A sink for barrier tests: it starts when the test says, answers at once or holds every answer
 * until the test releases it, and keeps the lines of every call it answered, in order.
 */
final class HeldSink implements Sink {
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<String> lines = new ArrayList<>();
    private final List<CompletableFuture<SendResult>> held = new ArrayList<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private boolean holding;
    private int calls;

    HeldSink(String name, boolean startNow) {
        this.name = name;
        if (startNow) {
            started.complete(null);
        }
    }

    /** Finishes the sink's start. */
    void finishStart() {
        started.complete(null);
    }

    /** From now on, answers wait for {@link #release()}. */
    void hold() {
        lock.lock();
        try {
            holding = true;
        } finally {
            lock.unlock();
        }
    }

    /** Answers every held call with success and answers at once from now on. */
    void release() {
        List<CompletableFuture<SendResult>> answers;
        lock.lock();
        try {
            holding = false;
            answers = List.copyOf(held);
            held.clear();
        } finally {
            lock.unlock();
        }
        answers.forEach(f -> f.complete(SendResult.success()));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SinkLimits limits() {
        return SinkLimits.generous();
    }

    @Override
    public CompletableFuture<Void> start() {
        return started;
    }

    @Override
    public CompletableFuture<SendResult> send(List<SinkRecord> batch) {
        CompletableFuture<SendResult> answer = new CompletableFuture<>();
        lock.lock();
        try {
            calls++;
            if (holding) {
                held.add(answer);
            } else {
                answer.complete(SendResult.success());
            }
        } finally {
            lock.unlock();
        }
        return answer.thenApply(result -> {
            keep(batch);
            return result;
        });
    }

    private void keep(List<SinkRecord> batch) {
        lock.lock();
        try {
            for (SinkRecord r : batch) {
                String text = new String(r.payload(), 0, r.size(), StandardCharsets.UTF_8);
                for (String line : text.split("\n")) {
                    lines.add(line);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        release();
        return CompletableFuture.completedFuture(null);
    }

    /** Lines of every answered call, in order. */
    List<String> lines() {
        lock.lock();
        try {
            return List.copyOf(lines);
        } finally {
            lock.unlock();
        }
    }

    /** Calls made so far, answered or not. */
    int calls() {
        lock.lock();
        try {
            return calls;
        } finally {
            lock.unlock();
        }
    }
}
