package io.firetap.extension;

import io.firetap.core.FunctionMetadata;
import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import io.firetap.core.pipeline.FlushResult;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.pipeline.PipelineCounters;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkCatalog;
import io.firetap.core.sink.SinkContext;
import io.firetap.extension.internal.DeliverBeforeNext;
import io.firetap.extension.internal.ExtensionConfig;
import io.firetap.extension.internal.InvocationBarrier;
import io.firetap.extension.internal.OutputEndMarkers;
import io.firetap.extension.internal.LateIntake;
import io.firetap.extension.internal.RuntimeOutput;
import io.firetap.extension.internal.SocketFile;
import io.firetap.extension.internal.SocketReceiver;
import io.firetap.extension.internal.TelemetryListener;
import io.firetap.extension.internal.TelemetryStart;
import io.firetap.extension.metrics.MetricsConfig;
import io.firetap.extension.internal.metrics.MetricsReporter;
import io.firetap.extension.internal.metrics.SinkMeasures;
import io.firetap.wrapper.internal.WrapperEndpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole firetap Lambda extension, configured in code: register with the Extensions API, take the
 * function's lines from the wrapper's intake, the UNIX socket and the Telemetry API, ship them
 * through a {@link ShippingPipeline} to the sinks, hold each invocation as its {@link DeliveryMode}
 * says, and deliver what is left at SHUTDOWN.
 *
 * <pre>{@code
 * int status = FiretapExtension.builder()
 *         .sink(mySink)
 *         .delivery(DeliveryMode.STRICT)
 *         .build()
 *         .run();
 * System.exit(status);
 * }</pre>
 *
 * <p>What {@link #run()} guarantees, in this order, each step as cheap as it can be since it adds to
 * the function's cold start:
 * <ol>
 *   <li>Before {@code /register}, only what must come before it: the wrapper's stdout intake and the
 *       Runtime API proxy's port, with the proxy's address file written last ({@link WrapperEndpoints};
 *       Lambda starts the runtime only after every extension has registered, so they are there when the
 *       wrapper looks). Nothing else: no logger, no sink, no configuration reading.</li>
 *   <li>Register for INVOKE and SHUTDOWN.</li>
 *   <li>Apply the {@linkplain Builder#configureAfterRegistering configuration read after registering};
 *       a {@link ConfigException} there, or any other failure of the start from here on, is reported
 *       through {@code init/error} and {@code run} returns 1 — the function's start fails with the
 *       message instead of hanging.</li>
 *   <li>Create the sinks and the pipeline (on a thread of its own) while serving the proxy and reading
 *       the intake, creating the socket and starting the Telemetry listener and subscribing (on a thread
 *       of its own too: Lambda takes a subscription only during init); then serve the socket, build the
 *       barrier and the metrics, start the pipeline's workers (which build and warm the sinks' clients in
 *       the background), then the first {@code /next} — without waiting for the sinks: their warm-up
 *       overlaps the function's own init.</li>
 *   <li>One {@link InvocationBarrier} passage per INVOKE; on SHUTDOWN the receivers stop, everything
 *       buffered is delivered to every sink within the deadline less {@link #SHUTDOWN_MARGIN}, what could
 *       not be is counted and reported, and {@code run} returns 0.</li>
 * </ol>
 *
 * <p>An extension runs once; it owns the sinks it is given and shuts them down.
 */
public final class FiretapExtension {
    /**
     * Logging starts after registration: finding and starting the logger costs tens of milliseconds
     * of class loading, and {@code /register} is the first thing on the cold start.
     */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(FiretapExtension.class);
    }

    /** The name Lambda's {@code extensions/firetap} launcher registers under. */
    public static final String DEFAULT_NAME = ExtensionsApiClient.DEFAULT_NAME;
    /** Where the wrapper sends the runtime's stdout; the proxy's address goes next to it, in {@code <path>.runtime-api}. */
    public static final Path DEFAULT_INTAKE_PATH = Path.of(ExtensionConfig.DEFAULT_INTAKE_PATH);
    /** Where local clients write plain lines. */
    public static final Path DEFAULT_SOCKET_PATH = Path.of(ExtensionConfig.DEFAULT_SOCKET_PATH);
    /** Longest socket path: see {@link ExtensionConfig#MAX_SOCKET_PATH_BYTES}. */
    public static final int MAX_SOCKET_PATH_BYTES = ExtensionConfig.MAX_SOCKET_PATH_BYTES;
    /** 256 KiB, where Lambda itself cuts a line: see {@link ExtensionConfig#DEFAULT_MAX_LINE_BYTES}. */
    public static final int DEFAULT_MAX_LINE_BYTES = ExtensionConfig.DEFAULT_MAX_LINE_BYTES;
    public static final int MIN_MAX_LINE_BYTES = ExtensionConfig.MIN_MAX_LINE_BYTES;
    public static final int MAX_MAX_LINE_BYTES = ExtensionConfig.MAX_MAX_LINE_BYTES;
    /** Socket connections served at once; more wait in the accept queue, losing nothing. */
    public static final int DEFAULT_MAX_SOCKET_CLIENTS = ExtensionConfig.DEFAULT_MAX_CLIENTS;
    public static final int MAX_MAX_SOCKET_CLIENTS = 4096;
    /** Ship the function's own lines from the Telemetry API (see the extension's README for why). */
    public static final Set<TelemetryType> DEFAULT_TELEMETRY = ExtensionConfig.DEFAULT_TELEMETRY;
    /** Any free port. */
    public static final int DEFAULT_TELEMETRY_PORT = 0;
    public static final DeliveryMode DEFAULT_DELIVERY = DeliveryMode.ADAPTIVE;
    /** Longest one barrier passage flushes: see {@link DeliverBeforeNext#DEFAULT_BUDGET}. */
    public static final Duration DEFAULT_FLUSH_BUDGET = DeliverBeforeNext.DEFAULT_BUDGET;
    public static final Duration MIN_FLUSH_BUDGET = Duration.ofMillis(1);
    public static final Duration MAX_FLUSH_BUDGET = Duration.ofSeconds(10);
    /**
     * Kept free before the SHUTDOWN deadline for the last report and the process's own exit. The
     * JVM's exit waits up to 300 ms (30 waits of 10 ms, longer on a starved CPU) for threads blocked
     * in native code — the intake's reader, a socket read, an HTTP call a hung destination never
     * answers — before it ends the process; with 150 ms, a final flush that used all of its time
     * was killed by Lambda's deadline.
     */
    public static final Duration SHUTDOWN_MARGIN = Duration.ofMillis(500);

    private final Builder code;
    private final AtomicBoolean ran = new AtomicBoolean();

    private FiretapExtension(Builder code) {
        this.code = code;
    }

    /** A builder with every default; only a sink is commonly needed (else the {@link SinkCatalog} decides). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the extension until SHUTDOWN, on the calling thread.
     *
     * @return the process's exit status: 0 after SHUTDOWN (what could not be delivered is counted and
     *         reported, not an error), 1 when the start failed (reported to Lambda through
     *         {@code init/error} once registered) or the Extensions API stopped answering
     * @throws IllegalStateException when called a second time
     */
    public int run() {
        if (!ran.compareAndSet(false, true)) {
            throw new IllegalStateException("a FiretapExtension runs once");
        }
        long startNanos = System.nanoTime();
        ExtensionsApiClient api;
        try {
            api = code.api != null ? code.api : ExtensionsApiClient.fromSettings(code.settings);
        } catch (ConfigException e) {
            Log.LOG.error("{}", e.getMessage());
            return 1;
        }
        Path intakePath = or(code.intakePath, DEFAULT_INTAKE_PATH);
        String[] endpointsFailure = new String[1];
        WrapperEndpoints endpoints = code.withoutWrapper ? null : openWrapperEndpoints(intakePath, endpointsFailure);
        String name = code.name != null ? code.name : ExtensionsApiClient.extensionName();
        try {
            api.register(name);
        } catch (IOException e) {
            Log.LOG.error("registering with the Extensions API as '{}' failed: {}", name, e.getMessage());
            closeQuietly(endpoints, null, null, null, null);
            return 1;
        }
        long registeredNanos = System.nanoTime();

        ShippingPipeline pipeline = null;
        SocketFile boundSocket = null;
        SocketReceiver socket = null;
        TelemetryListener telemetry = null;
        FutureTask<TelemetryStart.Started> telemetryStart = null;
        FutureTask<PipelineStart.Started> pipelineStart = null;
        try {
            Builder config = code.afterRegistering == null ? code : code.over(code.afterRegistering);
            if (endpointsFailure[0] != null) {
                Log.LOG.warn("the wrapper's intake and proxy could not be opened at {} ({}); a wrapped runtime runs"
                        + " unwrapped, and its output reaches firetap only through the Telemetry API",
                        intakePath, endpointsFailure[0]);
            }
            int maxLineBytes = or(config.maxLineBytes, DEFAULT_MAX_LINE_BYTES);
            Set<TelemetryType> telemetryTypes = or(config.telemetry, DEFAULT_TELEMETRY);
            Path socketPath = or(config.socketPath, DEFAULT_SOCKET_PATH);
            // the sinks and the pipeline are created on a thread of its own while this one serves the
            // proxy, binds the socket and starts the Telemetry listener: finding the sinks (a service
            // lookup) and creating them (their settings, the AWS request templates) is tens of
            // milliseconds; the sinks' clients are built later still, once the rest of init is done
            pipelineStart = new FutureTask<>(new PipelineStart(config));
            Thread pipelineStarter = new Thread(pipelineStart, "firetap-pipeline-start");
            pipelineStarter.setDaemon(true);
            pipelineStarter.start();
            OutputEndMarkers boundaries = new OutputEndMarkers();
            // lines that come before the pipeline exists wait for it (tens of milliseconds at a cold start)
            LateIntake lateIntake = new LateIntake();
            RuntimeOutput output = null;
            if (endpoints != null) {
                // the runtime's first calls are waiting in the proxy's backlog: serve them now
                output = new RuntimeOutput(endpoints.intake(), boundaries, maxLineBytes, lateIntake);
                endpoints.proxy().start(api.hostPort(), output, new WarningsToLog());
                endpoints.intake().start(output);
            }
            // the Telemetry listener starts and subscribes on its own thread while this one binds the
            // socket and the sinks are created: the HTTP server's first start is tens of milliseconds of
            // class loading, and the socket's first bind waits for the JDK's SecureRandom
            if (!telemetryTypes.isEmpty()) {
                telemetryStart = new FutureTask<>(new TelemetryStart(telemetryTypes,
                        or(config.telemetryPort, DEFAULT_TELEMETRY_PORT), lateIntake, boundaries, api));
                Thread starter = new Thread(telemetryStart, "firetap-telemetry-start");
                starter.setDaemon(true);
                starter.start();
            }
            // the socket exists from here on: a client starting now connects and waits, rather than
            // finding nothing
            boundSocket = SocketReceiver.bind(socketPath);
            PipelineStart.Started created = PipelineStart.await(pipelineStart);
            pipeline = created.pipeline();
            FunctionMetadata function = created.function();
            List<Sink> sinks = created.sinks();
            MetricsConfig metricsConfig = or(config.metrics, MetricsConfig.off());
            SinkMeasures measures = created.measures();
            lateIntake.set(pipeline);
            socket = SocketReceiver.start(boundSocket, maxLineBytes,
                    or(config.maxSocketClients, DEFAULT_MAX_SOCKET_CLIENTS), pipeline, boundaries);
            boolean subscribed = false;
            if (telemetryStart != null) {
                TelemetryStart.Started started = TelemetryStart.await(telemetryStart);
                telemetry = started.listener();
                subscribed = started.subscribed();
            }
            boolean telemetryMarksEnd = subscribed
                    && telemetry.subscriptionTypes().contains(TelemetryType.PLATFORM);
            InvocationBarrier barrier = InvocationBarrier.of(or(config.delivery, DEFAULT_DELIVERY),
                    or(config.flushBudget, DEFAULT_FLUSH_BUDGET), pipeline, boundaries, () -> telemetryMarksEnd);

            // firetap's own metrics. Off by default: then the barrier is not wrapped and the shutdown hooks
            // return at once
            MetricsReporter metrics = MetricsReporter.builder(metricsConfig, function, pipeline).measures(measures)
                    .wrapper(output).socket(socket).telemetry(subscribed ? telemetry : null).build();
            barrier = metrics.measure(barrier);

            long readyNanos = System.nanoTime();
            // a loop, not a stream: the first stream's set-up is milliseconds on the way to /next
            List<String> sinkNames = new ArrayList<>(sinks.size());
            for (Sink sink : sinks) {
                sinkNames.add(sink.name());
            }
            Log.LOG.info("firetap ready: sinks {}, socket {}, intake {}, telemetry {}; registered in {} ms, init {} ms;"
                    + " the sinks start in the background",
                    sinkNames, socketPath,
                    endpoints != null ? intakePath : "off",
                    subscribed ? telemetry.subscriptionTypes() : "off",
                    TimeUnit.NANOSECONDS.toMillis(registeredNanos - startNanos),
                    TimeUnit.NANOSECONDS.toMillis(readyNanos - startNanos));
            // last before /next: the workers at once build and warm the sinks' clients, which would compete
            // for the CPU with anything still to do here
            pipeline.startWorkers();
            return eventLoop(api, pipeline, barrier, boundaries, endpoints, socket, telemetry, metrics);
        } catch (ConfigException e) {
            // the Telemetry start may still be subscribing through the API client: let it finish first
            TelemetryListener started = telemetry != null ? telemetry : TelemetryStart.abandon(telemetryStart);
            reportInitError(api, "Extension.InvalidConfiguration", e.getMessage());
            closeQuietly(endpoints, boundSocket, socket, started, pipeline != null ? pipeline : PipelineStart.abandon(pipelineStart));
            return 1;
        } catch (IOException | RuntimeException e) {
            TelemetryListener started = telemetry != null ? telemetry : TelemetryStart.abandon(telemetryStart);
            reportInitError(api, "Extension.InitFailed", "firetap could not start: " + e);
            closeQuietly(endpoints, boundSocket, socket, started, pipeline != null ? pipeline : PipelineStart.abandon(pipelineStart));
            return 1;
        }
    }

    private static <T> T or(T value, T defaultValue) {
        return value != null ? value : defaultValue;
    }

    /**
     * Creates the sinks and the pipeline (its workers deferred) on a thread of its own during init.
     * A named class, not a lambda, like {@link WarningsToLog}.
     */
    private static final class PipelineStart implements Callable<PipelineStart.Started> {
        record Started(FunctionMetadata function, List<Sink> sinks, SinkMeasures measures, ShippingPipeline pipeline) {
        }

        private final Builder config;

        PipelineStart(Builder config) {
            this.config = config;
        }

        @Override
        public Started call() {
            PipelineConfig pipelineConfig = or(config.pipeline, PipelineConfig.defaults());
            FunctionMetadata function = config.function != null ? config.function : FunctionMetadata.from(config.settings);
            List<Sink> sinks = !config.sinks.isEmpty() ? List.copyOf(config.sinks)
                    : SinkCatalog.load().create(new SinkContext(config.settings, function));
            // with metrics on, each sink's calls are measured (delays, high-water marks); off, the sinks as they are
            SinkMeasures measures = SinkMeasures.of(or(config.metrics, MetricsConfig.off()), sinks);
            // the sinks' clients are built once the rest of init is done, not competing with it for the CPU
            ShippingPipeline pipeline = ShippingPipeline.builder().config(pipelineConfig).function(function)
                    .sinks(measures.sinks()).deferWorkers().build();
            measures.attach(pipeline);
            return new Started(function, sinks, measures, pipeline);
        }

        /** The pipeline, or the start's own failure (a {@link ConfigException} among them) as if it had happened here. */
        static Started await(FutureTask<Started> start) throws IOException {
            try {
                return start.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the sinks were created", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException("the sinks could not be created", cause);
            }
        }

        /** After a failed init: the pipeline the start made meanwhile (boundedly waited for), so it can be shut down. */
        static ShippingPipeline abandon(FutureTask<Started> start) {
            if (start == null) {
                return null;
            }
            try {
                return start.get(3, TimeUnit.SECONDS).pipeline();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                return null;
            }
        }
    }

    /**
     * The proxy's and the intake's failures, as firetap's diagnostics. A named class, not a lambda:
     * it is made before registering, where a first lambda's bootstrap would show.
     */
    private static final class WarningsToLog implements Consumer<String> {
        @Override
        public void accept(String message) {
            Log.LOG.warn("{}", message);
        }
    }

    /**
     * Opens the intake and binds the proxy before registering; {@code null} when they cannot be (the
     * wrapper then runs the runtime unwrapped, and the reason is logged once the logger is up).
     */
    private static WrapperEndpoints openWrapperEndpoints(Path intakePath, String[] failure) {
        try {
            return WrapperEndpoints.open(intakePath, new WarningsToLog());
        } catch (IOException | RuntimeException e) {
            failure[0] = e.toString();
            return null;
        }
    }

    private static int eventLoop(ExtensionsApiClient api, ShippingPipeline pipeline, InvocationBarrier barrier,
            OutputEndMarkers boundaries, WrapperEndpoints endpoints, SocketReceiver socket,
            TelemetryListener telemetry, MetricsReporter metrics) {
        while (true) {
            ExtensionEvent event;
            try {
                event = api.next();
            } catch (IOException e) {
                Log.LOG.error("the Extensions API stopped answering ({}); delivering what is buffered and exiting",
                        e.getMessage());
                shutdown(pipeline, endpoints, socket, telemetry, System.currentTimeMillis() + 1_000, metrics);
                return 1;
            }
            if (event instanceof ExtensionEvent.Invoke invoke) {
                boundaries.invocationStarted(invoke.requestId());
                InvocationBarrier.Passage passage = barrier.pass(invoke);
                if (Log.LOG.isDebugEnabled()) {
                    Log.LOG.debug("invocation {}: end of output {}, waited {} µs, held {} for {} µs, {} lines pending",
                            passage.requestId(), passage.endSeen() ? "seen" : "not seen", passage.waitNanos() / 1_000,
                            passage.hold(), passage.flushNanos() / 1_000, passage.pendingLines());
                }
            } else if (event instanceof ExtensionEvent.Shutdown shutdown) {
                Log.LOG.info("SHUTDOWN ({}): delivering what is left", shutdown.reason());
                return shutdown(pipeline, endpoints, socket, telemetry, shutdown.deadlineMs(), metrics);
            }
        }
    }

    /**
     * Stops the receivers (they hand over what clients already wrote), then delivers everything
     * buffered before the deadline and reports what could not be delivered.
     */
    private static int shutdown(ShippingPipeline pipeline, WrapperEndpoints endpoints, SocketReceiver socket,
            TelemetryListener telemetry, long deadlineMs, MetricsReporter metrics) {
        if (endpoints != null) {
            // what the runtime wrote until now is in the pipe: take it, then stop reading
            endpoints.intake().drain();
            endpoints.close();
        }
        socket.close();
        if (telemetry != null) {
            telemetry.close();
        }
        metrics.shutdownStarting();
        long left = deadlineMs - System.currentTimeMillis() - SHUTDOWN_MARGIN.toMillis();
        FlushResult result = pipeline.shutdown(Duration.ofMillis(Math.max(1, left)));
        metrics.shutdownDone();
        PipelineCounters counters = pipeline.counters();
        long lost = counters.lostLines();
        if (lost == 0 && result.complete()) {
            Log.LOG.info("firetap stopped: {} lines accepted, all delivered", counters.acceptedLines());
        } else {
            Log.LOG.warn("firetap stopped: {} lines accepted, {} lost (see the reasons above)", counters.acceptedLines(), lost);
        }
        return 0;
    }

    private static void reportInitError(ExtensionsApiClient api, String type, String message) {
        Log.LOG.error("{}", message);
        try {
            api.initError(type, message);
        } catch (IOException e) {
            Log.LOG.warn("reporting the init error to Lambda failed: {}", e.getMessage());
        }
    }

    private static void closeQuietly(WrapperEndpoints endpoints, SocketFile boundSocket, SocketReceiver socket,
            TelemetryListener telemetry, ShippingPipeline pipeline) {
        try {
            if (endpoints != null) {
                // a wrapper starting from now on runs the runtime unwrapped instead of into a dead intake
                endpoints.close();
            }
            if (socket != null) {
                socket.close();
            } else if (boundSocket != null) {
                try {
                    boundSocket.close();
                } catch (IOException e) {
                    Log.LOG.debug("removing the socket after a failed start", e);
                }
            }
            if (telemetry != null) {
                telemetry.close();
            }
            if (pipeline != null) {
                pipeline.shutdown(Duration.ofMillis(200));
            }
        } catch (RuntimeException e) {
            Log.LOG.debug("cleaning up after a failed start", e);
        }
    }

    /**
     * Configures a {@link FiretapExtension}. Every setter checks its argument at once (a value firetap
     * cannot use throws {@link IllegalArgumentException} saying what is allowed); what is not set keeps
     * the {@code DEFAULT_*} of {@link FiretapExtension}. Not thread-safe; {@link #build()} takes a copy,
     * so a builder can be reused.
     */
    public static final class Builder {
        // null: not set here, so the configuration read after registering, else the default, decides
        private String name;
        private ExtensionsApiClient api;
        private Path intakePath;
        private boolean withoutWrapper;
        private Path socketPath;
        private Integer maxLineBytes;
        private Integer maxSocketClients;
        private Set<TelemetryType> telemetry;
        private Integer telemetryPort;
        private DeliveryMode delivery;
        private Duration flushBudget;
        private PipelineConfig pipeline;
        private FunctionMetadata function;
        private MetricsConfig metrics;
        private final List<Sink> sinks = new ArrayList<>();
        private Settings settings;
        private Consumer<? super Builder> afterRegistering;

        private Builder() {
        }

        private Builder(Builder other) {
            name = other.name;
            api = other.api;
            intakePath = other.intakePath;
            withoutWrapper = other.withoutWrapper;
            socketPath = other.socketPath;
            maxLineBytes = other.maxLineBytes;
            maxSocketClients = other.maxSocketClients;
            telemetry = other.telemetry;
            telemetryPort = other.telemetryPort;
            delivery = other.delivery;
            flushBudget = other.flushBudget;
            pipeline = other.pipeline;
            function = other.function;
            metrics = other.metrics;
            sinks.addAll(other.sinks);
            settings = other.settings;
            afterRegistering = other.afterRegistering;
        }

        /**
         * The name to register under, which Lambda requires to equal the extension's file name in
         * {@code /opt/extensions}. Default: the system property {@value ExtensionsApiClient#NAME_PROPERTY}
         * (firetap's launcher sets it to its own file name), else {@value #DEFAULT_NAME}.
         */
        public Builder name(String value) {
            Objects.requireNonNull(value, "name");
            if (value.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = value;
            return this;
        }

        /**
         * The client of Lambda's Extensions API. Default: one for the {@code host:port} in
         * {@value ExtensionsApiClient#RUNTIME_API_VARIABLE} of the {@link #settings settings}. The wrapper's
         * Runtime API proxy forwards to the same address.
         */
        public Builder api(ExtensionsApiClient value) {
            this.api = Objects.requireNonNull(value, "api");
            return this;
        }

        /**
         * The FIFO the wrapper sends the runtime's stdout into, opened (with the Runtime API proxy beside
         * it) before registering. Must agree with the wrapper's {@value ExtensionConfig#INTAKE_PATH}.
         * Default: {@link #DEFAULT_INTAKE_PATH}.
         *
         * @throws IllegalArgumentException when it is not an absolute path to a file
         */
        public Builder intakePath(Path value) {
            Objects.requireNonNull(value, "intakePath");
            Path normal = value.normalize();
            if (!normal.isAbsolute() || normal.getFileName() == null) {
                throw new IllegalArgumentException("intakePath must be an absolute file path, such as "
                        + DEFAULT_INTAKE_PATH + ": " + value);
            }
            this.intakePath = normal;
            this.withoutWrapper = false;
            return this;
        }

        /**
         * No intake and no Runtime API proxy: a runtime started by firetap's wrapper runs unwrapped, and
         * its output reaches the extension only through the Telemetry API and the socket. Undone by
         * {@link #intakePath}. Default: the wrapper's endpoints are opened.
         */
        public Builder withoutWrapper() {
            this.withoutWrapper = true;
            return this;
        }

        /**
         * The UNIX socket local clients write plain lines to, created with owner-only permissions.
         * Default: {@link #DEFAULT_SOCKET_PATH}.
         *
         * @throws IllegalArgumentException when it is not an absolute file path of at most
         *                                  {@value #MAX_SOCKET_PATH_BYTES} bytes
         */
        public Builder socketPath(Path value) {
            Objects.requireNonNull(value, "socketPath");
            Path normal = value.normalize();
            if (!normal.isAbsolute() || normal.getFileName() == null
                    || normal.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
                throw new IllegalArgumentException("socketPath must be an absolute file path of at most "
                        + MAX_SOCKET_PATH_BYTES + " bytes, such as " + DEFAULT_SOCKET_PATH + ": " + value);
            }
            this.socketPath = normal;
            return this;
        }

        /**
         * Longest line the intake and the socket keep whole; a longer line is cut into pieces of this
         * size. Default: {@value #DEFAULT_MAX_LINE_BYTES}.
         *
         * @throws IllegalArgumentException outside {@value #MIN_MAX_LINE_BYTES}–{@value #MAX_MAX_LINE_BYTES}
         */
        public Builder maxLineBytes(int value) {
            if (value < MIN_MAX_LINE_BYTES || value > MAX_MAX_LINE_BYTES) {
                throw new IllegalArgumentException("maxLineBytes must be from " + MIN_MAX_LINE_BYTES + " to "
                        + MAX_MAX_LINE_BYTES + ": " + value);
            }
            this.maxLineBytes = value;
            return this;
        }

        /**
         * Socket connections served at once; more wait in the accept queue, losing nothing. Default:
         * {@value #DEFAULT_MAX_SOCKET_CLIENTS}.
         *
         * @throws IllegalArgumentException outside 1–{@value #MAX_MAX_SOCKET_CLIENTS}
         */
        public Builder maxSocketClients(int value) {
            if (value < 1 || value > MAX_MAX_SOCKET_CLIENTS) {
                throw new IllegalArgumentException("maxSocketClients must be from 1 to " + MAX_MAX_SOCKET_CLIENTS
                        + ": " + value);
            }
            this.maxSocketClients = value;
            return this;
        }

        /**
         * The Telemetry API streams to ship; empty: no subscription. Default: {@link #DEFAULT_TELEMETRY}.
         * Shipping {@code function} also subscribes to {@code platform}, whose {@code runtimeDone} marks
         * where an invocation's output ends.
         */
        public Builder telemetry(Set<TelemetryType> value) {
            Objects.requireNonNull(value, "telemetry");
            this.telemetry = value.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(value));
            return this;
        }

        /**
         * Port of the Telemetry listener. Default: {@value #DEFAULT_TELEMETRY_PORT}, any free port.
         *
         * @throws IllegalArgumentException unless 0 or 1024–65535 other than
         *                                  {@value ExtensionConfig#RESERVED_PORT}, which Lambda reserves
         */
        public Builder telemetryPort(int value) {
            if (value != 0 && (value < 1024 || value > 65535 || value == ExtensionConfig.RESERVED_PORT)) {
                throw new IllegalArgumentException("telemetryPort must be 0 (any free port) or from 1024 to 65535"
                        + " other than " + ExtensionConfig.RESERVED_PORT + ": " + value);
            }
            this.telemetryPort = value;
            return this;
        }

        /** How the barrier holds the environment after each response. Default: {@link #DEFAULT_DELIVERY}. */
        public Builder delivery(DeliveryMode value) {
            this.delivery = Objects.requireNonNull(value, "delivery");
            return this;
        }

        /**
         * Longest one barrier passage flushes (after the function's response, bounded by the invocation's
         * deadline as well); what is left goes out later, counted. Default: {@link #DEFAULT_FLUSH_BUDGET}.
         *
         * @throws IllegalArgumentException outside {@link #MIN_FLUSH_BUDGET}–{@link #MAX_FLUSH_BUDGET}
         */
        public Builder flushBudget(Duration value) {
            Objects.requireNonNull(value, "flushBudget");
            if (value.compareTo(MIN_FLUSH_BUDGET) < 0 || value.compareTo(MAX_FLUSH_BUDGET) > 0) {
                throw new IllegalArgumentException("flushBudget must be from " + MIN_FLUSH_BUDGET.toMillis() + "ms to "
                        + MAX_FLUSH_BUDGET.toMillis() + "ms: " + value.toMillis() + "ms");
            }
            this.flushBudget = value;
            return this;
        }

        /**
         * The pipeline's buffer, batching, packing and retries. Its flush interval is also the unit of
         * {@linkplain DeliveryMode#ADAPTIVE adaptive} delivery. Default: {@link PipelineConfig#defaults()}.
         */
        public Builder pipeline(PipelineConfig value) {
            this.pipeline = Objects.requireNonNull(value, "pipeline");
            return this;
        }

        /**
         * What the sinks and the {@code json} format say about the function. Default: read from the
         * {@link #settings settings} (the variables Lambda sets, such as {@code AWS_LAMBDA_FUNCTION_NAME}).
         */
        public Builder function(FunctionMetadata value) {
            this.function = Objects.requireNonNull(value, "function");
            return this;
        }

        /** firetap's own metrics. Default: {@link MetricsConfig#off()}. */
        public Builder metrics(MetricsConfig value) {
            this.metrics = Objects.requireNonNull(value, "metrics");
            return this;
        }

        /**
         * Adds a sink; every line goes to every sink. The extension starts it (in the background, during
         * init) and shuts it down. Default, when no sink is added: the sinks the class path's
         * {@link SinkCatalog} creates from the {@link #settings settings} ({@code FIRETAP_SINK}, firehose
         * unless it says otherwise).
         */
        public Builder sink(Sink value) {
            sinks.add(Objects.requireNonNull(value, "sink"));
            return this;
        }

        /** Replaces the sinks added so far with {@code values} (see {@link #sink}). */
        public Builder sinks(List<? extends Sink> values) {
            Objects.requireNonNull(values, "sinks");
            List<Sink> copy = new ArrayList<>(values.size());
            for (Sink s : values) {
                copy.add(Objects.requireNonNull(s, "a sink in sinks"));
            }
            sinks.clear();
            sinks.addAll(copy);
            return this;
        }

        /**
         * Where what is not configured in code comes from: the Extensions API's address (unless
         * {@link #api} is given), the function's metadata (unless {@link #function} is given) and the
         * sinks the {@link SinkCatalog} creates (unless {@link #sink} is given). Default: the process
         * environment, read by {@link #build()}. firetap's own {@code FIRETAP_*} tunables are not read
         * from here; {@link ExtensionMain#builder(Settings)} maps them.
         */
        public Builder settings(Settings value) {
            this.settings = Objects.requireNonNull(value, "settings");
            return this;
        }

        /**
         * Configuration applied once the extension has registered, on a builder of its own: whatever it
         * sets that this builder leaves unset takes effect; what this builder sets wins. Reading and
         * validating configuration there keeps it off the path to {@code /register} (Lambda starts the
         * function's runtime only once every extension has registered), and lets a mistake reach the
         * user: a {@link io.firetap.core.config.ConfigException} (or any other exception) it throws is
         * reported to Lambda through {@code init/error} and fails the function's init with its message.
         * It must not set the name, the API client or the intake, which are used before registering.
         */
        public Builder configureAfterRegistering(Consumer<? super Builder> configuration) {
            this.afterRegistering = Objects.requireNonNull(configuration, "configuration");
            return this;
        }

        /** The extension as configured so far; the builder can be changed and built again afterwards. */
        public FiretapExtension build() {
            Builder copy = new Builder(this);
            if (copy.settings == null) {
                copy.settings = Settings.fromEnvironment();
            }
            return new FiretapExtension(copy);
        }

        /** This configuration over what {@code configuration} sets on a fresh builder. */
        Builder over(Consumer<? super Builder> configuration) {
            Builder late = new Builder();
            configuration.accept(late);
            if (late.name != null || late.api != null || late.withoutWrapper || late.intakePath != null) {
                throw new IllegalStateException("the name, the API client and the intake are used before registering:"
                        + " set them on the builder, not in its configuration after registering");
            }
            Builder merged = new Builder(this);
            merged.socketPath = or(socketPath, late.socketPath);
            merged.maxLineBytes = or(maxLineBytes, late.maxLineBytes);
            merged.maxSocketClients = or(maxSocketClients, late.maxSocketClients);
            merged.telemetry = or(telemetry, late.telemetry);
            merged.telemetryPort = or(telemetryPort, late.telemetryPort);
            merged.delivery = or(delivery, late.delivery);
            merged.flushBudget = or(flushBudget, late.flushBudget);
            merged.pipeline = or(pipeline, late.pipeline);
            merged.function = or(function, late.function);
            merged.metrics = or(metrics, late.metrics);
            if (merged.sinks.isEmpty()) {
                merged.sinks.addAll(late.sinks);
            }
            merged.settings = or(settings, late.settings);
            return merged;
        }
    }
}
