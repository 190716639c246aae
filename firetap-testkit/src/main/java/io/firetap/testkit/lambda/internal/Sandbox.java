package io.firetap.testkit.lambda.internal;

import io.firetap.testkit.lambda.Invocation;
import io.firetap.testkit.lambda.LambdaEmulator.ExtensionStart;
import io.firetap.testkit.lambda.LambdaEmulator.TelemetryRejection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state of one emulated execution environment — its processes, extensions, the invocation in
 * flight, what the processes wrote and reported — behind one lock whose condition signals every
 * change, so the APIs' handler threads and the lifecycle wait on the same thing.
 *
 * <p>Internal, not for public use.
 */
public final class Sandbox {
    /** Lines kept per process; the oldest tenth goes when the limit is reached. */
    public static final int RETAINED_LINES = 200_000;
    /** Longest a freeze waits for the stopped processes to leave the CPU. */
    private static final long FREEZE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    final Map<String, ExtensionState> extensionsByName = new LinkedHashMap<>();
    final Map<String, ExtensionState> extensionsById = new LinkedHashMap<>();
    final List<TelemetrySubscription> subscriptions = new ArrayList<>();
    final List<Invocation> invocations = new ArrayList<>();
    final Map<String, List<String>> output = new LinkedHashMap<>();
    final List<String> errorsReported = new ArrayList<>();
    final List<TelemetryRejection> telemetryRejections = new ArrayList<>();
    ManagedProcess runtime;
    Instant runtimeStartedAt;
    /** The invocation the runtime may answer. */
    PendingInvocation current;
    /** The invocation waiting for the runtime's next {@code /invocation/next}. */
    PendingInvocation forRuntime;
    long runtimeNextCalls;
    long runtimeStartedNanos;
    long runtimeFirstNextNanos;
    boolean started;
    boolean frozen;
    boolean shutDown;
    int invocationCount;

    // ---------------------------------------------------------------- for the emulator's observers

    /** Every pid of the environment: extensions, runtime and what they started. */
    public List<Long> pids() {
        lock.lock();
        try {
            return allPids();
        } finally {
            lock.unlock();
        }
    }

    /** {@code true} between the end of an invocation and the next invocation or shutdown. */
    public boolean frozen() {
        lock.lock();
        try {
            return frozen;
        } finally {
            lock.unlock();
        }
    }

    /** How long extension {@code name} took to register and to finish its init. */
    public ExtensionStart extensionStart(String name) {
        lock.lock();
        try {
            ExtensionState e = extensionsByName.get(name);
            if (e == null || e.firstNextNanos == 0) {
                throw new IllegalArgumentException("no extension " + name + " has finished its init");
            }
            return new ExtensionStart(Duration.ofNanos(e.registeredNanos - e.startedNanos),
                    Duration.ofNanos(e.firstNextNanos - e.startedNanos));
        } finally {
            lock.unlock();
        }
    }

    /** When the runtime process was started (wall clock), or {@code null} before. */
    public Instant runtimeStartedAt() {
        lock.lock();
        try {
            return runtimeStartedAt;
        } finally {
            lock.unlock();
        }
    }

    /** From the runtime's start to its first {@code /next} reaching the Runtime API, or {@code null} before. */
    public Duration runtimeToFirstNext() {
        lock.lock();
        try {
            return runtimeNextCalls == 0 ? null : Duration.ofNanos(runtimeFirstNextNanos - runtimeStartedNanos);
        } finally {
            lock.unlock();
        }
    }

    /** The pid of {@code runtime} or of an extension (its file name). */
    public long pid(String process) {
        lock.lock();
        try {
            if (process.equals("runtime") && runtime != null) {
                return runtime.pid();
            }
            ExtensionState e = extensionsByName.get(process);
            if (e == null || e.process == null) {
                throw new IllegalArgumentException("no process named " + process);
            }
            return e.process.pid();
        } finally {
            lock.unlock();
        }
    }

    /** Every invocation so far, in order. */
    public List<Invocation> invocations() {
        lock.lock();
        try {
            return List.copyOf(invocations);
        } finally {
            lock.unlock();
        }
    }

    /** The latest {@value #RETAINED_LINES} lines {@code process} wrote. */
    public List<String> output(String process) {
        lock.lock();
        try {
            return List.copyOf(output.getOrDefault(process, List.of()));
        } finally {
            lock.unlock();
        }
    }

    /** Every error body posted to the APIs, described. */
    public List<String> errorsReported() {
        lock.lock();
        try {
            return List.copyOf(errorsReported);
        } finally {
            lock.unlock();
        }
    }

    /** Every Telemetry subscription refused. */
    public List<TelemetryRejection> telemetryRejections() {
        lock.lock();
        try {
            return List.copyOf(telemetryRejections);
        } finally {
            lock.unlock();
        }
    }

    /** Names of extensions with an active Telemetry subscription. */
    public List<String> telemetrySubscribers() {
        lock.lock();
        try {
            return subscriptions.stream().map(TelemetrySubscription::extension).toList();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- for the parts; callers hold the lock

    void reportError(String description) {
        errorsReported.add(description);
        changed.signalAll();
    }

    void retain(String process, String line) {
        List<String> lines = output.computeIfAbsent(process, k -> new ArrayList<>());
        if (lines.size() >= RETAINED_LINES) {
            lines.subList(0, RETAINED_LINES / 10).clear();
        }
        lines.add(line);
    }

    /** The first process found dead, described, or {@code null}. */
    String deadProcess() {
        for (ExtensionState e : extensionsByName.values()) {
            if (e.process != null && !e.process.isAlive()) {
                return "extension " + e.name + " exited with " + e.process.exitCode();
            }
        }
        if (runtime != null && !runtime.isAlive()) {
            return "the runtime exited with " + runtime.exitCode();
        }
        return null;
    }

    String errorsSuffix() {
        return errorsReported.isEmpty() ? "" : "; errors reported: " + errorsReported;
    }

    String describeExtensions() {
        List<String> parts = new ArrayList<>();
        for (ExtensionState e : extensionsByName.values()) {
            parts.add(e.name + (e.id == null ? " not registered" : e.nextCalls > 0 ? " ready" : " registered"));
        }
        return parts.isEmpty() ? "no extensions" : String.join(", ", parts);
    }

    void killAll() {
        frozen = false;
        for (ExtensionState e : extensionsByName.values()) {
            if (e.process != null && e.process.isAlive()) {
                ManagedProcess.signal("CONT", e.process.tree());
                e.process.kill();
            }
        }
        if (runtime != null && runtime.isAlive()) {
            ManagedProcess.signal("CONT", runtime.tree());
            runtime.kill();
        }
    }

    void freeze() {
        List<Long> pids = allPids();
        ManagedProcess.signal("STOP", pids);
        ManagedProcess.awaitStopped(pids, FREEZE_WAIT_NANOS);
        frozen = true;
    }

    void thaw() {
        if (frozen) {
            ManagedProcess.signal("CONT", allPids());
            frozen = false;
        }
    }

    private List<Long> allPids() {
        List<Long> pids = new ArrayList<>();
        extensionsByName.values().forEach(e -> {
            if (e.process != null) {
                pids.addAll(e.process.tree());
            }
        });
        if (runtime != null) {
            pids.addAll(runtime.tree());
        }
        return pids;
    }

    // ---------------------------------------------------------------- Telemetry subscriptions

    /** Replaces the extension's subscription, if any, with {@code subscription}. */
    void subscribe(TelemetrySubscription subscription) {
        lock.lock();
        try {
            subscriptions.removeIf(s -> {
                if (s.extension().equals(subscription.extension())) {
                    s.close();
                    return true;
                }
                return false;
            });
            subscriptions.add(subscription);
        } finally {
            lock.unlock();
        }
    }

    void rejectSubscription(TelemetryRejection rejection) {
        lock.lock();
        try {
            telemetryRejections.add(rejection);
        } finally {
            lock.unlock();
        }
    }

    /** Offers one event to every subscription of its category. */
    void deliver(String category, String eventJson) {
        lock.lock();
        try {
            for (TelemetrySubscription s : subscriptions) {
                if (s.wants(category)) {
                    s.offer(eventJson);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    void closeSubscriptions() {
        List<TelemetrySubscription> copy;
        lock.lock();
        try {
            copy = new ArrayList<>(subscriptions);
        } finally {
            lock.unlock();
        }
        copy.forEach(TelemetrySubscription::close);
    }
}
