package io.firetap.extension;

import io.firetap.core.config.Settings;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.sink.SinkProvider;
import io.firetap.extension.internal.DeliverBeforeNext;
import io.firetap.extension.internal.ExtensionConfig;
import io.firetap.extension.internal.logging.JsonStderrServiceProvider;
import io.firetap.extension.metrics.MetricsConfig;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The firetap extension process, {@code extensions/firetap} in extension mode: the environment's
 * {@code FIRETAP_*} variables mapped onto a {@link FiretapExtension}, which does the work (its
 * javadoc lists the start-up order and what each step guarantees).
 *
 * <p>Only what must come before {@code /register} is read before it: the Extensions API's address
 * ({@value ExtensionsApiClient#RUNTIME_API_VARIABLE}; a bad one is logged and the process exits 1, as
 * it cannot register to report it) and the intake's path. Everything else is read and validated once
 * registered ({@link FiretapExtension.Builder#configureAfterRegistering}): a value firetap cannot use is
 * reported through {@code init/error} with a message that names the variable, the value and what is
 * allowed, and the process exits 1.
 */
public final class ExtensionMain {
    /**
     * Logging starts after registration: finding and starting the logger costs tens of
     * milliseconds of class loading, and {@code /register} is the first thing on the cold start.
     */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(ExtensionMain.class);
    }

    private ExtensionMain() {
    }

    public static void main(String[] args) {
        // the SDK warm-up's stub (the JDK's HTTP server) answers in small writes: no Nagle delay on them
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
            status = builder(Settings.fromEnvironment()).build().run();
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
     * The first service lookups after registering (the JDK's selector provider, firetap's sinks) read
     * each of the layer's dozens of jars, the socket's first use seeds a
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
                // sinks (a class-path search)
                java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX).close();
                // the logger (the first class that logs initialises slf4j: ~30 ms) and the JDK's
                // lambda machinery (the first lambda's bootstrap: ~6 ms), both needed right after
                Log.LOG.isDebugEnabled();
                java.util.Enumeration<java.net.URL> found = ExtensionMain.class.getClassLoader()
                        .getResources("META-INF/services/" + SinkProvider.class.getName());
                while (found.hasMoreElements()) {
                    found.nextElement();
                }
            } catch (java.io.IOException | RuntimeException e) {
                // only a head start: the lookups that need these do their own work and report
            }
        }
    }

    /**
     * A builder for the extension the {@code FIRETAP_*} variables in {@code settings} describe, as the
     * layer's launcher runs it. Values set on it in code win over the variables (see
     * {@link FiretapExtension.Builder#configureAfterRegistering}); its {@link FiretapExtension.Builder#settings
     * settings} are {@code settings}.
     */
    public static FiretapExtension.Builder builder(Settings settings) {
        FiretapExtension.Builder builder = FiretapExtension.builder().settings(settings)
                .configureAfterRegistering(new FiretapVariables(settings));
        // read before registering, cheaply and without validation: an unusable path opens nothing here, and
        // is reported once registered
        Path intake = ExtensionConfig.intakePath(settings);
        return intake != null ? builder.intakePath(intake) : builder.withoutWrapper();
    }

    /**
     * Every {@code FIRETAP_*} variable the extension reads, validated after registering. A named class,
     * not a lambda: it is made before registering, where a first lambda's bootstrap would show.
     */
    private static final class FiretapVariables implements Consumer<FiretapExtension.Builder> {
        private final Settings settings;

        FiretapVariables(Settings settings) {
            this.settings = settings;
        }

        @Override
        public void accept(FiretapExtension.Builder builder) {
            ExtensionConfig extension = ExtensionConfig.from(settings);
            builder.socketPath(extension.socketPath())
                    .maxLineBytes(extension.maxLineBytes())
                    .maxSocketClients(extension.maxClients())
                    .telemetry(extension.telemetry())
                    .telemetryPort(extension.telemetryPort())
                    .pipeline(PipelineConfig.from(settings))
                    .flushBudget(DeliverBeforeNext.budget(settings))
                    .delivery(DeliveryMode.from(settings))
                    .metrics(MetricsConfig.from(settings));
        }
    }
}
