package io.firetap.wrapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Reads the child's stdout and sends it to the extension as it comes, and tells exactly when
 * everything the child wrote up to a moment has been sent.
 *
 * <p>How {@link #drain()} is deterministic rather than a guess: the wrapper opens a second write end
 * of the child's stdout pipe ({@code /proc/<child>/fd/1}) and writes a unique 22-byte marker into it.
 * Bytes in a pipe come out in the order they went in, so when the reader meets the marker, every
 * byte the child wrote before the marker — in particular everything written before it posted its
 * response — has been read and sent. The marker itself is removed from the stream. When the second
 * write end cannot be opened (no {@code /proc}), the drain falls back to waiting, briefly and
 * bounded, until the pipe is empty.
 */
final class OutputForwarder implements Runnable {
    private static final byte[] MARK_PREFIX = {0, 0x1b, 'f', 't', 'd'};
    private static final int ID_LENGTH = 16;
    static final int MARK_LENGTH = MARK_PREFIX.length + ID_LENGTH + 1;
    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    private static final int CHUNK = 64 * 1024;
    /** The most a drain waits for its marker before letting the response go anyway. */
    private static final long DRAIN_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final InputStream in;
    private final ExtensionLink link;
    private final byte[] buffer = new byte[CHUNK + MARK_LENGTH];
    private final Object marks = new Object();
    private final Set<String> seen = new HashSet<>();
    private final OutputStream drainWriter;
    private volatile boolean ended;

    /**
     * @param drainWriter a second write end of the child's stdout, or {@code null} when none could be opened
     */
    OutputForwarder(InputStream in, ExtensionLink link, OutputStream drainWriter) {
        this.in = in;
        this.link = link;
        this.drainWriter = drainWriter;
    }

    @Override
    public void run() {
        // before the first byte is read: output must not go to stdout only because the link was not up yet
        link.connect();
        int carry = 0;
        try {
            int n;
            while ((n = in.read(buffer, carry, buffer.length - carry)) >= 0) {
                carry = scan(carry + n);
            }
        } catch (IOException e) {
            // the pipe is gone: nothing more will come
        }
        if (carry > 0) {
            link.data(buffer, 0, carry);
        }
        synchronized (marks) {
            ended = true;
            marks.notifyAll();
        }
    }

    /** Sends {@code buffer[0, length)} minus markers; returns how many trailing bytes to keep for the next read. */
    private int scan(int length) {
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
                    send(start, zero);
                    System.arraycopy(buffer, zero, buffer, 0, available);
                    return available;
                }
                i = zero + 1;
                continue;
            }
            if (couldBeMark(zero, MARK_LENGTH)) {
                send(start, zero);
                markSeen(new String(buffer, zero + MARK_PREFIX.length, ID_LENGTH, StandardCharsets.US_ASCII));
                start = zero + MARK_LENGTH;
                i = start;
            } else {
                i = zero + 1;
            }
        }
        send(start, length);
        return 0;
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

    private void send(int from, int to) {
        if (to > from) {
            link.data(buffer, from, to - from);
        }
    }

    private void markSeen(String id) {
        synchronized (marks) {
            seen.add(id);
            marks.notifyAll();
        }
    }

    /**
     * Returns once everything the child wrote to stdout before this call has been sent (or the
     * output ended, or a bounded wait ran out).
     */
    void drain() {
        long deadline = System.nanoTime() + DRAIN_LIMIT_NANOS;
        if (drainWriter == null) {
            drainByEmptiness(deadline);
            return;
        }
        byte[] mark = new byte[MARK_LENGTH];
        System.arraycopy(MARK_PREFIX, 0, mark, 0, MARK_PREFIX.length);
        long random = ThreadLocalRandom.current().nextLong();
        for (int k = 0; k < ID_LENGTH; k++) {
            mark[MARK_PREFIX.length + k] = HEX[(int) (random >>> (60 - 4 * k)) & 0xf];
        }
        String id = new String(mark, MARK_PREFIX.length, ID_LENGTH, StandardCharsets.US_ASCII);
        try {
            synchronized (drainWriter) {
                drainWriter.write(mark);
                drainWriter.flush();
            }
        } catch (IOException e) {
            drainByEmptiness(deadline);
            return;
        }
        synchronized (marks) {
            while (!seen.remove(id) && !ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    Diagnostics.warn("the function's stdout was not drained within 2 s; the response goes on,"
                            + " later lines may be counted to the next invocation");
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(marks, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void drainByEmptiness(long deadline) {
        try {
            while (!ended && in.available() > 0 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000);
            }
        } catch (IOException e) {
            // closed: nothing left to drain
        }
    }

    /** Closes the second write end, so the reader sees the end of the output once the child's ends are closed. */
    void closeDrainWriter() {
        if (drainWriter != null) {
            try {
                synchronized (drainWriter) {
                    drainWriter.close();
                }
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
