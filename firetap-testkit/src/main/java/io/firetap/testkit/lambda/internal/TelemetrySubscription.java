package io.firetap.testkit.lambda.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One extension's Telemetry API subscription: events of the subscribed types are buffered and
 * POSTed to the destination as JSON arrays when {@code maxItems}, {@code maxBytes} or {@code
 * timeoutMs} (counted from the oldest buffered event) is reached, on a thread of its own, one batch
 * at a time, as Lambda does.
 *
 * <p>Internal, not for public use.
 */
public final class TelemetrySubscription {
    private final String extension;
    private final Set<String> types;
    private final int maxItems;
    private final int maxBytes;
    private final long timeoutNanos;
    private final URI destination;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<String> pending = new ArrayList<>();
    private int pendingBytes;
    private long oldestNanos;
    private boolean closed;
    private long delivered;
    private long refused;
    private final Thread sender;

    public TelemetrySubscription(String extension, Set<String> types, int maxItems, int maxBytes, int timeoutMs,
                                 URI destination) {
        this.extension = extension;
        this.types = Set.copyOf(types);
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.destination = destination;
        this.sender = new Thread(this::run, "emulator-telemetry-" + extension);
        sender.setDaemon(true);
        sender.start();
    }

    public String extension() {
        return extension;
    }

    /** {@code true} when events of this category ({@code function}, {@code platform}, {@code extension}) are wanted. */
    public boolean wants(String category) {
        return types.contains(category);
    }

    /** Buffers one event (already JSON). */
    public void offer(String eventJson) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (pending.isEmpty()) {
                oldestNanos = System.nanoTime();
            }
            pending.add(eventJson);
            pendingBytes += eventJson.length() + 1;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Batches delivered (2xx) and refused by the subscriber so far. */
    public long delivered() {
        lock.lock();
        try {
            return delivered;
        } finally {
            lock.unlock();
        }
    }

    public long refused() {
        lock.lock();
        try {
            return refused;
        } finally {
            lock.unlock();
        }
    }

    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        sender.interrupt();
    }

    private void run() {
        while (true) {
            List<String> batch;
            lock.lock();
            try {
                while (!closed && !due()) {
                    if (pending.isEmpty()) {
                        changed.await();
                    } else {
                        changed.awaitNanos(Math.max(1, oldestNanos + timeoutNanos - System.nanoTime()));
                    }
                }
                if (closed) {
                    return;
                }
                int n = Math.min(pending.size(), maxItems);
                int bytes = 2;
                int take = 0;
                while (take < n) {
                    int size = pending.get(take).length() + 1;
                    if (take > 0 && bytes + size > maxBytes) {
                        break;
                    }
                    bytes += size;
                    take++;
                }
                batch = new ArrayList<>(pending.subList(0, take));
                pending.subList(0, take).clear();
                pendingBytes -= bytes - 2;
                oldestNanos = System.nanoTime();
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            boolean ok = post(batch);
            lock.lock();
            try {
                if (ok) {
                    delivered++;
                } else {
                    refused++;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private boolean due() {
        if (pending.isEmpty()) {
            return false;
        }
        return pending.size() >= maxItems || pendingBytes >= maxBytes
                || System.nanoTime() - oldestNanos >= timeoutNanos;
    }

    private boolean post(List<String> batch) {
        byte[] body = ("[" + String.join(",", batch) + "]").getBytes(StandardCharsets.UTF_8);
        try {
            HttpURLConnection c = (HttpURLConnection) destination.toURL().openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setConnectTimeout(2_000);
            c.setReadTimeout(0);
            c.setRequestProperty("Content-Type", "application/json");
            c.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            if (in != null) {
                try (in) {
                    in.readAllBytes();
                }
            }
            return status / 100 == 2;
        } catch (IOException e) {
            // Lambda drops a batch the subscriber cannot take; so does the emulator
            return false;
        }
    }
}
