package io.firetap.testkit.lambda;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.firetap.testkit.lambda.internal.ManagedProcess;
import io.firetap.testkit.lambda.internal.TelemetrySubscription;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A Lambda execution environment on loopback, driving real processes the way Lambda does.
 *
 * <p>It serves the Extensions API, the Telemetry API and the Runtime API on one free loopback port
 * ({@code AWS_LAMBDA_RUNTIME_API} of every process it starts), starts each executable of a layer's
 * {@code extensions/} folder, waits for their registration, starts the runtime ({@code bootstrap}),
 * and then runs invocations: INVOKE to every extension, the event to the runtime, and after the
 * runtime's response it waits until every extension has called {@code /event/next} again — the
 * post-runtime hold, measured per invocation — before it freezes every process (SIGSTOP) until the
 * next invocation. {@link #shutdown()} sends SHUTDOWN with a deadline and kills what is left.
 *
 * <pre>{@code
 * try (LambdaEmulator lambda = LambdaEmulator.builder()
 *         .layer(unzippedLayer)                       // starts extensions/* as extensions
 *         .runtime(List.of(taskRoot.resolve("bootstrap").toString()))
 *         .taskRoot(taskRoot).handler("handler.sh")
 *         .env("FIRETAP_STREAM_NAME", "logs")
 *         .onFrozen(invocation -> assertThat(firehose.lines()).hasSize(...))
 *         .build()) {
 *     lambda.start();
 *     Invocation first = lambda.invoke("{\"lines\":100}");
 *     ShutdownReport end = lambda.shutdown();
 * }
 * }</pre>
 *
 * <p>Where it differs from Lambda: one environment, invocations one at a time; no resource limits;
 * a function timeout ends the invocation with {@link Invocation.Status#TIMEOUT} but does not reset
 * the environment; {@code sandbox.localdomain} in a Telemetry destination means 127.0.0.1.
 */
public final class LambdaEmulator implements AutoCloseable {
    private static final String EXT = "/2020-01-01/extension/";

    static {
        // the JDK server's responses are small writes: without this, Nagle and delayed ACKs stall them 40 ms
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }
    private static final String TELEMETRY = "/2022-07-01/telemetry";
    private static final String RUNTIME = "/2018-06-01/runtime/";
    private static final int MAX_RESPONSE_BYTES = 6 * 1024 * 1024;
    private static final int RETAINED_LINES = 200_000;

    private final Builder config;
    private final HttpServer server;
    private final ExecutorService handlers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, ExtensionState> extensionsByName = new LinkedHashMap<>();
    private final Map<String, ExtensionState> extensionsById = new LinkedHashMap<>();
    private final List<TelemetrySubscription> subscriptions = new ArrayList<>();
    private final List<Invocation> invocations = new ArrayList<>();
    private final Map<String, List<String>> output = new LinkedHashMap<>();
    private final List<String> errorsReported = new ArrayList<>();
    private final List<TelemetryRejection> telemetryRejections = new ArrayList<>();
    private ManagedProcess runtime;
    private java.time.Instant runtimeStartedAt;
    private PendingInvocation current;
    private PendingInvocation forRuntime;
    private long runtimeNextCalls;
    private long runtimeStartedNanos;
    private long runtimeFirstNextNanos;
    private boolean started;
    private boolean frozen;
    private boolean shutDown;
    private int invocationCount;

    private LambdaEmulator(Builder config) {
        this.config = config;
        this.handlers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "emulator-api");
            t.setDaemon(true);
            return t;
        });
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on loopback", e);
        }
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code 127.0.0.1:port}: the value of {@code AWS_LAMBDA_RUNTIME_API} for every process. */
    public String runtimeApi() {
        return server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * The init phase: starts the extensions, waits for each to register, starts the runtime, and
     * returns once the runtime and every extension wait in {@code /next}.
     *
     * @throws IllegalStateException when init does not complete within the init limit (10 s by
     *                               default), with what was missing; the processes are killed
     */
    public LambdaEmulator start() {
        long deadline = System.nanoTime() + config.initTimeout.toNanos();
        List<Path> executables = config.extensionExecutables();
        lock.lock();
        try {
            if (started) {
                throw new IllegalStateException("already started");
            }
            started = true;
            for (Path executable : executables) {
                String name = executable.getFileName().toString();
                ExtensionState state = new ExtensionState(name);
                extensionsByName.put(name, state);
            }
        } finally {
            lock.unlock();
        }
        platformEvent("platform.initStart", obj("initializationType", "on-demand", "phase", "init"));
        for (Path executable : executables) {
            String name = executable.getFileName().toString();
            long startedNanos = System.nanoTime();
            ManagedProcess process = ManagedProcess.start(name, List.of(executable.toString()),
                    environment(false), config.taskRoot, (stream, line) -> captured(name, stream, line));
            lock.lock();
            try {
                extensionsByName.get(name).process = process;
                extensionsByName.get(name).startedNanos = startedNanos;
            } finally {
                lock.unlock();
            }
        }
        awaitInit(deadline, "every extension to register", () -> extensionsByName.values().stream().allMatch(e -> e.id != null));
        if (config.runtimeCommand != null) {
            runtimeStartedAt = java.time.Instant.now();
            runtimeStartedNanos = System.nanoTime();
            ManagedProcess process = ManagedProcess.start("runtime", config.runtimeCommand, environment(true),
                    config.taskRoot, (stream, line) -> captured("runtime", stream, line));
            lock.lock();
            try {
                runtime = process;
            } finally {
                lock.unlock();
            }
            awaitInit(deadline, "the runtime to call /runtime/invocation/next", () -> runtimeNextCalls > 0);
        }
        awaitInit(deadline, "every extension to call /event/next",
                () -> extensionsByName.values().stream().allMatch(e -> e.nextCalls > 0));
        return this;
    }

    private void awaitInit(long deadline, String what, java.util.function.BooleanSupplier done) {
        lock.lock();
        try {
            while (!done.getAsBoolean()) {
                String died = deadProcess();
                if (died != null) {
                    killAll();
                    throw new IllegalStateException("init failed while waiting for " + what + ": " + died
                            + errorsSuffix());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    killAll();
                    throw new IllegalStateException("init did not complete within " + config.initTimeout.toMillis()
                            + " ms: still waiting for " + what + " (" + describeExtensions() + ")" + errorsSuffix());
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killAll();
            throw new IllegalStateException("interrupted during init", e);
        } finally {
            lock.unlock();
        }
    }

    private String deadProcess() {
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

    private String errorsSuffix() {
        return errorsReported.isEmpty() ? "" : "; errors reported: " + errorsReported;
    }

    private String describeExtensions() {
        List<String> parts = new ArrayList<>();
        for (ExtensionState e : extensionsByName.values()) {
            parts.add(e.name + (e.id == null ? " not registered" : e.nextCalls > 0 ? " ready" : " registered"));
        }
        return parts.isEmpty() ? "no extensions" : String.join(", ", parts);
    }

    /** Invokes the function with a UTF-8 event. */
    public Invocation invoke(String event) {
        return invoke(event.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * One invocation: thaws the environment, sends INVOKE to the extensions and the event to the
     * runtime, waits for the response, waits for every extension's next {@code /event/next} (the
     * hold), then freezes the environment and runs the {@code onFrozen} hook while frozen.
     */
    public Invocation invoke(byte[] event) {
        PendingInvocation p;
        Map<ExtensionState, Long> before = new LinkedHashMap<>();
        lock.lock();
        try {
            if (!started || shutDown) {
                throw new IllegalStateException(shutDown ? "already shut down" : "start() first");
            }
            if (runtime == null) {
                throw new IllegalStateException("no runtime configured: builder().runtime(...)");
            }
            thaw();
            invocationCount++;
            String requestId = UUID.randomUUID().toString();
            long deadlineMs = System.currentTimeMillis() + config.timeout.toMillis();
            p = new PendingInvocation(invocationCount, requestId, event, deadlineMs);
            current = p;
            JsonObject invoke = new JsonObject();
            invoke.addProperty("eventType", "INVOKE");
            invoke.addProperty("deadlineMs", deadlineMs);
            invoke.addProperty("requestId", requestId);
            invoke.addProperty("invokedFunctionArn", functionArn());
            JsonObject tracing = new JsonObject();
            tracing.addProperty("type", "X-Amzn-Trace-Id");
            tracing.addProperty("value", "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
                    + requestId.replace("-", "").substring(0, 24) + ";Sampled=0");
            invoke.add("tracing", tracing);
            for (ExtensionState e : extensionsByName.values()) {
                if (e.events.contains("INVOKE")) {
                    before.put(e, e.nextCalls);
                    e.queue.add(invoke.toString());
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        platformEvent("platform.start", obj("requestId", p.requestId, "version", config.functionVersion));
        lock.lock();
        try {
            p.handedNanos = System.nanoTime();
            forRuntime = p;
            changed.signalAll();
            long timeoutNanos = config.timeout.toNanos();
            while (p.status == null) {
                long left = p.handedNanos + timeoutNanos - System.nanoTime();
                if (left <= 0) {
                    p.status = Invocation.Status.TIMEOUT;
                    p.body = new byte[0];
                    p.respondedNanos = System.nanoTime();
                    if (forRuntime == p) {
                        forRuntime = null;
                    }
                    break;
                }
                if (!runtime.isAlive()) {
                    p.status = Invocation.Status.ERROR;
                    p.body = ("{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":\"the runtime exited with "
                            + runtime.exitCode() + "\"}").getBytes(StandardCharsets.UTF_8);
                    p.respondedNanos = System.nanoTime();
                    break;
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the runtime", e);
        } finally {
            lock.unlock();
        }
        if (p.status != Invocation.Status.TIMEOUT && runtime.isAlive()) {
            // like Lambda's log capture: what the runtime wrote before its response precedes runtimeDone
            runtime.syncOutput(1_000);
        }
        String status = switch (p.status) {
            case SUCCESS -> "success";
            case ERROR -> "error";
            case TIMEOUT -> "timeout";
        };
        JsonObject done = obj("requestId", p.requestId, "status", status);
        JsonObject metrics = new JsonObject();
        metrics.addProperty("durationMs", (p.respondedNanos - p.handedNanos) / 1e6);
        done.add("metrics", metrics);
        platformEvent("platform.runtimeDone", done);

        long lastNext = p.respondedNanos;
        String slowest = null;
        lock.lock();
        try {
            long holdLimit = p.respondedNanos + config.timeout.toNanos();
            for (Map.Entry<ExtensionState, Long> entry : before.entrySet()) {
                ExtensionState e = entry.getKey();
                while (e.nextCalls <= entry.getValue() && e.process.isAlive()) {
                    long left = holdLimit - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
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
            lock.unlock();
        }
        Invocation result = new Invocation(p.number, p.requestId, p.status, p.body,
                Duration.ofNanos(p.respondedNanos - p.handedNanos), Duration.ofNanos(Math.max(0, lastNext - p.respondedNanos)),
                slowest);
        JsonObject report = obj("requestId", p.requestId, "status", status);
        JsonObject reportMetrics = new JsonObject();
        reportMetrics.addProperty("durationMs", result.runtimeTime().toNanos() / 1e6);
        reportMetrics.addProperty("billedDurationMs", Math.max(1, (result.runtimeTime().plus(result.hold()).toNanos() + 999_999) / 1_000_000));
        reportMetrics.addProperty("memorySizeMB", config.memoryMb);
        report.add("metrics", reportMetrics);
        platformEvent("platform.report", report);
        lock.lock();
        try {
            invocations.add(result);
            current = null;
            if (config.freeze) {
                freeze();
            }
        } finally {
            lock.unlock();
        }
        if (config.onFrozen != null) {
            config.onFrozen.accept(result);
        }
        return result;
    }

    /**
     * Sends SHUTDOWN ({@code spindown}) with the configured deadline: SIGTERM to the runtime,
     * SHUTDOWN to every extension registered for it, waits until every process has exited or the
     * deadline has passed, then SIGKILLs what is left.
     */
    public ShutdownReport shutdown() {
        return shutdown("spindown");
    }

    /** {@link #shutdown()} with another {@code shutdownReason} ({@code timeout}, {@code failure}). */
    public ShutdownReport shutdown(String reason) {
        List<ManagedProcess> processes = new ArrayList<>();
        long deadlineMs;
        long start = System.nanoTime();
        lock.lock();
        try {
            if (shutDown) {
                throw new IllegalStateException("already shut down");
            }
            shutDown = true;
            thaw();
            deadlineMs = System.currentTimeMillis() + config.shutdownDeadline.toMillis();
            JsonObject event = new JsonObject();
            event.addProperty("eventType", "SHUTDOWN");
            event.addProperty("shutdownReason", reason);
            event.addProperty("deadlineMs", deadlineMs);
            for (ExtensionState e : extensionsByName.values()) {
                if (e.process != null) {
                    processes.add(e.process);
                }
                if (e.events.contains("SHUTDOWN")) {
                    e.queue.add(event.toString());
                }
            }
            if (runtime != null) {
                runtime.terminate();
                processes.add(runtime);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        long end = start + config.shutdownDeadline.toNanos();
        List<ProcessExit> exits = new ArrayList<>();
        for (ManagedProcess process : processes) {
            boolean exited;
            try {
                exited = process.waitFor(end - System.nanoTime());
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
            exits.add(new ProcessExit(process.name(), process.isAlive() ? -1 : process.exitCode(), !exited));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        for (ManagedProcess process : processes) {
            try {
                process.awaitOutputEnd(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeSubscriptions();
        return new ShutdownReport(reason, config.shutdownDeadline, took, exits);
    }

    /** Kills whatever still runs and stops serving. */
    @Override
    public void close() {
        lock.lock();
        try {
            shutDown = true;
            killAll();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        closeSubscriptions();
        server.stop(0);
        handlers.shutdownNow();
    }

    private void closeSubscriptions() {
        List<TelemetrySubscription> copy;
        lock.lock();
        try {
            copy = new ArrayList<>(subscriptions);
        } finally {
            lock.unlock();
        }
        copy.forEach(TelemetrySubscription::close);
    }

    private void killAll() {
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

    private void freeze() {
        ManagedProcess.signal("STOP", allPids());
        frozen = true;
    }

    private void thaw() {
        if (frozen) {
            ManagedProcess.signal("CONT", allPids());
            frozen = false;
        }
    }

    /** Every pid of the environment: extensions, runtime and what they started. */
    public List<Long> pids() {
        lock.lock();
        try {
            return allPids();
        } finally {
            lock.unlock();
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

    /** {@code true} between the end of an invocation and the next invocation or shutdown. */
    public boolean frozen() {
        lock.lock();
        try {
            return frozen;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- what tests look at

    /**
     * Start-up of an extension: from starting its process to its {@code register} call, and to its
     * first {@code /event/next} (the end of its init), for {@code name} (its file name).
     */
    public record ExtensionStart(Duration toRegister, Duration toFirstNext) {
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
    public java.time.Instant runtimeStartedAt() {
        lock.lock();
        try {
            return runtimeStartedAt;
        } finally {
            lock.unlock();
        }
    }

    /**
     * From starting the runtime's process to its first {@code /runtime/invocation/next} reaching the
     * Runtime API (through whatever wrapper or proxy it runs behind), or {@code null} before that.
     */
    public Duration runtimeToFirstNext() {
        lock.lock();
        try {
            return runtimeNextCalls == 0 ? null : Duration.ofNanos(runtimeFirstNextNanos - runtimeStartedNanos);
        } finally {
            lock.unlock();
        }
    }

    /** The pid of {@code runtime} or of an extension (its file name); the launcher's exec keeps it. */
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

    /** Post-runtime hold over every invocation so far. */
    public HoldSummary holds() {
        return HoldSummary.of(invocations());
    }

    /**
     * Lines a process wrote to stdout and stderr (UTF-8 decoded, without {@code \n}), for
     * {@code runtime} or an extension's file name; the latest {@value #RETAINED_LINES} are kept.
     */
    public List<String> output(String process) {
        lock.lock();
        try {
            return List.copyOf(output.getOrDefault(process, List.of()));
        } finally {
            lock.unlock();
        }
    }

    /** Bodies posted to {@code init/error}, {@code exit/error} and the runtime's {@code init/error}, as {@code "<who> <error type>: <body>"}. */
    public List<String> errorsReported() {
        lock.lock();
        try {
            return List.copyOf(errorsReported);
        } finally {
            lock.unlock();
        }
    }

    /** Telemetry subscriptions the emulator refused, with Lambda's error type and message. */
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

    /** A refused Telemetry subscription. */
    public record TelemetryRejection(String extension, int status, String errorType, String message) {
    }

    private void captured(String process, ManagedProcess.Stream stream, byte[] line) {
        String text = new String(line, StandardCharsets.UTF_8);
        if (config.echo != null) {
            config.echo.println("[" + process + "] " + text);
        }
        lock.lock();
        try {
            List<String> lines = output.computeIfAbsent(process, k -> new ArrayList<>());
            if (lines.size() >= RETAINED_LINES) {
                lines.subList(0, RETAINED_LINES / 10).clear();
            }
            lines.add(text);
        } finally {
            lock.unlock();
        }
        String category = process.equals("runtime") ? "function" : "extension";
        JsonObject event = new JsonObject();
        event.addProperty("time", Instant.now().toString());
        event.addProperty("type", category);
        event.addProperty("record", text);
        deliver(category, event.toString());
    }

    private void platformEvent(String type, JsonObject record) {
        JsonObject event = new JsonObject();
        event.addProperty("time", Instant.now().toString());
        event.addProperty("type", type);
        event.add("record", record);
        deliver("platform", event.toString());
    }

    private void deliver(String category, String eventJson) {
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

    // ---------------------------------------------------------------- the APIs

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            byte[] body = readBody(exchange.getRequestBody());
            if (path.startsWith(EXT)) {
                extensionsApi(exchange, method, path.substring(EXT.length()), body);
            } else if (path.equals(TELEMETRY)) {
                telemetryApi(exchange, method, body);
            } else if (path.startsWith(RUNTIME)) {
                runtimeApi(exchange, method, path.substring(RUNTIME.length()), body);
            } else {
                error(exchange, 404, "NotFound", "no such path: " + path);
            }
        } catch (RuntimeException e) {
            error(exchange, 500, "ServiceException", String.valueOf(e.getMessage()));
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private void extensionsApi(HttpExchange exchange, String method, String op, byte[] body) throws IOException {
        if (op.equals("register") && method.equals("POST")) {
            register(exchange, body);
            return;
        }
        ExtensionState e = identified(exchange);
        if (e == null) {
            return;
        }
        switch (op) {
            case "event/next" -> {
                if (!method.equals("GET")) {
                    error(exchange, 405, "MethodNotAllowed", "use GET");
                    return;
                }
                nextEvent(exchange, e);
            }
            case "init/error", "exit/error" -> {
                String type = exchange.getRequestHeaders().getFirst("Lambda-Extension-Function-Error-Type");
                if (type == null || type.isBlank()) {
                    error(exchange, 400, "InvalidRequestFormat", "Lambda-Extension-Function-Error-Type is required");
                    return;
                }
                lock.lock();
                try {
                    errorsReported.add(e.name + " " + op + " " + type + ": " + new String(body, StandardCharsets.UTF_8));
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                json(exchange, 202, "{\"status\":\"OK\"}");
            }
            default -> error(exchange, 404, "NotFound", "no such extension operation: " + op);
        }
    }

    private void register(HttpExchange exchange, byte[] body) throws IOException {
        String name = exchange.getRequestHeaders().getFirst("Lambda-Extension-Name");
        Set<String> events = new HashSet<>();
        try {
            JsonElement parsed = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
            JsonArray array = parsed.getAsJsonObject().getAsJsonArray("events");
            for (JsonElement ev : array) {
                events.add(ev.getAsString());
            }
        } catch (RuntimeException bad) {
            error(exchange, 400, "InvalidRequestFormat", "the body must be {\"events\":[...]}");
            return;
        }
        if (!Set.of("INVOKE", "SHUTDOWN").containsAll(events)) {
            error(exchange, 400, "InvalidRequestFormat", "events must be INVOKE and/or SHUTDOWN, got " + events);
            return;
        }
        String id;
        lock.lock();
        try {
            ExtensionState e = name == null ? null : extensionsByName.get(name);
            if (e == null) {
                error(exchange, 403, "Extension.InvalidExtensionName",
                        "Lambda-Extension-Name " + (name == null ? "is missing" : "'" + name + "' is not the file name of an extension"));
                return;
            }
            if (e.id != null) {
                error(exchange, 403, "Extension.AlreadyRegistered", "extension " + name + " is already registered");
                return;
            }
            e.id = UUID.randomUUID().toString();
            e.registeredNanos = System.nanoTime();
            e.events = events;
            id = e.id;
            extensionsById.put(id, e);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        exchange.getResponseHeaders().add("Lambda-Extension-Identifier", id);
        JsonObject reply = new JsonObject();
        reply.addProperty("functionName", config.functionName);
        reply.addProperty("functionVersion", config.functionVersion);
        reply.addProperty("handler", config.handler);
        reply.addProperty("accountId", "000000000000");
        json(exchange, 200, reply.toString());
    }

    private ExtensionState identified(HttpExchange exchange) throws IOException {
        String id = exchange.getRequestHeaders().getFirst("Lambda-Extension-Identifier");
        lock.lock();
        try {
            ExtensionState e = id == null ? null : extensionsById.get(id);
            if (e == null) {
                error(exchange, 403, "Extension.Forbidden", "missing or unknown Lambda-Extension-Identifier");
            }
            return e;
        } finally {
            lock.unlock();
        }
    }

    private void nextEvent(HttpExchange exchange, ExtensionState e) throws IOException {
        String event;
        lock.lock();
        try {
            e.nextCalls++;
            e.lastNextNanos = System.nanoTime();
            if (e.nextCalls == 1) {
                e.firstNextNanos = e.lastNextNanos;
            }
            changed.signalAll();
            while (e.queue.isEmpty()) {
                if (shutDown && !e.process.isAlive()) {
                    return;
                }
                changed.await();
            }
            event = e.queue.remove(0);
        } catch (InterruptedException interrupted) {
            return;
        } finally {
            lock.unlock();
        }
        exchange.getResponseHeaders().add("Lambda-Extension-Event-Identifier", UUID.randomUUID().toString());
        json(exchange, 200, event);
    }

    private void telemetryApi(HttpExchange exchange, String method, byte[] body) throws IOException {
        ExtensionState e = identified(exchange);
        if (e == null) {
            return;
        }
        if (!method.equals("PUT")) {
            error(exchange, 405, "MethodNotAllowed", "use PUT");
            return;
        }
        String problem;
        TelemetrySubscription subscription = null;
        try {
            JsonObject request = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
            problem = null;
            String schema = request.has("schemaVersion") ? request.get("schemaVersion").getAsString() : null;
            Set<String> types = new HashSet<>();
            if (request.has("types")) {
                request.getAsJsonArray("types").forEach(t -> types.add(t.getAsString()));
            }
            JsonObject buffering = request.has("buffering") ? request.getAsJsonObject("buffering") : new JsonObject();
            int maxItems = buffering.has("maxItems") ? buffering.get("maxItems").getAsInt() : 10_000;
            int maxBytes = buffering.has("maxBytes") ? buffering.get("maxBytes").getAsInt() : 262_144;
            int timeoutMs = buffering.has("timeoutMs") ? buffering.get("timeoutMs").getAsInt() : 1_000;
            JsonObject destination = request.has("destination") ? request.getAsJsonObject("destination") : null;
            if (!"2022-12-13".equals(schema) && !"2022-07-01".equals(schema)) {
                problem = "schemaVersion must be 2022-12-13 or 2022-07-01, got " + schema;
            } else if (types.isEmpty() || !Set.of("platform", "function", "extension").containsAll(types)) {
                problem = "types must be a non-empty list of platform, function, extension, got " + types;
            } else if (maxItems < 1_000 || maxItems > 10_000) {
                problem = "buffering.maxItems must be 1000-10000, got " + maxItems;
            } else if (maxBytes < 262_144 || maxBytes > 1_048_576) {
                problem = "buffering.maxBytes must be 262144-1048576, got " + maxBytes;
            } else if (timeoutMs < 25 || timeoutMs > 30_000) {
                problem = "buffering.timeoutMs must be 25-30000, got " + timeoutMs;
            } else if (destination == null || !destination.has("protocol") || !destination.has("URI")
                    || !"HTTP".equals(destination.get("protocol").getAsString())) {
                problem = "destination must be {\"protocol\":\"HTTP\",\"URI\":\"http://sandbox.localdomain:<port>/...\"}";
            } else {
                URI uri = URI.create(destination.get("URI").getAsString());
                String host = uri.getHost();
                if (!"http".equals(uri.getScheme()) || host == null
                        || !(host.equals("sandbox.localdomain") || host.equals("127.0.0.1") || host.equals("localhost"))) {
                    problem = "destination URI must be http://sandbox.localdomain:<port> (or a loopback address here), got " + uri;
                } else if (uri.getPort() == 9001 || uri.getPort() <= 0) {
                    problem = "destination port " + uri.getPort() + " is not allowed (9001 is reserved; a port is required)";
                } else {
                    URI target = URI.create("http://127.0.0.1:" + uri.getPort()
                            + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath()));
                    subscription = new TelemetrySubscription(e.name, types, maxItems, maxBytes, timeoutMs, target);
                }
            }
        } catch (RuntimeException bad) {
            problem = "the body is not a valid subscription request: " + bad.getMessage();
        }
        if (problem != null) {
            lock.lock();
            try {
                telemetryRejections.add(new TelemetryRejection(e.name, 400, "ValidationError", problem));
            } finally {
                lock.unlock();
            }
            error(exchange, 400, "ValidationError", problem);
            return;
        }
        lock.lock();
        try {
            TelemetrySubscription fresh = subscription;
            subscriptions.removeIf(s -> {
                if (s.extension().equals(fresh.extension())) {
                    s.close();
                    return true;
                }
                return false;
            });
            subscriptions.add(subscription);
        } finally {
            lock.unlock();
        }
        json(exchange, 200, "\"OK\"");
    }

    private void runtimeApi(HttpExchange exchange, String method, String op, byte[] body) throws IOException {
        if (op.equals("invocation/next") && method.equals("GET")) {
            runtimeNext(exchange);
            return;
        }
        if (op.equals("init/error") && method.equals("POST")) {
            lock.lock();
            try {
                errorsReported.add("runtime init/error "
                        + exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type") + ": "
                        + new String(body, StandardCharsets.UTF_8));
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            json(exchange, 202, "{\"status\":\"OK\"}");
            return;
        }
        if (op.startsWith("invocation/") && method.equals("POST")) {
            String rest = op.substring("invocation/".length());
            int slash = rest.indexOf('/');
            String requestId = slash < 0 ? rest : rest.substring(0, slash);
            String what = slash < 0 ? "" : rest.substring(slash + 1);
            if (!what.equals("response") && !what.equals("error")) {
                error(exchange, 404, "NotFound", "no such runtime operation: " + op);
                return;
            }
            if (what.equals("response") && body.length > MAX_RESPONSE_BYTES) {
                error(exchange, 413, "RequestEntityTooLarge", "response of " + body.length
                        + " bytes exceeds the limit of " + MAX_RESPONSE_BYTES + " bytes");
                return;
            }
            lock.lock();
            try {
                PendingInvocation p = current;
                if (p == null || !p.requestId.equals(requestId)) {
                    error(exchange, 400, "InvalidRequestID", "Invalid request ID: " + requestId);
                    return;
                }
                if (p.status != null) {
                    error(exchange, 400, "InvalidStateTransition",
                            "State transition from " + p.status + " to " + what + " failed for runtime.");
                    return;
                }
                p.respondedNanos = System.nanoTime();
                p.status = what.equals("response") ? Invocation.Status.SUCCESS : Invocation.Status.ERROR;
                p.body = body;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            json(exchange, 202, "{\"status\":\"OK\"}");
            return;
        }
        error(exchange, 404, "NotFound", "no such runtime operation: " + method + " " + op);
    }

    private void runtimeNext(HttpExchange exchange) throws IOException {
        PendingInvocation p;
        lock.lock();
        try {
            if (runtimeNextCalls++ == 0) {
                runtimeFirstNextNanos = System.nanoTime();
            }
            changed.signalAll();
            while (forRuntime == null) {
                if (shutDown) {
                    return;
                }
                changed.await();
            }
            p = forRuntime;
            forRuntime = null;
        } catch (InterruptedException interrupted) {
            return;
        } finally {
            lock.unlock();
        }
        var headers = exchange.getResponseHeaders();
        headers.add("Lambda-Runtime-Aws-Request-Id", p.requestId);
        headers.add("Lambda-Runtime-Deadline-Ms", Long.toString(p.deadlineMs));
        headers.add("Lambda-Runtime-Invoked-Function-Arn", functionArn());
        headers.add("Lambda-Runtime-Trace-Id", "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000)
                + "-" + p.requestId.replace("-", "").substring(0, 24) + ";Sampled=0");
        headers.add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, p.event.length == 0 ? -1 : p.event.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(p.event);
        }
    }

    private static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        JsonObject body = new JsonObject();
        body.addProperty("errorMessage", message);
        body.addProperty("errorType", type);
        json(exchange, status, body.toString());
    }

    private static JsonObject obj(String... keyValues) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < keyValues.length; i += 2) {
            o.addProperty(keyValues[i], keyValues[i + 1]);
        }
        return o;
    }

    private String functionArn() {
        return "arn:aws:lambda:" + config.region + ":000000000000:function:" + config.functionName;
    }

    private Map<String, String> environment(boolean forRuntime) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        if (System.getenv("JAVA_HOME") != null) {
            env.put("JAVA_HOME", System.getenv("JAVA_HOME"));
        }
        if (System.getenv("HOME") != null) {
            env.put("HOME", System.getenv("HOME"));
        }
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi());
        env.put("AWS_REGION", config.region);
        env.put("AWS_DEFAULT_REGION", config.region);
        env.put("AWS_LAMBDA_FUNCTION_NAME", config.functionName);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", config.functionVersion);
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(config.memoryMb));
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + config.functionName);
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "emulated");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_provided.al2023");
        env.putAll(config.environment);
        if (forRuntime) {
            if (config.handler != null) {
                env.put("_HANDLER", config.handler);
            }
            if (config.taskRoot != null) {
                env.put("LAMBDA_TASK_ROOT", config.taskRoot.toString());
            }
        } else {
            env.remove("_HANDLER");
            env.remove("LAMBDA_TASK_ROOT");
        }
        return env;
    }

    @Override
    public String toString() {
        return "LambdaEmulator[" + runtimeApi() + ", " + config.functionName + "]";
    }

    // ---------------------------------------------------------------- state

    private static final class ExtensionState {
        final String name;
        final List<String> queue = new ArrayList<>();
        ManagedProcess process;
        String id;
        Set<String> events = Set.of();
        long nextCalls;
        long lastNextNanos;
        long startedNanos;
        long registeredNanos;
        long firstNextNanos;

        ExtensionState(String name) {
            this.name = name;
        }
    }

    private static final class PendingInvocation {
        final int number;
        final String requestId;
        final byte[] event;
        final long deadlineMs;
        long handedNanos;
        long respondedNanos;
        Invocation.Status status;
        byte[] body;

        PendingInvocation(int number, String requestId, byte[] event, long deadlineMs) {
            this.number = number;
            this.requestId = requestId;
            this.event = event;
            this.deadlineMs = deadlineMs;
        }
    }

    /** Configuration; {@link #build()} starts serving the APIs, {@link LambdaEmulator#start()} the processes. */
    public static final class Builder {
        private Path layer;
        private final List<Path> extensions = new ArrayList<>();
        private List<String> runtimeCommand;
        private Path taskRoot;
        private String handler;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String functionName = "firetap-function";
        private String functionVersion = "$LATEST";
        private String region = "us-east-1";
        private int memoryMb = 128;
        private Duration timeout = Duration.ofSeconds(30);
        private Duration initTimeout = Duration.ofSeconds(10);
        private Duration shutdownDeadline = Duration.ofMillis(2_000);
        private boolean freeze = true;
        private Consumer<Invocation> onFrozen;
        private PrintStream echo;

        private Builder() {
        }

        /** An unzipped layer: every executable file of its {@code extensions/} folder runs as an extension. */
        public Builder layer(Path layerRoot) {
            this.layer = layerRoot;
            return this;
        }

        /** One more extension executable; its file name is the name it must register with. */
        public Builder extension(Path executable) {
            extensions.add(executable);
            return this;
        }

        /** The runtime's command line (a {@code bootstrap}, or any program speaking the Runtime API). */
        public Builder runtime(List<String> command) {
            this.runtimeCommand = List.copyOf(command);
            return this;
        }

        /** {@code LAMBDA_TASK_ROOT} for the runtime and the working directory of every process. */
        public Builder taskRoot(Path taskRoot) {
            this.taskRoot = taskRoot;
            return this;
        }

        /** {@code _HANDLER} for the runtime. */
        public Builder handler(String handler) {
            this.handler = handler;
            return this;
        }

        /** A function environment variable (extensions and runtime both see it). */
        public Builder env(String name, String value) {
            environment.put(name, value);
            return this;
        }

        public Builder environment(Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        public Builder functionName(String name) {
            this.functionName = name;
            return this;
        }

        public Builder functionVersion(String version) {
            this.functionVersion = version;
            return this;
        }

        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder memoryMb(int memoryMb) {
            this.memoryMb = memoryMb;
            return this;
        }

        /** Function timeout: the INVOKE {@code deadlineMs}, and how long the runtime may take. Default 30 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** The init limit (Lambda: 10 s). */
        public Builder initTimeout(Duration initTimeout) {
            this.initTimeout = initTimeout;
            return this;
        }

        /** The SHUTDOWN deadline (Lambda: 2,000 ms with external extensions). */
        public Builder shutdownDeadline(Duration deadline) {
            this.shutdownDeadline = deadline;
            return this;
        }

        /** Freeze (SIGSTOP) the environment between invocations, as Lambda does. Default on. */
        public Builder freeze(boolean freeze) {
            this.freeze = freeze;
            return this;
        }

        /** Runs after each invocation while the environment is frozen (e.g. to assert what was delivered). */
        public Builder onFrozen(Consumer<Invocation> hook) {
            this.onFrozen = hook;
            return this;
        }

        /** Copies every line the processes write to {@code out}, prefixed by the process name. */
        public Builder echoOutput(PrintStream out) {
            this.echo = out;
            return this;
        }

        public LambdaEmulator build() {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            return new LambdaEmulator(this);
        }

        List<Path> extensionExecutables() {
            List<Path> all = new ArrayList<>();
            if (layer != null) {
                Path dir = layer.resolve("extensions");
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> files = Files.list(dir)) {
                        files.filter(Files::isRegularFile).filter(Files::isExecutable).sorted().forEach(all::add);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot list " + dir, e);
                    }
                }
            }
            all.addAll(extensions);
            return Collections.unmodifiableList(all);
        }
    }
}
