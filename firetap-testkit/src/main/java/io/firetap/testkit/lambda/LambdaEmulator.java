package io.firetap.testkit.lambda;

import io.firetap.testkit.lambda.internal.ApiServer;
import io.firetap.testkit.lambda.internal.EmulatorConfig;
import io.firetap.testkit.lambda.internal.Lifecycle;
import io.firetap.testkit.lambda.internal.Sandbox;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

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

    private final EmulatorConfig config;
    private final Sandbox sandbox = new Sandbox();
    private final ApiServer api;
    private final Lifecycle lifecycle;

    private LambdaEmulator(EmulatorConfig config) {
        this.config = config;
        this.api = ApiServer.start(config, sandbox);
        this.lifecycle = new Lifecycle(config, sandbox, api.address());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code 127.0.0.1:port}: the value of {@code AWS_LAMBDA_RUNTIME_API} for every process. */
    public String runtimeApi() {
        return api.address();
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
        lifecycle.init();
        return this;
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
        return lifecycle.invoke(event);
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
        return lifecycle.shutdown(reason);
    }

    /** Kills whatever still runs and stops serving. */
    @Override
    public void close() {
        lifecycle.kill();
        api.stop();
    }

    /** Every pid of the environment: extensions, runtime and what they started. */
    public List<Long> pids() {
        return sandbox.pids();
    }

    /** {@code true} between the end of an invocation and the next invocation or shutdown. */
    public boolean frozen() {
        return sandbox.frozen();
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
        return sandbox.extensionStart(name);
    }

    /** When the runtime process was started (wall clock), or {@code null} before. */
    public Instant runtimeStartedAt() {
        return sandbox.runtimeStartedAt();
    }

    /**
     * From starting the runtime's process to its first {@code /runtime/invocation/next} reaching the
     * Runtime API (through whatever wrapper or proxy it runs behind), or {@code null} before that.
     */
    public Duration runtimeToFirstNext() {
        return sandbox.runtimeToFirstNext();
    }

    /** The pid of {@code runtime} or of an extension (its file name); the launcher's exec keeps it. */
    public long pid(String process) {
        return sandbox.pid(process);
    }

    /** Every invocation so far, in order. */
    public List<Invocation> invocations() {
        return sandbox.invocations();
    }

    /** Post-runtime hold over every invocation so far. */
    public HoldSummary holds() {
        return HoldSummary.of(invocations());
    }

    /**
     * Lines a process wrote to stdout and stderr (UTF-8 decoded, without {@code \n}), for
     * {@code runtime} or an extension's file name; the latest {@value Sandbox#RETAINED_LINES} are kept.
     */
    public List<String> output(String process) {
        return sandbox.output(process);
    }

    /** Bodies posted to {@code init/error}, {@code exit/error} and the runtime's {@code init/error}, as {@code "<who> <error type>: <body>"}. */
    public List<String> errorsReported() {
        return sandbox.errorsReported();
    }

    /** Telemetry subscriptions the emulator refused, with Lambda's error type and message. */
    public List<TelemetryRejection> telemetryRejections() {
        return sandbox.telemetryRejections();
    }

    /** Names of extensions with an active Telemetry subscription. */
    public List<String> telemetrySubscribers() {
        return sandbox.telemetrySubscribers();
    }

    /** A refused Telemetry subscription. */
    public record TelemetryRejection(String extension, int status, String errorType, String message) {
    }

    @Override
    public String toString() {
        return "LambdaEmulator[" + runtimeApi() + ", " + config.functionName() + "]";
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

        /** Checks the settings and starts serving the APIs on a free loopback port. */
        public LambdaEmulator build() {
            return new LambdaEmulator(new EmulatorConfig(layer, extensions, runtimeCommand, taskRoot, handler,
                    environment, functionName, functionVersion, region, memoryMb, timeout, initTimeout,
                    shutdownDeadline, freeze, onFrozen, echo));
        }
    }
}
