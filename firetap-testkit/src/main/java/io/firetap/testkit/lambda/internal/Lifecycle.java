package io.firetap.testkit.lambda.internal;

import static io.firetap.testkit.lambda.internal.TelemetryFeed.object;

import com.google.gson.JsonObject;
import io.firetap.testkit.lambda.Invocation;
import io.firetap.testkit.lambda.ProcessExit;
import io.firetap.testkit.lambda.ShutdownReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The phases of an execution environment as Lambda runs them: init (extensions register, then the
 * runtime starts, until all wait in {@code /next}), invocations (thaw, INVOKE, the runtime's
 * answer, the post-runtime hold, freeze), shutdown (SHUTDOWN with a deadline, then SIGKILL), and
 * the hard stop that kills whatever is left.
 *
 * <p>Internal, not for public use.
 */
public final class Lifecycle {
    /** How often a wait looks again at the processes, which die without signalling the condition. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final EmulatorConfig config;
    private final Sandbox sandbox;
    private final String runtimeApi;
    private final TelemetryFeed telemetry;

    public Lifecycle(EmulatorConfig config, Sandbox sandbox, String runtimeApi) {
        this.config = config;
        this.sandbox = sandbox;
        this.runtimeApi = runtimeApi;
        this.telemetry = new TelemetryFeed(sandbox, config.echo());
    }

    // ---------------------------------------------------------------- init

    /**
     * Starts the extensions, waits for each to register, starts the runtime, and returns once the
     * runtime and every extension wait in {@code /next}.
     *
     * @throws IllegalStateException when init does not complete within the init limit; the processes are killed
     */
    public void init() {
        long deadline = System.nanoTime() + config.initTimeout().toNanos();
        List<Path> executables = config.extensionExecutables();
        sandbox.lock.lock();
        try {
            if (sandbox.started) {
                throw new IllegalStateException("already started");
            }
            sandbox.started = true;
            for (Path executable : executables) {
                String name = executable.getFileName().toString();
                sandbox.extensionsByName.put(name, new ExtensionState(name));
            }
        } finally {
            sandbox.lock.unlock();
        }
        telemetry.platformEvent("platform.initStart", object("initializationType", "on-demand", "phase", "init"));
        for (Path executable : executables) {
            String name = executable.getFileName().toString();
            long startedNanos = System.nanoTime();
            ManagedProcess process = ManagedProcess.start(name, List.of(executable.toString()),
                    FunctionEnvironment.of(config, runtimeApi, false), config.taskRoot(),
                    (stream, line) -> telemetry.captured(name, stream, line));
            sandbox.lock.lock();
            try {
                sandbox.extensionsByName.get(name).process = process;
                sandbox.extensionsByName.get(name).startedNanos = startedNanos;
            } finally {
                sandbox.lock.unlock();
            }
        }
        awaitInit(deadline, "every extension to register",
                () -> sandbox.extensionsByName.values().stream().allMatch(e -> e.id != null));
        if (config.runtimeCommand() != null) {
            sandbox.runtimeStartedAt = Instant.now();
            sandbox.runtimeStartedNanos = System.nanoTime();
            ManagedProcess process = ManagedProcess.start("runtime", config.runtimeCommand(),
                    FunctionEnvironment.of(config, runtimeApi, true), config.taskRoot(),
                    (stream, line) -> telemetry.captured("runtime", stream, line));
            sandbox.lock.lock();
            try {
                sandbox.runtime = process;
            } finally {
                sandbox.lock.unlock();
            }
            awaitInit(deadline, "the runtime to call /runtime/invocation/next", () -> sandbox.runtimeNextCalls > 0);
        }
        awaitInit(deadline, "every extension to call /event/next",
                () -> sandbox.extensionsByName.values().stream().allMatch(e -> e.nextCalls > 0));
    }

    private void awaitInit(long deadline, String what, BooleanSupplier done) {
        sandbox.lock.lock();
        try {
            while (!done.getAsBoolean()) {
                String died = sandbox.deadProcess();
                if (died != null) {
                    sandbox.killAll();
                    throw new IllegalStateException("init failed while waiting for " + what + ": " + died
                            + sandbox.errorsSuffix());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    sandbox.killAll();
                    throw new IllegalStateException("init did not complete within " + config.initTimeout().toMillis()
                            + " ms: still waiting for " + what + " (" + sandbox.describeExtensions() + ")"
                            + sandbox.errorsSuffix());
                }
                sandbox.changed.awaitNanos(Math.min(left, POLL_NANOS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sandbox.killAll();
            throw new IllegalStateException("interrupted during init", e);
        } finally {
            sandbox.lock.unlock();
        }
    }

    // ---------------------------------------------------------------- invoke

    /**
     * One invocation: thaws the environment, sends INVOKE to the extensions and the event to the
     * runtime, waits for its answer, then for every extension's next {@code /event/next} (the hold),
     * freezes the environment and runs the {@code onFrozen} hook while frozen.
     */
    public Invocation invoke(byte[] event) {
        Map<ExtensionState, Long> nextCallsBefore = new LinkedHashMap<>();
        PendingInvocation p = announce(event, nextCallsBefore);
        telemetry.platformEvent("platform.start", object("requestId", p.requestId, "version", config.functionVersion()));
        awaitRuntime(p);
        if (p.status != Invocation.Status.TIMEOUT && sandbox.runtime.isAlive()) {
            // like Lambda's log capture: what the runtime wrote before its response precedes runtimeDone
            sandbox.runtime.syncOutput(1_000);
        }
        String status = switch (p.status) {
            case SUCCESS -> "success";
            case ERROR -> "error";
            case TIMEOUT -> "timeout";
        };
        JsonObject done = object("requestId", p.requestId, "status", status);
        JsonObject metrics = new JsonObject();
        metrics.addProperty("durationMs", (p.respondedNanos - p.handedNanos) / 1e6);
        done.add("metrics", metrics);
        telemetry.platformEvent("platform.runtimeDone", done);

        Invocation result = awaitHold(p, nextCallsBefore);
        JsonObject report = object("requestId", p.requestId, "status", status);
        JsonObject reportMetrics = new JsonObject();
        reportMetrics.addProperty("durationMs", result.runtimeTime().toNanos() / 1e6);
        reportMetrics.addProperty("billedDurationMs",
                Math.max(1, (result.runtimeTime().plus(result.hold()).toNanos() + 999_999) / 1_000_000));
        reportMetrics.addProperty("memorySizeMB", config.memoryMb());
        report.add("metrics", reportMetrics);
        telemetry.platformEvent("platform.report", report);
        sandbox.lock.lock();
        try {
            sandbox.invocations.add(result);
            sandbox.current = null;
            if (config.freeze()) {
                sandbox.freeze();
            }
        } finally {
            sandbox.lock.unlock();
        }
        if (config.onFrozen() != null) {
            config.onFrozen().accept(result);
        }
        return result;
    }

    /** Thaws, makes the invocation current and queues INVOKE for the extensions that want it, noting their {@code /next} counts. */
    private PendingInvocation announce(byte[] event, Map<ExtensionState, Long> nextCallsBefore) {
        sandbox.lock.lock();
        try {
            if (!sandbox.started || sandbox.shutDown) {
                throw new IllegalStateException(sandbox.shutDown ? "already shut down" : "start() first");
            }
            if (sandbox.runtime == null) {
                throw new IllegalStateException("no runtime configured: builder().runtime(...)");
            }
            sandbox.thaw();
            sandbox.invocationCount++;
            String requestId = UUID.randomUUID().toString();
            long deadlineMs = System.currentTimeMillis() + config.timeout().toMillis();
            PendingInvocation p = new PendingInvocation(sandbox.invocationCount, requestId, event, deadlineMs);
            sandbox.current = p;
            JsonObject invoke = new JsonObject();
            invoke.addProperty("eventType", "INVOKE");
            invoke.addProperty("deadlineMs", deadlineMs);
            invoke.addProperty("requestId", requestId);
            invoke.addProperty("invokedFunctionArn", config.functionArn());
            invoke.add("tracing", object("type", "X-Amzn-Trace-Id", "value", p.traceId()));
            for (ExtensionState e : sandbox.extensionsByName.values()) {
                if (e.events.contains("INVOKE")) {
                    nextCallsBefore.put(e, e.nextCalls);
                    e.queue.add(invoke.toString());
                }
            }
            sandbox.changed.signalAll();
            return p;
        } finally {
            sandbox.lock.unlock();
        }
    }

    /** Hands the event to the runtime and waits for its answer, its death or the function timeout. */
    private void awaitRuntime(PendingInvocation p) {
        sandbox.lock.lock();
        try {
            p.handedNanos = System.nanoTime();
            sandbox.forRuntime = p;
            sandbox.changed.signalAll();
            long timeoutNanos = config.timeout().toNanos();
            while (p.status == null) {
                long left = p.handedNanos + timeoutNanos - System.nanoTime();
                if (left <= 0) {
                    p.status = Invocation.Status.TIMEOUT;
                    p.body = new byte[0];
                    p.respondedNanos = System.nanoTime();
                    if (sandbox.forRuntime == p) {
                        sandbox.forRuntime = null;
                    }
                    break;
                }
                if (!sandbox.runtime.isAlive()) {
                    p.status = Invocation.Status.ERROR;
                    p.body = ("{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":\"the runtime exited with "
                            + sandbox.runtime.exitCode() + "\"}").getBytes(StandardCharsets.UTF_8);
                    p.respondedNanos = System.nanoTime();
                    break;
                }
                sandbox.changed.awaitNanos(Math.min(left, POLL_NANOS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the runtime", e);
        } finally {
            sandbox.lock.unlock();
        }
    }

    /** The post-runtime hold: waits (at most a function timeout) until every extension given INVOKE calls {@code /next} again. */
    private Invocation awaitHold(PendingInvocation p, Map<ExtensionState, Long> nextCallsBefore) {
        long lastNext = p.respondedNanos;
        String slowest = null;
        sandbox.lock.lock();
        try {
            long holdLimit = p.respondedNanos + config.timeout().toNanos();
            for (Map.Entry<ExtensionState, Long> entry : nextCallsBefore.entrySet()) {
                ExtensionState e = entry.getKey();
                while (e.nextCalls <= entry.getValue() && e.process.isAlive()) {
                    long left = holdLimit - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    sandbox.changed.awaitNanos(Math.min(left, POLL_NANOS));
                }
                long at = e.nextCalls > entry.getValue() ? e.lastNextNanos : System.nanoTime();
                if (slowest == null || at > lastNext) {
                    lastNext = Math.max(lastNext, at);
                    slowest = e.name;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the extensions", e);
        } finally {
            sandbox.lock.unlock();
        }
        return new Invocation(p.number, p.requestId, p.status, p.body,
                Duration.ofNanos(p.respondedNanos - p.handedNanos),
                Duration.ofNanos(Math.max(0, lastNext - p.respondedNanos)), slowest);
    }

    // ---------------------------------------------------------------- shutdown

    /**
     * SIGTERM to the runtime, SHUTDOWN to every extension registered for it, then waits until every
     * process has exited or the deadline has passed, and SIGKILLs what is left.
     */
    public ShutdownReport shutdown(String reason) {
        List<ManagedProcess> processes = new ArrayList<>();
        long start = System.nanoTime();
        sandbox.lock.lock();
        try {
            if (sandbox.shutDown) {
                throw new IllegalStateException("already shut down");
            }
            sandbox.shutDown = true;
            sandbox.thaw();
            long deadlineMs = System.currentTimeMillis() + config.shutdownDeadline().toMillis();
            JsonObject event = new JsonObject();
            event.addProperty("eventType", "SHUTDOWN");
            event.addProperty("shutdownReason", reason);
            event.addProperty("deadlineMs", deadlineMs);
            for (ExtensionState e : sandbox.extensionsByName.values()) {
                if (e.process != null) {
                    processes.add(e.process);
                }
                if (e.events.contains("SHUTDOWN")) {
                    e.queue.add(event.toString());
                }
            }
            if (sandbox.runtime != null) {
                sandbox.runtime.terminate();
                processes.add(sandbox.runtime);
            }
            sandbox.changed.signalAll();
        } finally {
            sandbox.lock.unlock();
        }
        long end = start + config.shutdownDeadline().toNanos();
        List<ProcessExit> exits = new ArrayList<>();
        for (ManagedProcess process : processes) {
            exits.add(awaitExit(process, end));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        for (ManagedProcess process : processes) {
            try {
                process.awaitOutputEnd(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sandbox.closeSubscriptions();
        return new ShutdownReport(reason, config.shutdownDeadline(), took, exits);
    }

    private static ProcessExit awaitExit(ManagedProcess process, long endNanos) {
        boolean exited;
        try {
            exited = process.waitFor(endNanos - System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        if (!exited) {
            process.kill();
            try {
                process.waitFor(TimeUnit.SECONDS.toNanos(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new ProcessExit(process.name(), process.isAlive() ? -1 : process.exitCode(), !exited);
    }

    /** Kills whatever still runs and ends every Telemetry subscription. */
    public void kill() {
        sandbox.lock.lock();
        try {
            sandbox.shutDown = true;
            sandbox.killAll();
            sandbox.changed.signalAll();
        } finally {
            sandbox.lock.unlock();
        }
        sandbox.closeSubscriptions();
    }
}
