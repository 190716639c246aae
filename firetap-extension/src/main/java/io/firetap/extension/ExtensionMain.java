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
import io.firetap.core.sink.SinkProvider;
import io.firetap.extension.internal.LateIntake;
import io.firetap.extension.internal.RuntimeOutput;
import io.firetap.extension.internal.SocketFile;
import io.firetap.extension.internal.logging.JsonStderrServiceProvider;
import io.firetap.extension.metrics.MetricsConfig;
import io.firetap.extension.metrics.MetricsReporter;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import io.firetap.wrapper.WrapperEndpoints;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The firetap extension process: {@code extensions/firetap} runs this class in extension mode.
 *
 * <p>Start-up order, each step as cheap as it can be since it adds to the function's cold start:
 * open what the wrapper connects the runtime to — the stdout intake and the Runtime API proxy's
 * port, with the proxy's address file written last ({@link WrapperEndpoints}; Lambda starts the
 * runtime only after every extension has registered, so they are there when the wrapper looks) —
 * then register for INVOKE and SHUTDOWN, validate the configuration (a mistake is reported through
 * {@code init/error} and the process exits 1 — the function's start fails with the message instead
 * of hanging), serve the proxy and read the intake, create the socket, create the pipeline, serve
 * the socket, start the Telemetry listener and subscribe, start the pipeline's workers (which build
 * and warm the sinks' clients in the background), then the first {@code /next} — without waiting
 * for the sinks: their warm-up overlaps the function's own init. Then one
 * {@link InvocationBarrier} passage per INVOKE (the delivery mode, {@link DeliveryMode}, decides
 * how each holds), and on SHUTDOWN a final flush within the deadline.
 */
public final class ExtensionMain {
    /**
     * Logging starts after registration: finding and starting the logger costs tens of
     * milliseconds of class loading, and {@code /register} is the first thing on the cold start.
     */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(ExtensionMain.class);
    }

    /**
     * Kept free before the SHUTDOWN deadline for the last report and the process's own exit. The
     * JVM's exit waits up to 300 ms (30 waits of 10 ms, longer on a starved CPU) for threads blocked
     * in native code — the intake's reader, a socket read, an HTTP call a hung destination never
     * answers — before it ends the process; with 150 ms, a final flush that used all of its time
     * was killed by Lambda's deadline.
     */
    static final long SHUTDOWN_MARGIN_MILLIS = 500;

    private ExtensionMain() {
    }

    public static void main(String[] args) {
        // the Telemetry listener's replies are small writes: no Nagle delay on them
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        // firetap's own one-line JSON logger, named rather than searched for: slf4j's search reads
        // every jar on the class path, tens of milliseconds of the cold start
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", JsonStderrServiceProvider.class.getName());
        }
        // slf4j reports a named provider on stderr at INFO in its own format, on every cold start;
        // firetap's diagnostics are one-line JSON, and that line says nothing a user needs
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
        Thread opener = new Thread(new ClassPathOpener(), "firetap-classpath");
        opener.setDaemon(true);
        opener.start();
        int status;
        try {
            status = run(Settings.fromEnvironment());
        } catch (RuntimeException | Error e) {
            Log.LOG.error("firetap stopped unexpectedly", e);
            status = 1;
        }
        System.err.flush();
        System.out.flush();
        // netty and other libraries may leave non-daemon threads behind: the process must end now
        System.exit(status);
    }

    /**
     * Opens every jar on the class path and initialises the logger while the main thread registers.
     * The first service lookups after registering (the JDK's selector provider, firetap's sinks, the
     * HTTP server provider) read each of the layer's dozens of jars, the socket's first use seeds a
     * SecureRandom, and slf4j's start takes tens of milliseconds; done here, on the other core,
     * that is off the path to the first {@code /next}.
     * A named class, not a lambda: a first lambda's bootstrap would cost the main thread more.
     */
    private static final class ClassPathOpener implements Runnable {
        @Override
        public void run() {
            try {
                // in the order the main thread needs them: the socket right after registering (a UNIX
                // socket's first use loads the selector provider and seeds a SecureRandom), then the
                // sinks (a class-path search), then the Telemetry listener's server provider (another)
                java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX).close();
                // the logger (the first class that logs initialises slf4j: ~30 ms) and the JDK's
                // lambda machinery (the first lambda's bootstrap: ~6 ms), both needed right after
                Log.LOG.isDebugEnabled();
                java.util.Enumeration<java.net.URL> found = ExtensionMain.class.getClassLoader()
                        .getResources("META-INF/services/" + SinkProvider.class.getName());
                while (found.hasMoreElements()) {
                    found.nextElement();
                }
                com.sun.net.httpserver.spi.HttpServerProvider.provider();
            } catch (java.io.IOException | RuntimeException e) {
                // only a head start: the lookups that need these do their own work and report
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
        if (intakePath == null) {
            return null;
        }
        try {
            return WrapperEndpoints.open(intakePath, new WarningsToLog());
        } catch (IOException | RuntimeException e) {
            failure[0] = e.toString();
            return null;
        }
    }

    /** Starts the Telemetry listener and subscribes, on a thread of its own during init. */
    private static final class TelemetryStart implements Callable<TelemetryStart.Started> {
        record Started(TelemetryListener listener, boolean subscribed) {
        }

        private final ExtensionConfig config;
        private final LateIntake intake;
        private final InvocationBoundaries boundaries;
        private final ExtensionsApiClient api;

        TelemetryStart(ExtensionConfig config, LateIntake intake, InvocationBoundaries boundaries,
                ExtensionsApiClient api) {
            this.config = config;
            this.intake = intake;
            this.boundaries = boundaries;
            this.api = api;
        }

        @Override
        public Started call() throws IOException {
            TelemetryListener listener = TelemetryListener.start(config.telemetry(), config.telemetryPort(), intake,
                    boundaries);
            return new Started(listener, listener.subscribe(api));
        }

        /** The started listener, or the start's own failure as if it had happened on this thread. */
        static Started await(FutureTask<Started> start) throws IOException {
            try {
                return start.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the Telemetry listener started", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException("the Telemetry listener could not start", cause);
            }
        }

        /**
         * After a failed init: waits (boundedly) for the start to finish, so it no longer uses the API
         * client, and returns the listener it may have made, so it can be closed.
         */
        static TelemetryListener abandon(FutureTask<Started> start) {
            if (start == null) {
                return null;
            }
            try {
                return start.get(3, TimeUnit.SECONDS).listener();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                return null;
            }
        }
    }

    /** Runs the extension until SHUTDOWN; returns the process's exit status. */
    static int run(Settings settings) {
        long startNanos = System.nanoTime();
        ExtensionsApiClient api;
        try {
            api = ExtensionsApiClient.fromSettings(settings);
        } catch (ConfigException e) {
            Log.LOG.error("{}", e.getMessage());
            return 1;
        }
        String[] endpointsFailure = new String[1];
        WrapperEndpoints endpoints = openWrapperEndpoints(ExtensionConfig.intakePath(settings), endpointsFailure);
        String name = ExtensionsApiClient.extensionName();
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
        try {
            ExtensionConfig config = ExtensionConfig.from(settings);
            if (endpointsFailure[0] != null) {
                Log.LOG.warn("the wrapper's intake and proxy could not be opened at {} ({}); a wrapped runtime runs"
                        + " unwrapped, and its output reaches firetap only through the Telemetry API",
                        config.intakePath(), endpointsFailure[0]);
            }
            InvocationBoundaries boundaries = new InvocationBoundaries();
            // lines that come before the pipeline exists wait for it (tens of milliseconds at a cold start)
            LateIntake lateIntake = new LateIntake();
            RuntimeOutput output = null;
            if (endpoints != null) {
                // the runtime's first calls are waiting in the proxy's backlog: serve them now
                output = new RuntimeOutput(endpoints.intake(), boundaries, config.maxLineBytes(),
                        lateIntake);
                endpoints.proxy().start(settings.string(ExtensionsApiClient.RUNTIME_API_VARIABLE, ""), output,
                        new WarningsToLog());
                endpoints.intake().start(output);
            }
            // the socket exists from here on: a client starting now connects and waits, rather than
            // finding nothing
            boundSocket = SocketReceiver.bind(config.socketPath());
            // the Telemetry listener starts and subscribes on its own thread while this one creates
            // the sinks: the HTTP server's first start is tens of milliseconds of class loading
            if (!config.telemetry().isEmpty()) {
                telemetryStart = new FutureTask<>(new TelemetryStart(config, lateIntake, boundaries, api));
                Thread starter = new Thread(telemetryStart, "firetap-telemetry-start");
                starter.setDaemon(true);
                starter.start();
            }
            PipelineConfig pipelineConfig = PipelineConfig.from(settings);
            FunctionMetadata function = FunctionMetadata.from(settings);
            List<Sink> sinks = SinkCatalog.load().create(new SinkContext(settings, function));

            // the sinks' clients are built once the rest of init is done, not competing with it for the CPU
            pipeline = ShippingPipeline.builder().config(pipelineConfig).function(function).sinks(sinks)
                    .deferWorkers().build();
            lateIntake.set(pipeline);
            socket = SocketReceiver.start(boundSocket, config.maxLineBytes(), config.maxClients(), pipeline, boundaries);
            boolean subscribed = false;
            if (telemetryStart != null) {
                TelemetryStart.Started started = TelemetryStart.await(telemetryStart);
                telemetry = started.listener();
                subscribed = started.subscribed();
            }
            boolean telemetryMarksEnd = subscribed
                    && telemetry.subscriptionTypes().contains(TelemetryType.PLATFORM);
            InvocationBarrier barrier = InvocationBarrier.fromSettings(settings, pipeline, boundaries,
                    () -> telemetryMarksEnd);

            // firetap's own metrics (FIRETAP_METRICS). Off by default: then the barrier is not wrapped and
            // the shutdown hooks return at once
            MetricsReporter metrics = MetricsReporter.builder(MetricsConfig.from(settings), function, pipeline)
                    .wrapper(output).socket(socket).telemetry(subscribed ? telemetry : null).build();
            barrier = metrics.measure(barrier);

            long readyNanos = System.nanoTime();
            pipeline.startWorkers();
            Log.LOG.info("firetap ready: sinks {}, socket {}, intake {}, telemetry {}; registered in {} ms, init {} ms;"
                    + " the sinks start in the background",
                    sinks.stream().map(Sink::name).toList(), config.socketPath(),
                    endpoints != null ? config.intakePath() : "off",
                    subscribed ? telemetry.subscriptionTypes() : "off",
                    TimeUnit.NANOSECONDS.toMillis(registeredNanos - startNanos),
                    TimeUnit.NANOSECONDS.toMillis(readyNanos - startNanos));
            return eventLoop(api, pipeline, barrier, boundaries, endpoints, socket, telemetry, metrics);
        } catch (ConfigException e) {
            // the Telemetry start may still be subscribing through the API client: let it finish first
            TelemetryListener started = telemetry != null ? telemetry : TelemetryStart.abandon(telemetryStart);
            reportInitError(api, "Extension.InvalidConfiguration", e.getMessage());
            closeQuietly(endpoints, boundSocket, socket, started, pipeline);
            return 1;
        } catch (IOException | RuntimeException e) {
            TelemetryListener started = telemetry != null ? telemetry : TelemetryStart.abandon(telemetryStart);
            reportInitError(api, "Extension.InitFailed", "firetap could not start: " + e);
            closeQuietly(endpoints, boundSocket, socket, started, pipeline);
            return 1;
        }
    }

    private static int eventLoop(ExtensionsApiClient api, ShippingPipeline pipeline, InvocationBarrier barrier,
            InvocationBoundaries boundaries, WrapperEndpoints endpoints, SocketReceiver socket,
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
        long left = deadlineMs - System.currentTimeMillis() - SHUTDOWN_MARGIN_MILLIS;
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
}
