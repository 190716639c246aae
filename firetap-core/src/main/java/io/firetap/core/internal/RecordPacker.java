package io.firetap.core.internal;

import io.firetap.core.FunctionMetadata;
import io.firetap.core.LogLine;
import io.firetap.core.pipeline.LineFormat;
import io.firetap.core.pipeline.OversizePolicy;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a lane's queue of lines into batches of {@link SinkRecord}s that respect every one of the
 * sink's limits, keeping every byte and the order of lines.
 *
 * <p>With packing on, consecutive lines share a record until the next would not fit; a line never
 * straddles two records unless it is larger than a record on its own ({@link OversizePolicy}).
 * The last record of a batch is sized to the room left in the call, so full batches are full.
 *
 * <p>The packer owns the queue (the "carry"): lines taken from the buffer but not yet packed, with
 * the sequence number of the first, so the lane knows what a completed batch settles. Not thread-safe:
 * one lane, one packer.
 */
public final class RecordPacker {

    /** Where the packer tops its carry up from when a batch has room left: a non-blocking take. */
    @FunctionalInterface
    public interface Refill {
        /** Moves up to {@code max} lines into {@code dst} from {@code offset}; returns how many. */
        int fill(LogLine[] dst, int offset, int max);
    }

    /** An oversized line starts its pieces in a new batch rather than in less room than this. */
    private static final int MIN_PIECE_ROOM = 1024;

    private final LineEncoder encoder;
    private final boolean packing;
    private final OversizePolicy oversize;
    private final SinkLimits limits;
    private final Refill refill;

    private LogLine[] carry;
    /** Where a packed record is assembled; grows up to the record limit and is reused. */
    private byte[] scratch = new byte[64 * 1024];
    private int start;
    private int end;
    private long firstSeq;
    /** Raw bytes of {@code carry[start]} already packed (a split line in progress). */
    private int partial;
    /** {@code carry[start]} has been checked for size (and truncated or counted as split). */
    private boolean headChecked;

    // Written by the lane's thread, read by counter snapshots.
    private volatile long splitLines;
    private volatile long truncatedLines;
    private volatile long unfitLines;

    public RecordPacker(SinkLimits limits, boolean packing, OversizePolicy oversize, LineFormat format,
            FunctionMetadata function, int carryCapacity, Refill refill) {
        this.limits = limits;
        this.refill = refill;
        this.packing = packing;
        this.oversize = oversize;
        this.encoder = format == LineFormat.JSON ? new JsonLineEncoder(function) : RawLineEncoder.INSTANCE;
        this.carry = new LogLine[carryCapacity];
    }

    /** The array to fill with newly taken lines, from {@link #freeOffset()}, at most {@link #freeSlots()} of them. */
    public LogLine[] carryArray() {
        compact();
        return carry;
    }

    public int freeOffset() {
        return end;
    }

    public int freeSlots() {
        return carry.length - end;
    }

    /** Records that {@code n} lines were written into {@link #carryArray()} at {@link #freeOffset()}. */
    public void added(int n) {
        end += n;
    }

    /** Sets the sequence number of the first line in the carry (when the carry is empty). */
    public void startAt(long seq) {
        if (start != end) {
            throw new IllegalStateException("carry not empty");
        }
        firstSeq = seq;
    }

    public boolean isEmpty() {
        return start == end;
    }

    public int carried() {
        return end - start;
    }

    /** Every line before this sequence number has been packed completely. */
    public long settledBoundary() {
        return firstSeq;
    }

    public long splitLines() {
        return splitLines;
    }

    public long truncatedLines() {
        return truncatedLines;
    }

    /** Lines that could not be encoded within one record at all (a record limit below the JSON envelope's size). */
    public long unfitLines() {
        return unfitLines;
    }

    private boolean refill() {
        compact();
        int n = refill.fill(carry, end, carry.length - end);
        end += n;
        return n > 0;
    }

    private void compact() {
        if (start == 0) {
            return;
        }
        int n = end - start;
        System.arraycopy(carry, start, carry, 0, n);
        Arrays.fill(carry, n, end, null);
        start = 0;
        end = n;
    }

    /** Packs the next batch from the carry; empty when the carry is empty. */
    public List<SinkRecord> nextBatch() {
        List<SinkRecord> batch = new ArrayList<>();
        long callBytes = 0;
        int maxRecord = limits.maxRecordBytes();
        while (batch.size() < limits.maxRecordsPerCall() && (start < end || refill())) {
            long room = limits.maxBytesPerCall() - callBytes - limits.perRecordOverhead();
            int budget = (int) Math.min(maxRecord, room);
            if (budget < 2) {
                break;
            }
            SinkRecord record = packing ? packRecord(budget, maxRecord) : singleRecord(budget, maxRecord);
            if (record == null) {
                break;
            }
            batch.add(record);
            callBytes += limits.callBytes(record.size());
        }
        if (batch.isEmpty() && start < end) {
            // Not even a piece of the head line fits an empty call: no batch could ever carry it.
            unfitLines++;
            consumeWhole(1);
        }
        return batch;
    }

    /** The head line, truncated or counted as split the first time it is seen oversized. */
    private LogLine head(int maxRecord) {
        LogLine r = carry[start];
        if (!headChecked) {
            headChecked = true;
            if (encoder.size(r, 0, r.length()) > maxRecord) {
                if (oversize == OversizePolicy.TRUNCATE) {
                    r = encoder.truncate(r, maxRecord);
                    carry[start] = r;
                    truncatedLines++;
                } else {
                    splitLines++;
                }
            }
        }
        return r;
    }

    /** One record of as many whole lines as fit; an oversized line yields one piece. Null: end the batch. */
    private SinkRecord packRecord(int budget, int maxRecord) {
        LogLine first = head(maxRecord);
        int firstRemaining = first.length() - partial;
        int firstSize = encoder.size(first, partial, firstRemaining);
        if (firstSize > budget) {
            if (firstSize <= maxRecord || budget < Math.min(maxRecord, MIN_PIECE_ROOM)) {
                // It fits a record of its own in the next call; don't cut a line that needn't be cut.
                return null;
            }
            return piece(first, budget);
        }
        // Lines stream into a scratch buffer as they are taken, topping the carry up as it runs dry,
        // so a record fills to its limit however small the carry is.
        ensureScratch(firstSize);
        int pos = encoder.write(first, partial, firstRemaining, scratch, 0);
        String requestId = first.requestId();
        long timestamp = first.timestampMillis();
        consumeWhole(1);
        int lines = 1;
        while (start < end || refill()) {
            LogLine r = carry[start];
            int size = encoder.size(r, 0, r.length());
            if (pos + size > budget) {
                break;
            }
            ensureScratch(pos + size);
            pos += encoder.write(r, 0, r.length(), scratch, pos);
            consumeWhole(1);
            lines++;
        }
        return new SinkRecord(Arrays.copyOf(scratch, pos), lines, requestId, timestamp);
    }

    private void ensureScratch(int needed) {
        if (scratch.length < needed) {
            scratch = Arrays.copyOf(scratch, Math.max(needed, Math.min(limits.maxRecordBytes(), scratch.length * 2)));
        }
    }

    /** One record of one line (or one piece of an oversized line). Null: end the batch. */
    private SinkRecord singleRecord(int budget, int maxRecord) {
        LogLine r = head(maxRecord);
        int remaining = r.length() - partial;
        int size = encoder.size(r, partial, remaining);
        if (size <= budget) {
            byte[] payload = new byte[size];
            encoder.write(r, partial, remaining, payload, 0);
            SinkRecord record = new SinkRecord(payload, 1, r.requestId(), r.timestampMillis());
            consumeWhole(1);
            return record;
        }
        if (size <= maxRecord || budget < Math.min(maxRecord, MIN_PIECE_ROOM)) {
            return null;
        }
        return piece(r, budget);
    }

    /** The next piece of the oversized head line, at most {@code budget} bytes encoded. */
    private SinkRecord piece(LogLine r, int budget) {
        int count = encoder.fit(r, partial, budget);
        if (count <= 0) {
            return null;
        }
        byte[] payload = new byte[encoder.size(r, partial, count)];
        encoder.write(r, partial, count, payload, 0);
        SinkRecord record = new SinkRecord(payload, 1, r.requestId(), r.timestampMillis());
        partial += count;
        if (partial >= r.length()) {
            consumeWhole(1);
        }
        return record;
    }

    private void consumeWhole(int n) {
        for (int k = 0; k < n; k++) {
            carry[start++] = null;
        }
        firstSeq += n;
        partial = 0;
        headChecked = false;
    }
}
