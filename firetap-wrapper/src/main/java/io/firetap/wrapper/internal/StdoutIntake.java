package io.firetap.wrapper.internal;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The function's stdout, as the wrapper sends it: a named pipe (FIFO) the runtime's stdout is
 * redirected into, read by one thread of the extension.
 *
 * <p>The extension opens the pipe for reading <em>and</em> writing before it registers, so the
 * wrapper's {@code exec … >fifo} never blocks, and the reader never sees an end of file while the
 * extension lives. Bytes go to a {@link Receiver} in the order they were written, unchanged.
 *
 * <p>How {@link #drain()} is exact rather than a guess: it writes a unique 22-byte marker into the
 * pipe through the extension's own write end. Bytes in a pipe come out in the order they went in,
 * so when the reader meets the marker, every byte written before it — in particular everything the
 * runtime wrote before it posted its response — has been passed to the receiver; the reader then
 * calls {@link Receiver#outputEnd()} and the drain returns. The marker never reaches the receiver.
 * Markers are only looked for while a drain is pending, so the per-byte cost of an ordinary read
 * is none. What must happen once the output is in ({@link #drain(Runnable)}) is done by the reader
 * itself the moment it meets the marker: waking the drain's caller first, to have it do that, would
 * put one more thread hand-off between the function's response and the extension's {@code /next}.
 *
 * <pre>
 *   marker   00 1B 'f' 't' 'd'  16 × [0-9a-f]  00      (22 bytes, one write: atomic in a pipe)
 * </pre>
 */
public final class StdoutIntake implements AutoCloseable {
    /** What the intake hands on; called on the intake's reader thread only. */
    public interface Receiver {
        /** Bytes the function wrote, in order; {@code bytes} is reused after the call returns. */
        void data(byte[] bytes, int offset, int length);

        /** Every byte written before the pending drain's marker has been passed to {@link #data}. */
        void outputEnd();
    }

    private static final byte[] MARK_PREFIX = {0, 0x1b, 'f', 't', 'd'};
    private static final int ID_LENGTH = 16;
    static final int MARK_LENGTH = MARK_PREFIX.length + ID_LENGTH + 1;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final int CHUNK = 64 * 1024;
    /** The most a drain waits for its marker before it lets the caller go on anyway. */
    static final long DRAIN_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Path path;
    private final RandomAccessFile pipe;
    private final FileInputStream in;
    private final Consumer<String> warnings;
    private final byte[] buffer = new byte[CHUNK + MARK_LENGTH];
    private final Object marks = new Object();
    private final Set<String> seen = new HashSet<>();
    /** What each pending drain runs once its marker is met, by marker id; guarded by {@link #marks}. */
    private final Map<String, Runnable> whenDrained = new HashMap<>();
    /** Markers written and not yet met by the reader: while there are any, reads are scanned for them. */
    private final AtomicInteger outstandingMarks = new AtomicInteger();
    private volatile Thread reader;
    private volatile boolean closed;
    /** The reader thread has ended: drains have nothing to wait for. */
    private volatile boolean ended;

    private StdoutIntake(Path path, RandomAccessFile pipe, Consumer<String> warnings) throws IOException {
        this.path = path;
        this.pipe = pipe;
        this.in = new FileInputStream(pipe.getFD());
        this.warnings = warnings;
    }

    /**
     * Opens the FIFO at {@code path} (the launcher normally has made it; otherwise it is made here
     * with {@code mkfifo}), owner-only. Does not block, and does not start reading: call
     * {@link #start} once there is somewhere to put the bytes (they wait in the pipe meanwhile).
     *
     * @throws IOException when {@code path} is something other than a FIFO, or it cannot be made or opened
     */
    public static StdoutIntake open(Path path, Consumer<String> warnings) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(warnings, "warnings");
        // java.io, not NIO's attribute views: this runs before /register, where each class loaded shows
        java.io.File file = path.toFile();
        if (!file.exists()) {
            makeFifo(path);
        }
        if (!file.exists() || file.isFile() || file.isDirectory()) {
            throw new IOException(path + " exists and is not a named pipe (FIFO)");
        }
        WrapperEndpoints.ownerOnly(file);
        // read-write: on Linux this opens a FIFO without waiting for a writer, and keeps one
        RandomAccessFile pipe = new RandomAccessFile(path.toFile(), "rw");
        try {
            return new StdoutIntake(path, pipe, warnings);
        } catch (IOException | RuntimeException e) {
            pipe.close();
            throw e;
        }
    }

    private static void makeFifo(Path path) throws IOException {
        Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", path.toString())
                .redirectErrorStream(true).start();
        try {
            if (!mkfifo.waitFor(5, TimeUnit.SECONDS)) {
                mkfifo.destroyForcibly();
                throw new IOException("mkfifo " + path + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while making " + path);
        }
        if (mkfifo.exitValue() != 0) {
            String said = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            throw new IOException("mkfifo " + path + " failed: " + said);
        }
    }

    /** The FIFO's path: the wrapper redirects the runtime's stdout here. */
    public Path path() {
        return path;
    }

    /** Starts the reader thread, which hands everything the function writes to {@code receiver}. */
    public void start(Receiver receiver) {
        Objects.requireNonNull(receiver, "receiver");
        Thread t = new Thread(new Reading(receiver), "firetap-stdout");
        t.setDaemon(true);
        reader = t;
        t.start();
    }

    /** A named class, not a lambda: no lambda bootstrap on the start path. */
    private final class Reading implements Runnable {
        private final Receiver receiver;

        Reading(Receiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public void run() {
            read(receiver);
        }
    }

    private void read(Receiver receiver) {
        int carry = 0;
        try {
            int n;
            while ((n = in.read(buffer, carry, CHUNK)) >= 0) {
                int length = carry + n;
                carry = outstandingMarks.get() > 0 || carry > 0 ? scan(receiver, length) : pass(receiver, 0, length);
                // close() writes a marker of its own: everything before it has now been passed on
                if (closed && outstandingMarks.get() == 0) {
                    break;
                }
            }
        } catch (IOException e) {
            if (!closed) {
                warnings.accept("reading the function's stdout failed: " + e.getMessage());
            }
        } catch (RuntimeException e) {
            warnings.accept("handing the function's stdout on failed: " + e);
        } finally {
            if (carry > 0) {
                pass(receiver, 0, carry);
            }
            synchronized (marks) {
                ended = true;
                marks.notifyAll();
            }
        }
    }

    private int pass(Receiver receiver, int from, int to) {
        if (to > from) {
            receiver.data(buffer, from, to - from);
        }
        return 0;
    }

    /** Passes {@code buffer[0, length)} on minus markers; returns how many trailing bytes to keep for the next read. */
    private int scan(Receiver receiver, int length) {
        int start = 0;
        int i = 0;
        while (i < length) {
            int zero = indexOfZero(i, length);
            if (zero < 0) {
                break;
            }
            int available = length - zero;
            if (available < MARK_LENGTH) {
                if (couldBeMark(zero, available)) {
                    pass(receiver, start, zero);
                    System.arraycopy(buffer, zero, buffer, 0, available);
                    return available;
                }
                i = zero + 1;
            } else if (couldBeMark(zero, MARK_LENGTH)) {
                pass(receiver, start, zero);
                receiver.outputEnd();
                markSeen(new String(buffer, zero + MARK_PREFIX.length, ID_LENGTH, StandardCharsets.US_ASCII));
                start = zero + MARK_LENGTH;
                i = start;
            } else {
                i = zero + 1;
            }
        }
        return pass(receiver, start, length);
    }

    private int indexOfZero(int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the {@code count} bytes at {@code at} match the start of a marker (all of it when count is the length). */
    private boolean couldBeMark(int at, int count) {
        for (int k = 0; k < count; k++) {
            byte b = buffer[at + k];
            if (k < MARK_PREFIX.length) {
                if (b != MARK_PREFIX[k]) {
                    return false;
                }
            } else if (k < MARK_PREFIX.length + ID_LENGTH) {
                if (!(b >= '0' && b <= '9' || b >= 'a' && b <= 'f')) {
                    return false;
                }
            } else if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private void markSeen(String id) {
        outstandingMarks.decrementAndGet();
        Runnable action;
        synchronized (marks) {
            action = whenDrained.remove(id);
        }
        if (action != null) {
            try {
                action.run();
            } catch (RuntimeException e) {
                // the reader goes on: a failed action must not stop the function's output
                warnings.accept("the action after draining the function's stdout failed: " + e);
            }
        }
        synchronized (marks) {
            seen.add(id);
            marks.notifyAll();
        }
    }

    /**
     * Returns once every byte written to the pipe before this call has been passed to the receiver
     * and {@link Receiver#outputEnd()} has been called after them — or the reader is not running,
     * or {@value #DRAIN_LIMIT_NANOS} ns passed (then with a warning).
     *
     * @return whether the drain completed
     */
    public boolean drain() {
        return drain(null);
    }

    /**
     * {@link #drain()}, and runs {@code action} exactly once when the output before this call is in:
     * on the reader thread, right after {@link Receiver#outputEnd()} for this drain and before this
     * call returns — so whoever {@code action} wakes does not wait for this caller to be scheduled
     * again. When the drain cannot complete (the reader is not running, the marker cannot be written,
     * {@value #DRAIN_LIMIT_NANOS} ns pass, an interrupt), {@code action} runs on the calling thread
     * instead, before this call returns, unless the reader has already taken it. An exception
     * {@code action} throws on the reader is reported as a warning; reading goes on.
     *
     * @param action what to do once drained, or {@code null}
     * @return whether the drain completed
     */
    public boolean drain(Runnable action) {
        if (reader == null || closed || ended) {
            runUnlessTaken(null, action);
            return false;
        }
        String id;
        try {
            id = writeMark(action);
        } catch (IOException e) {
            warnings.accept("marking the end of the function's stdout failed: " + e.getMessage());
            runUnlessTaken(null, action);
            return false;
        }
        boolean drained = awaitMark(id);
        if (!drained) {
            runUnlessTaken(id, action);
        }
        return drained;
    }

    private boolean awaitMark(String id) {
        long deadline = System.nanoTime() + DRAIN_LIMIT_NANOS;
        synchronized (marks) {
            while (!seen.remove(id)) {
                long left = deadline - System.nanoTime();
                if (ended || closed) {
                    return false;
                }
                if (left <= 0) {
                    warnings.accept("the function's stdout was not drained within "
                            + TimeUnit.NANOSECONDS.toMillis(DRAIN_LIMIT_NANOS)
                            + " ms; later lines may count to the next invocation");
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(marks, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Runs {@code action} here unless the reader has taken it (a {@code null} id: it was never registered). */
    private void runUnlessTaken(String id, Runnable action) {
        if (action == null) {
            return;
        }
        if (id != null) {
            synchronized (marks) {
                if (whenDrained.remove(id) == null) {
                    return;
                }
            }
        }
        action.run();
    }

    /** Writes a fresh marker into the pipe, with {@code action} to run when it is met (or none); returns its id. */
    private String writeMark(Runnable action) throws IOException {
        byte[] mark = new byte[MARK_LENGTH];
        System.arraycopy(MARK_PREFIX, 0, mark, 0, MARK_PREFIX.length);
        long random = ThreadLocalRandom.current().nextLong();
        for (int k = 0; k < ID_LENGTH; k++) {
            mark[MARK_PREFIX.length + k] = HEX[(int) (random >>> (60 - 4 * k)) & 0xf];
        }
        String id = new String(mark, MARK_PREFIX.length, ID_LENGTH, StandardCharsets.US_ASCII);
        if (action != null) {
            // registered before it can be read, so the reader finds it
            synchronized (marks) {
                whenDrained.put(id, action);
            }
        }
        // counted before it can be read, so the reader looks for it
        outstandingMarks.incrementAndGet();
        try {
            // one write of fewer than PIPE_BUF bytes: it cannot interleave with another writer's
            pipe.write(mark);
        } catch (IOException e) {
            outstandingMarks.decrementAndGet();
            if (action != null) {
                synchronized (marks) {
                    whenDrained.remove(id);
                }
            }
            throw e;
        }
        return id;
    }

    /**
     * Stops reading and closes the pipe (the FIFO stays on disk). What was written before this call
     * is passed to the receiver first, as far as the reader gets within a second. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Thread r = reader;
        if (r != null && r != Thread.currentThread() && !ended) {
            try {
                // a blocked read does not end when its descriptor is closed: a marker wakes it
                writeMark(null);
                r.join(1_000);
            } catch (IOException e) {
                // the reader ends with the process
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            pipe.close();
        } catch (IOException e) {
            // closing anyway
        }
        synchronized (marks) {
            marks.notifyAll();
        }
    }
}
