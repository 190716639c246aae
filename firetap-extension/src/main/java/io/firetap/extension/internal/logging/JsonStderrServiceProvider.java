package io.firetap.extension.internal.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The slf4j binding of the firetap extension: every logger in the process (firetap's own, the
 * core's, the AWS SDK's) writes one-line JSON diagnostics to standard error, at the threshold
 * {@value #LEVEL_VARIABLE} sets ({@code info} by default).
 *
 * <p>Registered in {@code META-INF/services/org.slf4j.spi.SLF4JServiceProvider}. An invalid
 * level falls back to {@code info} with one warning line here; the extension's configuration
 * check reports the same mistake as a start-up error.
 */
public final class JsonStderrServiceProvider implements SLF4JServiceProvider {
    /** The variable that sets the threshold. */
    public static final String LEVEL_VARIABLE = "FIRETAP_LOG_LEVEL";
    /** slf4j API version this binding is built against. */
    public static final String REQUESTED_API_VERSION = "2.0.99";

    private JsonStderrLoggerFactory loggerFactory;
    private IMarkerFactory markerFactory;
    private MDCAdapter mdcAdapter;

    /** Called by {@link java.util.ServiceLoader}. */
    public JsonStderrServiceProvider() {
    }

    @Override
    public void initialize() {
        String raw = System.getenv(LEVEL_VARIABLE);
        LogLevel level = raw == null || raw.isBlank() ? LogLevel.INFO : LogLevel.parse(raw);
        loggerFactory = new JsonStderrLoggerFactory(level == null ? LogLevel.INFO : level);
        markerFactory = new BasicMarkerFactory();
        mdcAdapter = new NOPMDCAdapter();
        if (level == null) {
            JsonStderrLogger.write(System.err, JsonStderrLogger.format(System.currentTimeMillis(), Level.WARN,
                    JsonStderrServiceProvider.class.getName(), LEVEL_VARIABLE + "='" + raw
                            + "' is not valid: expected one of trace, debug, info, warn, error, off; using info", null));
        }
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return REQUESTED_API_VERSION;
    }

    /**
     * Whether {@code line} has the shape of one of these diagnostics. Lambda's Telemetry API hands an
     * extension's stderr back as {@code extension} records; this lets the listener keep firetap's own
     * diagnostics out of the pipeline they describe.
     */
    public static boolean looksLikeDiagnostic(String line) {
        // {"time":"<24 characters>","level":"
        return line.length() > 46 && line.startsWith("{\"time\":\"") && line.startsWith("\",\"level\":\"", 33);
    }

    /** Changes the threshold at run time (tests, or a future configuration reload). */
    public static void setLevel(ILoggerFactory factory, LogLevel level) {
        if (factory instanceof JsonStderrLoggerFactory f) {
            f.setLevel(level);
        }
    }
}
