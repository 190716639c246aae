package io.firetap.testkit.lambda;

import java.time.Duration;
import java.util.List;

/**
 * What happened at SHUTDOWN.
 *
 * @param reason    the {@code shutdownReason} sent ({@code spindown}, {@code timeout}, {@code failure})
 * @param deadline  the time the extensions were given
 * @param took      from sending SHUTDOWN until the last process ended (by itself or killed)
 * @param processes every process, extensions first, then the runtime
 */
public record ShutdownReport(String reason, Duration deadline, Duration took, List<ProcessExit> processes) {

    /** {@code true} when every process exited by itself before the deadline. */
    public boolean allExitedInTime() {
        return processes.stream().noneMatch(ProcessExit::killed);
    }

    /** The exit of the named process. */
    public ProcessExit process(String name) {
        return processes.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no process named " + name + " in " + processes));
    }
}
