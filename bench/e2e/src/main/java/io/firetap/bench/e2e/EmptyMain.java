package io.firetap.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The floor the cold-start figures are read against: a {@code main} that does nothing, run by the
 * bench with the extension's own JVM and options. It prints its CPU time so far (user + system, in
 * clock ticks, from {@code /proc/self/stat}) and its peak RSS (KiB), and exits.
 */
public final class EmptyMain {
    private EmptyMain() {
    }

    public static void main(String[] args) throws IOException {
        System.out.println(ProcStat.cpuTicks(ProcessHandle.current().pid()) + " " + ProcStat.peakRssKiB(Path.of("/proc/self/status")));
    }

    /** What {@code /proc} says about a process. */
    static final class ProcStat {
        private ProcStat() {
        }

        /** utime + stime of {@code pid}, in clock ticks (1/100 s on Linux), or -1 when it is gone. */
        static long cpuTicks(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // the command name (field 2) may hold spaces: count fields after its closing parenthesis
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        static long peakRssKiB(Path status) throws IOException {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            return -1;
        }
    }
}
