package io.firetap.core.internal;

import io.firetap.core.FunctionMetadata;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.pipeline.SinkCounters;
import io.firetap.core.sink.EntryFailure;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sink's worker: takes due lines from the shared buffer, packs them into batches within the
 * sink's limits, sends one batch at a time, retries only the entries that failed retryably (with
 * backoff that a flush can cut short), and settles lines in the buffer once their batch is done.
 *
 * <p>One batch at a time keeps lines in order per sink and makes "settled" a single mark.
 * Counters are written by the lane's thread only and read by anyone.
 */
public final class Lane implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Lane.class);
    private static final int CARRY_SLOTS = 4096;

    private final int index;
    private final Sink sink;
    private final LineBuffer buffer;
    private final RecordPacker packer;
    private final Backoff backoff;
    private final long intervalNanos;
    private final long sendTimeoutNanos;
    private final LossReporter losses;
    private final Thread thread;
    private final java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);

    private volatile boolean abandoned;

    private volatile long deliveredLines;
    private volatile long deliveredRecords;
    private volatile long deliveredBytes;
    private volatile long calls;
    private volatile long failedCalls;
    private volatile long retriedRecords;
    private volatile long rejectedLines;
    private volatile long expiredLines;

    public Lane(int index, Sink sink, LineBuffer buffer, PipelineConfig config, FunctionMetadata function,
            LossReporter losses) {
        this.index = index;
        this.sink = sink;
        this.buffer = buffer;
        SinkLimits limits = sink.limits().narrowedTo(config.maxBatchRecords(), config.maxBatchBytes(),
                config.maxRecordBytes());
        this.packer = new RecordPacker(limits, config.packing(), config.oversize(), config.format(), function,
                CARRY_SLOTS, (dst, offset, max) -> buffer.poll(index, dst, offset, max));
        this.backoff = new Backoff(config.retryBase(), config.retryMax());
        this.intervalNanos = config.flushInterval().toNanos();
        this.sendTimeoutNanos = config.sendTimeout().toNanos();
        this.losses = losses;
        // a batch is full at the call's byte limit (packed lines fill records up to it) or, one line per
        // record, at its record limit; only then does a batch leave before its interval
        buffer.setLaneThresholds(index, limits.maxBytesPerCall(),
                config.packing() ? Long.MAX_VALUE : limits.maxRecordsPerCall());
        this.thread = new Thread(this, "firetap-" + sink.name());
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public Sink sink() {
        return sink;
    }

    /** Gives up: retries stop, the worker leaves, and what it has not settled stays unsettled. */
    public void abandon() {
        abandoned = true;
        thread.interrupt();
    }

    /** Waits for the worker to leave, at most until {@code deadlineNanos}. */
    public boolean awaitExit(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        return !thread.isAlive();
    }

    /** Counts lines the shutdown deadline left undelivered. */
    public void expire(long lines) {
        expiredLines += lines;
        losses.add("shutdown deadline passed before sink '" + sink.name() + "' took them", lines);
    }

    @Override
    public void run() {
        try {
            try {
                awaitSinkStart();
            } finally {
                ready.countDown();
            }
            while (!abandoned) {
                if (packer.isEmpty()) {
                    packer.startAt(buffer.readPosition(index));
                    int n = buffer.awaitDue(index, packer.carryArray(), packer.freeOffset(), packer.freeSlots(),
                            intervalNanos);
                    if (n == 0) {
                        return;
                    }
                    packer.added(n);
                }
                long unfitBefore = packer.unfitLines();
                List<SinkRecord> batch = packer.nextBatch();
                long unfit = packer.unfitLines() - unfitBefore;
                if (unfit > 0) {
                    rejectedLines += unfit;
                    losses.add("a line cannot fit in one record of sink '" + sink.name()
                            + "' (record limit below the JSON envelope's size)", unfit);
                }
                if (!batch.isEmpty() && !deliver(batch)) {
                    return;
                }
                buffer.settle(index, packer.settledBoundary());
            }
        } catch (InterruptedException e) {
            // Interrupted only by abandon(): leave, keeping what is unsettled counted as pending.
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("worker of sink '{}' stopped unexpectedly; its undelivered lines will be counted at shutdown",
                    sink.name(), e);
        }
    }

    /** Waits until the sink's {@code start()} has finished (or failed, or timed out); {@code false} on timeout. */
    public boolean awaitReady(long nanos) throws InterruptedException {
        return ready.await(nanos, TimeUnit.NANOSECONDS);
    }

    private void awaitSinkStart() throws InterruptedException {
        CompletableFuture<Void> started;
        try {
            started = sink.start();
        } catch (RuntimeException e) {
            LOG.warn("sink '{}' failed to start; sends will be retried", sink.name(), e);
            return;
        }
        try {
            started.get(sendTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            LOG.warn("sink '{}' failed to start; sends will be retried", sink.name(), e.getCause());
        } catch (TimeoutException e) {
            LOG.warn("sink '{}' did not start within {} ms; sending anyway", sink.name(),
                    TimeUnit.NANOSECONDS.toMillis(sendTimeoutNanos));
        }
    }

    /**
     * Sends the batch until every entry is delivered or rejected for good.
     *
     * @return {@code false} when abandoned with entries still unsent
     */
    private boolean deliver(List<SinkRecord> batch) throws InterruptedException {
        List<SinkRecord> pending = batch;
        long seenFlush = buffer.flushGeneration(index);
        int attempt = 0;
        while (true) {
            if (abandoned) {
                return false;
            }
            SendResult result = send(pending);
            calls++;
            List<EntryFailure> failures = result.failures();
            if (failures.isEmpty()) {
                countDelivered(pending, null);
                return true;
            }
            failedCalls++;
            boolean[] failed = new boolean[pending.size()];
            List<SinkRecord> retry = new ArrayList<>();
            long rejected = 0;
            EntryFailure firstRejection = null;
            EntryFailure firstRetryable = null;
            for (EntryFailure f : failures) {
                if (f.index() >= pending.size() || failed[f.index()]) {
                    continue;
                }
                failed[f.index()] = true;
                SinkRecord r = pending.get(f.index());
                if (f.retryable()) {
                    retry.add(r);
                    if (firstRetryable == null) {
                        firstRetryable = f;
                    }
                } else {
                    rejected += r.lineCount();
                    if (firstRejection == null) {
                        firstRejection = f;
                    }
                }
            }
            countDelivered(pending, failed);
            if (rejected > 0) {
                rejectedLines += rejected;
                losses.add("sink '" + sink.name() + "' rejected them for good: " + firstRejection.errorCode()
                        + (firstRejection.message().isEmpty() ? "" : " (" + firstRejection.message() + ")"), rejected);
            }
            if (retry.isEmpty()) {
                return true;
            }
            retriedRecords += retry.size();
            pending = retry;
            attempt++;
            if (attempt == 1 || attempt % 10 == 0) {
                LOG.debug("sink '{}': {} records to retry (attempt {}): {}", sink.name(), retry.size(), attempt,
                        firstRetryable.errorCode());
            }
            if (result.retryAfter().isPresent()) {
                buffer.awaitStop(result.retryAfter().get().toNanos());
            }
            // A flush asked for since the last attempt gets one retry right away instead of waiting out
            // the backoff: the invocation is about to end.
            long gen = buffer.flushGeneration(index);
            if (gen == seenFlush) {
                buffer.awaitFlushOrStop(index, seenFlush, backoff.nextNanos(attempt));
                gen = buffer.flushGeneration(index);
            }
            seenFlush = gen;
        }
    }

    private SendResult send(List<SinkRecord> batch) throws InterruptedException {
        CompletableFuture<SendResult> future;
        try {
            future = sink.send(batch);
        } catch (RuntimeException e) {
            return SendResult.failedAll(batch.size(), true, e.getClass().getSimpleName(), e.getMessage());
        }
        try {
            SendResult r = future.get(sendTimeoutNanos, TimeUnit.NANOSECONDS);
            return r == null ? SendResult.failedAll(batch.size(), true, "NullResult", "sink returned no result") : r;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return SendResult.failedAll(batch.size(), true, cause.getClass().getSimpleName(), cause.getMessage());
        } catch (TimeoutException e) {
            future.cancel(true);
            return SendResult.failedAll(batch.size(), true, "Timeout",
                    "no answer within " + TimeUnit.NANOSECONDS.toMillis(sendTimeoutNanos) + " ms");
        }
    }

    private void countDelivered(List<SinkRecord> sent, boolean[] failed) {
        long lines = 0;
        long records = 0;
        long bytes = 0;
        for (int i = 0; i < sent.size(); i++) {
            if (failed == null || !failed[i]) {
                SinkRecord r = sent.get(i);
                lines += r.lineCount();
                records++;
                bytes += r.size();
            }
        }
        deliveredLines += lines;
        deliveredRecords += records;
        deliveredBytes += bytes;
    }

    public SinkCounters counters() {
        long[] intake = buffer.intakeCounters();
        return new SinkCounters(sink.name(), deliveredLines, deliveredRecords, deliveredBytes, calls, failedCalls,
                retriedRecords, rejectedLines, expiredLines, packer.splitLines(), packer.truncatedLines(),
                buffer.pending(index), intake[4], intake[5], intake[7], buffer.spillUnreadable(index));
    }
}
