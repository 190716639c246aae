package io.firetap.core.internal;

import io.firetap.core.LogLine;
import io.firetap.core.pipeline.OverflowPolicy;
import io.firetap.core.pipeline.PipelineConfig;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pipeline's one bounded store of lines, read independently by one lane per sink.
 *
 * <p>Lines get consecutive sequence numbers. Each lane has a read cursor (what it has taken) and
 * a settled mark (everything below it is delivered or given up by that lane). A line's memory is
 * released once every lane has settled it, so a slow sink holds memory — up to the bound — but
 * never holds up the other sinks' delivery.
 *
 * <p>Memory is counted as line length plus {@link PipelineConfig#LINE_OVERHEAD_BYTES}. A single
 * line larger than the whole bound is still taken when the buffer is empty, so no line is refused
 * for its size alone. The buffer lets go of a line as soon as every lane has taken it (the lanes
 * hold it from there, packed into their batches); its bytes stay counted in the bound until every
 * lane has settled it. Under a steady flood that keeps a batch's lines (and the read chunks they
 * are slices of) from outliving the packing by the length of a send, which is what would otherwise
 * carry them past a young collection into the old generation.
 *
 * <p>A lane's lines become due — it takes them and sends a batch — when the oldest unread one has
 * waited the flush interval, when they fill a batch (counted in line bytes, as the batch counts
 * them, not in memory), when the buffer is half full or a writer waits for space, or when a flush
 * asks for them. Nothing else starts a send, so under light traffic a lane makes at most one call
 * per flush interval. Flushes are per lane: a flush can cover some lanes and leave the others to
 * their interval.
 *
 * <p>The buffer also knows when each line arrived ({@link ArrivalStamps}), so it can tell how long
 * the oldest line a lane has not settled has waited.
 *
 * <p>Under {@link OverflowPolicy#SPILL} a line that does not fit in memory goes to a {@link SpillStore}
 * instead, and so does every line after it until every lane has settled everything on disk: the
 * sequence is always lines in memory followed by lines on disk, so memory holds no place for what is
 * on disk and order per lane is simply the order of sequence numbers. A lane that reaches the disk
 * reads lines back, at most about one memory bound of them per take, and the store deletes a file once
 * every lane has settled its lines. A line is in exactly one place: in memory (counted in the bound)
 * or on disk (counted against the disk cap). What the store refuses (cap reached, disk full, write
 * error) is dropped and counted; the writer never waits for space.
 */
public final class LineBuffer {
    private static final int INITIAL_SLOTS = 1024;
    private static final long IDLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Spilled lines are written in chunks of about this size. */
    private static final int SPILL_WRITE_BYTES = 64 * 1024;

    private final ReentrantLock lock = new ReentrantLock();
    /** Writers waiting for space (BLOCK policy). */
    private final Condition spaceFreed = lock.newCondition();
    /** Lanes waiting for data, a due interval, a flush request or stop. */
    private final Condition laneWake = lock.newCondition();
    /** Flush waiters waiting for settled marks to advance. */
    private final Condition settledAdvanced = lock.newCondition();

    private final long capacityBytes;
    private final OverflowPolicy policy;
    private final long blockTimeoutNanos;
    private final int lanes;

    private LogLine[] ring = new LogLine[INITIAL_SLOTS];
    /** Each slot's line length, kept for the settle that comes after the slot has let go of its line. */
    private int[] lengths = new int[INITIAL_SLOTS];
    private long head;
    /** Slots from {@link #head} below this hold no line any more: every lane has taken it. */
    private long released;
    private long tail;
    private long usedBytes;
    private long appendedBytes;
    /** Line bytes plus one newline each: what a batch of raw packed lines would carry. */
    private long appendedLineBytes;
    private final ArrivalStamps arrivals = new ArrivalStamps();
    /** What stamps arrivals, or {@code null} for {@link System#nanoTime()} (read once per offer either way). */
    private final java.util.function.LongSupplier arrivalClock;

    private final long[] read;
    private final long[] readBytes;
    private final long[] readLineBytes;
    private final long[] settled;
    private final long[] pendingSinceNanos;
    private final long[] wakeBytes;
    private final long[] wakeCount;
    private int lanesWaiting;
    private int writersWaiting;

    private final long[] flushTarget;
    private final long[] flushGeneration;
    private boolean closed;
    private boolean stopping;
    /** Set when a BLOCK wait ran out; further writers drop at once until space frees. */
    private boolean overflowing;

    private long accepted;
    private long droppedOverflow;
    private long droppedClosed;

    /** Where lines go that do not fit in memory, under {@link OverflowPolicy#SPILL}; else {@code null}. */
    private final SpillStore spill;
    private long spilledLines;
    private long spilledBytes;
    private long droppedSpill;
    private String lastSpillRefusal = "";
    /** Spilled lines each lane could not read back (a marker line took their place). */
    private final long[] spillUnreadable;
    private final String[] spillReadError;
    /** Set at shutdown once what was left on disk has been counted as expired. */
    private boolean spillDiscarded;
    /** Set when a spill write took longer than the block timeout; cleared once the disk is empty again. */
    private boolean spillTooSlow;
    /** Lines from {@link #diskStart} to {@link #tail} are on disk; memory holds those from {@link #head} up to it. */
    private boolean onDisk;
    private long diskStart;

    public LineBuffer(long capacityBytes, OverflowPolicy policy, long blockTimeoutNanos, int lanes) {
        this(capacityBytes, policy, blockTimeoutNanos, lanes, null);
    }

    /**
     * @param arrivalClock what stamps arrivals ({@link #oldestPendingSince}, {@link #firstAcceptedAfter}),
     *                     in {@link System#nanoTime()}'s scale; {@code null} for {@link System#nanoTime()}.
     *                     The interval keeps real time whatever it is.
     */
    public LineBuffer(long capacityBytes, OverflowPolicy policy, long blockTimeoutNanos, int lanes,
            java.util.function.LongSupplier arrivalClock) {
        this(capacityBytes, policy, blockTimeoutNanos, lanes, arrivalClock, null);
    }

    /**
     * @param spill where lines go that do not fit in memory; required with {@link OverflowPolicy#SPILL},
     *              ignored otherwise. Lines it adopted from a previous process are the buffer's first lines.
     */
    public LineBuffer(long capacityBytes, OverflowPolicy policy, long blockTimeoutNanos, int lanes,
            java.util.function.LongSupplier arrivalClock, SpillStore spill) {
        if (policy == OverflowPolicy.SPILL && spill == null) {
            throw new IllegalArgumentException("the spill policy needs a spill store");
        }
        this.spill = policy == OverflowPolicy.SPILL ? spill : null;
        this.spillUnreadable = new long[lanes];
        this.spillReadError = new String[lanes];
        this.arrivalClock = arrivalClock;
        if (lanes < 1) {
            throw new IllegalArgumentException("need at least one lane");
        }
        this.capacityBytes = capacityBytes;
        this.policy = policy;
        this.blockTimeoutNanos = blockTimeoutNanos;
        this.lanes = lanes;
        this.read = new long[lanes];
        this.readBytes = new long[lanes];
        this.readLineBytes = new long[lanes];
        this.flushTarget = new long[lanes];
        this.flushGeneration = new long[lanes];
        this.settled = new long[lanes];
        this.pendingSinceNanos = new long[lanes];
        this.wakeBytes = new long[lanes];
        this.wakeCount = new long[lanes];
        java.util.Arrays.fill(wakeBytes, Long.MAX_VALUE);
        java.util.Arrays.fill(wakeCount, Long.MAX_VALUE);
        if (this.spill != null && this.spill.adoptedLines() > 0) {
            long n = this.spill.adoptedLines();
            arrivals.mark(0, arrivalClock == null ? System.nanoTime() : arrivalClock.getAsLong());
            appendSpilled(n, this.spill.diskBytes() + n * PipelineConfig.LINE_OVERHEAD_BYTES, this.spill.diskBytes());
            accepted += n;
            spilledLines += n;
            spilledBytes += this.spill.diskBytes();
        }
    }

    /**
     * Sets how much unread data makes a lane's batch full, so the lane leaves without waiting for its
     * interval: {@code bytes} of lines (each counted with its newline), or {@code count} lines.
     */
    public void setLaneThresholds(int lane, long bytes, long count) {
        lock.lock();
        try {
            wakeBytes[lane] = bytes;
            wakeCount[lane] = count;
        } finally {
            lock.unlock();
        }
    }

    private static long cost(LogLine r) {
        return (long) r.length() + PipelineConfig.LINE_OVERHEAD_BYTES;
    }

    private static long lineBytes(LogLine r) {
        return (long) r.length() + 1;
    }

    /**
     * Appends lines in order until one does not fit (after waiting, under {@link OverflowPolicy#BLOCK}).
     * The rest of the list is dropped and counted.
     *
     * @return how many were accepted
     */
    public int offerAll(List<LogLine> records) {
        int n = records.size();
        if (n == 0) {
            return 0;
        }
        int done = 0;
        lock.lock();
        try {
            long now = System.nanoTime();
            boolean intervalStarted = markIdleLanes(now);
            arrivals.mark(tail, arrivalClock == null ? now : arrivalClock.getAsLong());
            long blockDeadline = 0;
            boolean waited = false;
            while (done < n) {
                if (closed) {
                    droppedClosed += n - done;
                    break;
                }
                LogLine r = records.get(done);
                long c = cost(r);
                if (onDisk || usedBytes + c > capacityBytes && usedBytes > 0) {
                    if (spill != null) {
                        done += spillRest(records, done);
                        break;
                    }
                    if (policy == OverflowPolicy.DROP || overflowing) {
                        droppedOverflow += n - done;
                        break;
                    }
                    if (!waited) {
                        waited = true;
                        blockDeadline = System.nanoTime() + blockTimeoutNanos;
                    }
                    long left = blockDeadline - System.nanoTime();
                    if (left <= 0) {
                        overflowing = true;
                        droppedOverflow += n - done;
                        break;
                    }
                    // The lanes must drain for us to get space: a full buffer makes them due now.
                    laneWake.signalAll();
                    writersWaiting++;
                    try {
                        spaceFreed.awaitNanos(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        droppedOverflow += n - done;
                        break;
                    } finally {
                        writersWaiting--;
                    }
                    now = System.nanoTime();
                    intervalStarted |= markIdleLanes(now);
                    arrivals.mark(tail, arrivalClock == null ? now : arrivalClock.getAsLong());
                    continue;
                }
                append(r, c);
                done++;
            }
            if (done > 0 && lanesWaiting > 0 && (intervalStarted || anyLaneDueBySize())) {
                laneWake.signalAll();
            }
            return done;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes {@code records} from {@code from} to disk, in order, until the store refuses one; the rest
     * is dropped and counted.
     *
     * @return how many were accepted (are on disk now)
     */
    private int spillRest(List<LogLine> records, int from) {
        int n = records.size();
        int done = 0;
        int staged = 0;
        long stagedCost = 0;
        long stagedLineBytes = 0;
        int i = from;
        for (; i < n; i++) {
            LogLine r = records.get(i);
            if (spillTooSlow) {
                lastSpillRefusal = "a spill write took longer than the block timeout ("
                        + TimeUnit.NANOSECONDS.toMillis(blockTimeoutNanos) + " ms); spilling resumes once the disk"
                        + " backlog is delivered";
                droppedSpill += n - from - done;
                spill.discardStaged();
                return done;
            }
            if (!spill.stage(r)) {
                break;
            }
            staged++;
            stagedCost += cost(r);
            stagedLineBytes += lineBytes(r);
            if (spill.stagedBytes() >= SPILL_WRITE_BYTES) {
                if (!commitSpill(staged, stagedCost, stagedLineBytes)) {
                    // the failed write's lines were not accepted: they and the rest are dropped
                    i++;
                    break;
                }
                done += staged;
                staged = 0;
                stagedCost = 0;
                stagedLineBytes = 0;
            }
        }
        if (staged > 0) {
            if (commitSpill(staged, stagedCost, stagedLineBytes)) {
                done += staged;
            }
        }
        long dropped = n - from - done;
        if (dropped > 0) {
            droppedSpill += dropped;
            lastSpillRefusal = spill.lastRefusal();
        }
        return done;
    }

    private boolean commitSpill(int lines, long costBytes, long lineBytesSum) {
        long start = System.nanoTime();
        int written = spill.commit();
        if (System.nanoTime() - start > blockTimeoutNanos) {
            // the writer is the function's stdout: a disk this slow must not hold it again
            spillTooSlow = true;
        }
        if (written != lines) {
            return false;
        }
        appendSpilled(lines, costBytes, lineBytesSum);
        accepted += lines;
        spilledLines += lines;
        spilledBytes += lineBytesSum - lines;
        return true;
    }

    /** Gives the next {@code lines} sequence numbers to lines that are on disk: they cost no memory. */
    private void appendSpilled(long lines, long costBytes, long lineBytesSum) {
        if (!onDisk) {
            onDisk = true;
            diskStart = tail;
        }
        tail += lines;
        appendedBytes += costBytes;
        appendedLineBytes += lineBytesSum;
    }

    /** The end of the lines in memory: the first on disk, or the tail. */
    private long memoryEnd() {
        return onDisk ? diskStart : tail;
    }

    /** {@link #offerAll} of one line. */
    public boolean offer(LogLine record) {
        return offerAll(List.of(record)) == 1;
    }

    private void append(LogLine r, long c) {
        // only while nothing is on disk: the tail is the end of memory
        if (tail - head == ring.length) {
            grow();
        }
        int idx = (int) (tail & (ring.length - 1));
        ring[idx] = r;
        lengths[idx] = r.length();
        tail++;
        usedBytes += c;
        appendedBytes += c;
        appendedLineBytes += lineBytes(r);
        accepted++;
    }

    private void grow() {
        LogLine[] bigger = new LogLine[ring.length * 2];
        int[] biggerLengths = new int[bigger.length];
        for (long s = head, end = memoryEnd(); s < end; s++) {
            int from = (int) (s & (ring.length - 1));
            int to = (int) (s & (bigger.length - 1));
            bigger[to] = ring[from];
            biggerLengths[to] = lengths[from];
        }
        ring = bigger;
        lengths = biggerLengths;
    }

    /** Starts the interval clock of lanes that have nothing unread, since lines are about to arrive. */
    private boolean markIdleLanes(long now) {
        boolean any = false;
        for (int i = 0; i < lanes; i++) {
            if (read[i] == tail) {
                any = true;
                pendingSinceNanos[i] = now;
            }
        }
        return any;
    }

    private boolean anyLaneDueBySize() {
        for (int i = 0; i < lanes; i++) {
            if (dueBySize(i)) {
                return true;
            }
        }
        return false;
    }

    /** A full batch is waiting, or the lane holds half the buffer's memory unread. */
    private boolean dueBySize(int lane) {
        return tail - read[lane] >= wakeCount[lane]
                || appendedLineBytes - readLineBytes[lane] >= wakeBytes[lane]
                || (appendedBytes - readBytes[lane]) * 2 >= capacityBytes;
    }

    /**
     * Blocks until lane {@code lane} has lines due — a full batch, its interval passed, a flush
     * asked for them, or the buffer is closing — then moves up to {@code max} of them into
     * {@code dst} from {@code offset}.
     *
     * @return how many lines were taken; 0 when {@link #stop()} was called and nothing is left
     */
    public int awaitDue(int lane, LogLine[] dst, int offset, int max, long intervalNanos)
            throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                long unread = tail - read[lane];
                if (unread > 0) {
                    long waited = System.nanoTime() - pendingSinceNanos[lane];
                    boolean due = closed || stopping
                            || flushTarget[lane] > read[lane]
                            || dueBySize(lane)
                            || writersWaiting > 0
                            || waited >= intervalNanos;
                    if (due) {
                        return takeInto(lane, dst, offset, max);
                    }
                    awaitLaneWake(intervalNanos - waited);
                } else {
                    if (stopping) {
                        return 0;
                    }
                    awaitLaneWake(IDLE_WAIT_NANOS);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Moves up to {@code max} unread lines of {@code lane} into {@code dst} from {@code offset} without waiting. */
    public int poll(int lane, LogLine[] dst, int offset, int max) {
        lock.lock();
        try {
            return takeInto(lane, dst, offset, max);
        } finally {
            lock.unlock();
        }
    }

    private int takeInto(int lane, LogLine[] dst, int offset, int max) {
        long unread = tail - read[lane];
        int n = (int) Math.min(unread, max);
        long s = read[lane];
        long bytes = 0;
        long lineBytes = 0;
        long fromDisk = 0;
        long memoryEnd = memoryEnd();
        int mask = ring.length - 1;
        for (int i = 0; i < n; i++) {
            LogLine r = s + i < memoryEnd ? ring[(int) ((s + i) & mask)] : null;
            if (r == null) {
                // on disk: read back at most about one memory bound per take, the carry holds them meanwhile
                if (fromDisk >= capacityBytes && i > 0) {
                    n = i;
                    break;
                }
                r = readSpilled(lane);
                fromDisk += cost(r);
            }
            dst[offset + i] = r;
            bytes += cost(r);
            lineBytes += lineBytes(r);
        }
        read[lane] = s + n;
        releaseTaken(memoryEnd);
        readBytes[lane] += bytes;
        readLineBytes[lane] += lineBytes;
        if (read[lane] == tail) {
            pendingSinceNanos[lane] = 0;
        }
        return n;
    }

    /** Lets go of the lines in memory that every lane has taken; their cost is freed when they are settled. */
    private void releaseTaken(long memoryEnd) {
        long taken = read[0];
        for (int i = 1; i < lanes; i++) {
            taken = Math.min(taken, read[i]);
        }
        long end = Math.min(taken, memoryEnd);
        int mask = ring.length - 1;
        for (long s = Math.max(released, head); s < end; s++) {
            ring[(int) (s & mask)] = null;
        }
        released = Math.max(released, end);
    }

    /** Lines the buffer still refers to (taken by every lane or not); for tests. */
    int heldLines() {
        lock.lock();
        try {
            int held = 0;
            for (LogLine r : ring) {
                if (r != null) {
                    held++;
                }
            }
            return held;
        } finally {
            lock.unlock();
        }
    }

    private LogLine readSpilled(int lane) {
        LogLine r = spill == null ? null : spill.read(lane);
        if (r != null) {
            return r;
        }
        if (!spillDiscarded) {
            spillUnreadable[lane]++;
        }
        String why = spill == null ? "no spill store" : spill.readError(lane);
        spillReadError[lane] = why;
        // a visible stand-in keeps the order and the count of lines; the loss is counted for this lane
        return LogLine.of(("[firetap: a line spilled to disk could not be read back: " + why + "]")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), System.currentTimeMillis(),
                io.firetap.core.Source.TELEMETRY_EXTENSION, null);
    }

    private void awaitLaneWake(long nanos) throws InterruptedException {
        lanesWaiting++;
        try {
            laneWake.awaitNanos(Math.max(nanos, 1));
        } finally {
            lanesWaiting--;
        }
    }

    /** The sequence number of the next line {@code lane} will take. */
    public long readPosition(int lane) {
        lock.lock();
        try {
            return read[lane];
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks every line of {@code lane} below {@code seq} settled (delivered or given up) and frees
     * what every lane has settled.
     */
    public void settle(int lane, long seq) {
        lock.lock();
        try {
            if (seq <= settled[lane]) {
                return;
            }
            settled[lane] = seq;
            long min = settled[0];
            for (int i = 1; i < lanes; i++) {
                min = Math.min(min, settled[i]);
            }
            if (min > head) {
                int mask = ring.length - 1;
                long memoryEnd = memoryEnd();
                for (long s = head, end = Math.min(min, memoryEnd); s < end; s++) {
                    int idx = (int) (s & mask);
                    usedBytes -= (long) lengths[idx] + PipelineConfig.LINE_OVERHEAD_BYTES;
                    ring[idx] = null;
                }
                if (onDisk && min > diskStart) {
                    spill.release(min - Math.max(head, diskStart));
                }
                head = min;
                if (onDisk && head == tail) {
                    // everything on disk is settled: memory takes lines again
                    onDisk = false;
                    spillTooSlow = false;
                }
                arrivals.dropBelow(head);
                overflowing = false;
                spaceFreed.signalAll();
            }
            settledAdvanced.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Asks every lane to send what was accepted so far without waiting for its interval. @return the flush target */
    public long requestFlush() {
        boolean[] all = new boolean[lanes];
        java.util.Arrays.fill(all, true);
        return requestFlush(Long.MAX_VALUE, all);
    }

    /**
     * Asks the lanes marked in {@code which} to send, without waiting for their interval, every line
     * below {@code target} (at most what was accepted so far); the other lanes are left alone.
     *
     * @return the flush target: {@code target}, or the next sequence number if that is lower
     */
    public long requestFlush(long target, boolean[] which) {
        lock.lock();
        try {
            long t = Math.min(target, tail);
            for (int i = 0; i < lanes; i++) {
                if (which[i]) {
                    flushTarget[i] = Math.max(flushTarget[i], t);
                    flushGeneration[i]++;
                }
            }
            laneWake.signalAll();
            return t;
        } finally {
            lock.unlock();
        }
    }

    /** A counter that moves on every flush request covering {@code lane}, so a lane in backoff can notice one. */
    public long flushGeneration(int lane) {
        lock.lock();
        try {
            return flushGeneration[lane];
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code nanos} for a flush request covering {@code lane} newer than {@code generation},
     * or a stop; used for retry backoff so a flush can cut it short.
     *
     * @return {@code true} when woken by a flush or stop, {@code false} when the time ran out
     */
    public boolean awaitFlushOrStop(int lane, long generation, long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (flushGeneration[lane] == generation && !stopping) {
                if (left <= 0) {
                    return false;
                }
                lanesWaiting++;
                try {
                    left = laneWake.awaitNanos(left);
                } finally {
                    lanesWaiting--;
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code nanos} unless {@link #stop()} is called; for waits a flush must not cut short. */
    public void awaitStop(long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (!stopping && left > 0) {
                left = settledAdvanced.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every lane has settled every line below {@code target}, or until {@code deadlineNanos}.
     *
     * @return lines below {@code target} each lane has not settled
     */
    public long[] awaitSettled(long target, long deadlineNanos) throws InterruptedException {
        boolean[] all = new boolean[lanes];
        java.util.Arrays.fill(all, true);
        return awaitSettled(target, deadlineNanos, all);
    }

    /**
     * Waits until the lanes marked in {@code which} have settled every line below {@code target}, or
     * until {@code deadlineNanos}.
     *
     * @return lines below {@code target} each of those lanes has not settled; 0 for the other lanes
     */
    public long[] awaitSettled(long target, long deadlineNanos, boolean[] which) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                boolean all = true;
                for (int i = 0; i < lanes; i++) {
                    if (which[i] && settled[i] < target) {
                        all = false;
                        break;
                    }
                }
                long left = deadlineNanos - System.nanoTime();
                if (all || left <= 0) {
                    long[] pending = new long[lanes];
                    for (int i = 0; i < lanes; i++) {
                        pending[i] = which[i] ? Math.max(0, target - settled[i]) : 0;
                    }
                    return pending;
                }
                settledAdvanced.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new lines from now on (they are counted as dropped) and makes everything buffered due. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            laneWake.signalAll();
            spaceFreed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Tells lanes to stop taking lines and to leave their waits. */
    public void stop() {
        lock.lock();
        try {
            closed = true;
            stopping = true;
            laneWake.signalAll();
            spaceFreed.signalAll();
            settledAdvanced.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether new lines are refused. */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    public boolean isStopping() {
        lock.lock();
        try {
            return stopping;
        } finally {
            lock.unlock();
        }
    }

    /** The sequence number the next accepted line will get. */
    public long tail() {
        lock.lock();
        try {
            return tail;
        } finally {
            lock.unlock();
        }
    }

    /**
     * When the oldest line that one of the lanes marked in {@code which} has not settled arrived, as a
     * value of the arrival clock (at most a millisecond early), or empty when they have settled
     * everything.
     */
    public java.util.OptionalLong oldestPendingSince(boolean[] which) {
        lock.lock();
        try {
            long oldest = Long.MAX_VALUE;
            for (int i = 0; i < lanes; i++) {
                if (which[i] && settled[i] < tail) {
                    oldest = Math.min(oldest, settled[i]);
                }
            }
            return oldest == Long.MAX_VALUE ? java.util.OptionalLong.empty()
                    : java.util.OptionalLong.of(arrivals.stampOf(oldest));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The sequence number of the first line accepted after {@code nanos} (a value of the arrival
     * clock): every line below it arrived by then, give or take a millisecond.
     */
    public long firstAcceptedAfter(long nanos) {
        lock.lock();
        try {
            return head == tail ? tail : Math.max(head, arrivals.firstArrivedAfter(nanos, tail));
        } finally {
            lock.unlock();
        }
    }

    /** Lines {@code lane} has accepted but not settled. */
    public long pending(int lane) {
        lock.lock();
        try {
            return tail - settled[lane];
        } finally {
            lock.unlock();
        }
    }

    /**
     * Intake figures: accepted, dropped (overflow), dropped (closed), used bytes, spilled lines, spilled
     * line bytes, dropped (could not spill), bytes on disk now.
     */
    public long[] intakeCounters() {
        lock.lock();
        try {
            return new long[] {accepted, droppedOverflow, droppedClosed, usedBytes, spilledLines, spilledBytes,
                droppedSpill, spill == null ? 0 : spill.diskBytes()};
        } finally {
            lock.unlock();
        }
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    /** Spilled lines {@code lane} could not read back from disk (each replaced by a marker line). */
    public long spillUnreadable(int lane) {
        lock.lock();
        try {
            return spillUnreadable[lane];
        } finally {
            lock.unlock();
        }
    }

    /** Why the spill store last refused a line. */
    public String lastSpillRefusal() {
        lock.lock();
        try {
            return lastSpillRefusal;
        } finally {
            lock.unlock();
        }
    }

    /** Whether lines that do not fit in memory go to disk. */
    public boolean spills() {
        return spill != null;
    }

    /**
     * Deletes whatever is still on disk (at shutdown, once what is left has been counted): nothing can be
     * read back afterwards. Idempotent.
     */
    public void discardSpill() {
        lock.lock();
        try {
            if (spill != null) {
                spillDiscarded = true;
                spill.close();
            }
        } finally {
            lock.unlock();
        }
    }
}
