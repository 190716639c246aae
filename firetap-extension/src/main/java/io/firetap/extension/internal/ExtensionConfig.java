package io.firetap.extension.internal;

import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import io.firetap.core.config.Sizes;
import io.firetap.extension.TelemetryType;
import io.firetap.extension.internal.logging.JsonStderrServiceProvider;
import io.firetap.extension.internal.logging.LogLevel;
import io.firetap.wrapper.internal.WrapperEndpoints;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The extension's own settings (the pipeline's and the sinks' are read by the core and the sinks),
 * validated: a value firetap cannot use throws a {@link ConfigException} naming the variable, the
 * value and what is allowed, before anything is started.
 *
 * @param socketPath      where the UNIX socket is created
 * @param intakePath      the FIFO the wrapper sends the runtime's stdout into
 * @param maxLineBytes    longest line the socket receiver keeps whole; longer lines are cut into pieces
 * @param maxClients      socket connections served at once; further clients wait in the accept queue
 * @param telemetry       Telemetry API streams to ship; empty means no subscription
 * @param telemetryPort   port of the Telemetry listener; 0 picks a free one
 * @param logLevel        threshold of the extension's diagnostics on stderr
 */
public record ExtensionConfig(Path socketPath, Path intakePath, int maxLineBytes, int maxClients, Set<TelemetryType> telemetry,
        int telemetryPort, LogLevel logLevel) {

    public static final String SOCKET_PATH = "FIRETAP_SOCKET_PATH";
    public static final String INTAKE_PATH = WrapperEndpoints.INTAKE_PATH_VARIABLE;
    public static final String MAX_LINE_BYTES = "FIRETAP_MAX_LINE_BYTES";
    public static final String SOCKET_MAX_CLIENTS = "FIRETAP_SOCKET_MAX_CLIENTS";
    public static final String TELEMETRY = "FIRETAP_TELEMETRY";
    public static final String TELEMETRY_PORT = "FIRETAP_TELEMETRY_PORT";
    public static final String LOG_LEVEL = JsonStderrServiceProvider.LEVEL_VARIABLE;

    public static final String DEFAULT_SOCKET_PATH = "/tmp/firetap.sock";
    public static final String DEFAULT_INTAKE_PATH = WrapperEndpoints.DEFAULT_INTAKE_PATH;
    /**
     * 256 KiB: the size at which Lambda itself cuts a log line on its way to CloudWatch and the
     * Telemetry API, so a line looks the same whichever way it came. Memory per connection is
     * bounded by it.
     */
    public static final int DEFAULT_MAX_LINE_BYTES = 256 * 1024;
    public static final int MIN_MAX_LINE_BYTES = 1024;
    /** The socket protocol's largest frame; no line piece needs to be larger. */
    public static final int MAX_MAX_LINE_BYTES = 16 * 1024 * 1024;
    public static final int DEFAULT_MAX_CLIENTS = 64;
    public static final Set<TelemetryType> DEFAULT_TELEMETRY = Collections.unmodifiableSet(EnumSet.of(TelemetryType.FUNCTION));
    /**
     * UNIX socket paths hold at most 107 bytes, and the socket is first bound in a private
     * directory next to its final place ({@code <dir>/.ftXXXXXX/s}, 11 bytes longer).
     */
    public static final int MAX_SOCKET_PATH_BYTES = 96;
    /** Lambda reserves port 9001 (the Runtime and Extensions APIs). */
    public static final int RESERVED_PORT = 9001;

    public ExtensionConfig {
        Objects.requireNonNull(socketPath, "socketPath");
        Objects.requireNonNull(intakePath, "intakePath");
        Objects.requireNonNull(logLevel, "logLevel");
        telemetry = telemetry.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(telemetry));
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        if (maxClients < 1) {
            throw new IllegalArgumentException("maxClients must be positive: " + maxClients);
        }
    }

    /** firetap's defaults. */
    public static ExtensionConfig defaults() {
        return from(Settings.of(java.util.Map.of()));
    }

    /** The configuration {@code settings} describe. */
    public static ExtensionConfig from(Settings settings) {
        Path socket = socketPath(settings);
        Path intake = intakePath(settings);
        if (intake == null) {
            throw ConfigException.invalid(INTAKE_PATH, settings.string(INTAKE_PATH, ""),
                    "an absolute file path, such as " + DEFAULT_INTAKE_PATH);
        }
        int maxLine = (int) settings.bytes(MAX_LINE_BYTES, DEFAULT_MAX_LINE_BYTES, MIN_MAX_LINE_BYTES, MAX_MAX_LINE_BYTES);
        int maxClients = settings.integer(SOCKET_MAX_CLIENTS, DEFAULT_MAX_CLIENTS, 1, 4096);
        Set<TelemetryType> telemetry = telemetry(settings);
        int port = settings.integer(TELEMETRY_PORT, 0, 0, 65535);
        if (port == RESERVED_PORT || port != 0 && port < 1024) {
            throw ConfigException.invalid(TELEMETRY_PORT, settings.string(TELEMETRY_PORT, ""),
                    "0 (any free port) or a port from 1024 to 65535 other than " + RESERVED_PORT
                            + ", which Lambda reserves");
        }
        LogLevel level = logLevel(settings);
        return new ExtensionConfig(socket, intake, maxLine, maxClients, telemetry, port, level);
    }

    private static Path socketPath(Settings settings) {
        String raw = settings.string(SOCKET_PATH, DEFAULT_SOCKET_PATH);
        String allowed = "an absolute file path of at most " + MAX_SOCKET_PATH_BYTES + " bytes, such as "
                + DEFAULT_SOCKET_PATH;
        if (!raw.startsWith("/") || raw.endsWith("/") || raw.indexOf('\0') >= 0
                || raw.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw ConfigException.invalid(SOCKET_PATH, raw, allowed);
        }
        try {
            Path p = Path.of(raw).normalize();
            if (p.getFileName() == null) {
                throw ConfigException.invalid(SOCKET_PATH, raw, allowed);
            }
            return p;
        } catch (java.nio.file.InvalidPathException e) {
            throw ConfigException.invalid(SOCKET_PATH, raw, allowed);
        }
    }

    /**
     * {@value #INTAKE_PATH} from {@code settings}, or {@code null} when it is not an absolute path.
     * Cheap and without a logger: the extension reads it before it registers.
     */
    public static Path intakePath(Settings settings) {
        String raw = settings.string(INTAKE_PATH, DEFAULT_INTAKE_PATH);
        if (!raw.startsWith("/") || raw.endsWith("/") || raw.indexOf('\0') >= 0) {
            return null;
        }
        try {
            Path p = Path.of(raw).normalize();
            return p.getFileName() == null ? null : p;
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    private static Set<TelemetryType> telemetry(Settings settings) {
        List<String> names = settings.list(TELEMETRY, null);
        if (names == null) {
            return DEFAULT_TELEMETRY;
        }
        String raw = settings.string(TELEMETRY, "");
        String allowed = "off, or a comma-separated list of function, platform, extension";
        if (names.size() == 1 && (names.get(0).equalsIgnoreCase("off") || names.get(0).equalsIgnoreCase("none"))) {
            return Set.of();
        }
        if (names.isEmpty()) {
            throw ConfigException.invalid(TELEMETRY, raw, allowed);
        }
        EnumSet<TelemetryType> set = EnumSet.noneOf(TelemetryType.class);
        for (String name : names) {
            TelemetryType t = TelemetryType.byName(name);
            if (t == null) {
                throw ConfigException.invalid(TELEMETRY, raw, allowed);
            }
            set.add(t);
        }
        return set;
    }

    private static LogLevel logLevel(Settings settings) {
        String raw = settings.string(LOG_LEVEL, "info");
        LogLevel level = LogLevel.parse(raw);
        if (level == null) {
            throw ConfigException.invalid(LOG_LEVEL, raw, "one of trace, debug, info, warn, error, off");
        }
        return level;
    }

    /** Whether any Telemetry stream is wanted. */
    public boolean telemetryEnabled() {
        return !telemetry.isEmpty();
    }

    /** A one-line summary for the start-up diagnostic (no secrets in here). */
    public String describe() {
        return SOCKET_PATH + "=" + socketPath + " " + INTAKE_PATH + "=" + intakePath + " " + MAX_LINE_BYTES + "=" + Sizes.format(maxLineBytes) + " "
                + TELEMETRY + "=" + (telemetry.isEmpty() ? "off" : String.join(",",
                        telemetry.stream().map(TelemetryType::wireName).toList()));
    }
}
