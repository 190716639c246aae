package io.firetap.testkit.lambda.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * One process of the emulated execution environment (an extension or the runtime) with its standard
 * output and error read line by line on two daemon threads.
 *
 * <p>Internal, not for public use.
 */
public final class ManagedProcess {
    /** Which stream a captured line came from. */
    public enum Stream { STDOUT, STDERR }

    private final String name;
    private final Process process;
    private final List<Thread> readers = new ArrayList<>(2);
    private static final byte[] SYNC = {0, 'e', 'm', 'u', '-', 's', 'y', 'n', 'c', '-'};
    private final Object syncLock = new Object();
    private final java.util.Set<String> synced = new java.util.HashSet<>();
    private int ended;

    private ManagedProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * Starts {@code command} with exactly {@code environment}; every line it writes (without its
     * {@code \n}; a last unterminated line too) goes to {@code lines}.
     */
    public static ManagedProcess start(String name, List<String> command, Map<String, String> environment,
                                       Path workingDirectory, BiConsumer<Stream, byte[]> lines) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(environment);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        builder.redirectInput(ProcessBuilder.Redirect.PIPE);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // nothing to close
        }
        ManagedProcess managed = new ManagedProcess(name, process);
        managed.read(process.getInputStream(), Stream.STDOUT, lines);
        managed.read(process.getErrorStream(), Stream.STDERR, lines);
        return managed;
    }

    private void read(InputStream in, Stream stream, BiConsumer<Stream, byte[]> lines) {
        Thread t = new Thread(() -> {
            byte[] chunk = new byte[16 * 1024];
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    int start = 0;
                    for (int i = 0; i < n; i++) {
                        if (chunk[i] == '\n') {
                            line.write(chunk, start, i - start);
                            deliver(stream, line.toByteArray(), lines);
                            line.reset();
                            start = i + 1;
                        }
                    }
                    line.write(chunk, start, n - start);
                }
            } catch (IOException ignored) {
                // the process went away
            }
            if (line.size() > 0) {
                deliver(stream, line.toByteArray(), lines);
            }
            synchronized (syncLock) {
                ended++;
                syncLock.notifyAll();
            }
        }, "emulator-" + name + "-" + stream.name().toLowerCase(java.util.Locale.ROOT));
        t.setDaemon(true);
        t.start();
        readers.add(t);
    }

    /** Hands a line on, unless it carries a sync marker, which is removed and reported instead. */
    private void deliver(Stream stream, byte[] line, BiConsumer<Stream, byte[]> lines) {
        int at = indexOf(line, SYNC);
        if (at < 0) {
            lines.accept(stream, line);
            return;
        }
        if (at > 0) {
            lines.accept(stream, java.util.Arrays.copyOf(line, at));
        }
        String id = new String(line, at + SYNC.length, line.length - at - SYNC.length, StandardCharsets.US_ASCII);
        synchronized (syncLock) {
            synced.add(stream + id);
            syncLock.notifyAll();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (haystack[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Returns once every byte the process wrote to stdout and stderr before this call has been read
     * and handed on, as Lambda's log capture has the function's output before it reports the runtime
     * done. Writes a marker line into both pipes through {@code /proc/<pid>/fd/1} and {@code fd/2} and
     * waits (bounded) until the readers meet it; the marker never reaches the line consumer.
     */
    public void syncOutput(long timeoutMillis) {
        String id = Long.toHexString(System.nanoTime());
        List<Stream> written = new ArrayList<>(2);
        for (Stream stream : Stream.values()) {
            String fd = stream == Stream.STDOUT ? "1" : "2";
            if (!capturedByUs(fd)) {
                // the process sent this stream elsewhere (a wrapper's exec >file): not ours to mark
                continue;
            }
            try (java.io.FileOutputStream out = new java.io.FileOutputStream("/proc/" + process.pid() + "/fd/" + fd)) {
                byte[] marker = new byte[SYNC.length + id.length() + 1];
                System.arraycopy(SYNC, 0, marker, 0, SYNC.length);
                System.arraycopy(id.getBytes(StandardCharsets.US_ASCII), 0, marker, SYNC.length, id.length());
                marker[marker.length - 1] = '\n';
                out.write(marker);
                written.add(stream);
            } catch (IOException | SecurityException e) {
                // the process is gone or its stream is not ours to write: nothing to wait for
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (syncLock) {
            for (Stream stream : written) {
                while (!synced.remove(stream + id) && ended < 2) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(syncLock, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    /** Whether the process's descriptor {@code fd} is still the anonymous pipe the emulator reads. */
    private boolean capturedByUs(String fd) {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/" + process.pid() + "/fd/" + fd))
                    .toString().startsWith("pipe:");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The process and everything it started, as pids. */
    public List<Long> tree() {
        List<Long> pids = new ArrayList<>();
        if (process.isAlive()) {
            pids.add(process.pid());
        }
        process.descendants().forEach(d -> pids.add(d.pid()));
        return pids;
    }

    /** Waits for the exit; {@code true} when it exited within the time. */
    public boolean waitFor(long nanos) throws InterruptedException {
        return process.waitFor(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /** Sends SIGTERM to the process itself (Lambda's signal to the runtime at shutdown). */
    public void terminate() {
        // through the handle: Process.destroy() would also close the pipes still being read
        process.toHandle().destroy();
    }

    /** SIGKILL to the process and its descendants. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.toHandle().destroyForcibly();
    }

    public int exitCode() {
        return process.exitValue();
    }

    /** Waits (bounded) for the output readers to see the end of both streams. */
    public void awaitOutputEnd(long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (Thread t : readers) {
            long left = end - System.nanoTime();
            if (left > 0) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Sends {@code signal} (e.g. {@code STOP}, {@code CONT}) to every pid with one {@code kill}. */
    public static void signal(String signal, List<Long> pids) {
        if (pids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(pids.size() + 2);
        command.add("kill");
        command.add("-" + signal);
        pids.forEach(p -> command.add(Long.toString(p)));
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + signal + " did not finish");
            }
            // a pid that exited meanwhile makes kill complain and exit 1: not an error here
            if (kill.exitValue() != 0 && !out.contains("No such process")) {
                throw new IllegalStateException("kill -" + signal + " " + pids + " failed: " + out.trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending " + signal, e);
        }
    }

    /**
     * Waits, at most {@code timeoutNanos}, until every pid is stopped or gone. {@code kill -STOP}
     * returns once the signal is sent; a process waiting for a CPU stops only when it next runs, and
     * a frozen environment must not run at all. Without {@code /proc} there is nothing to watch.
     */
    public static void awaitStopped(List<Long> pids, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        for (long pid : pids) {
            while (!stoppedOrGone(pid) && deadline - System.nanoTime() > 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }

    private static boolean stoppedOrGone(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        } catch (IOException | UncheckedIOException e) {
            return true;
        }
        // "pid (comm) S ...": the state follows the last ')', as comm may hold anything
        int close = stat.lastIndexOf(')');
        char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : 'T';
        return state == 'T' || state == 't' || state == 'Z' || state == 'X';
    }

    @Override
    public String toString() {
        return name + "(pid " + process.pid() + ")";
    }
}
