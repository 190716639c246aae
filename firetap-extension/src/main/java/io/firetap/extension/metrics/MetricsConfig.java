package io.firetap.extension.metrics;

import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Where and how often firetap reports its own metrics, validated: a value firetap cannot use throws a
 * {@link ConfigException} naming the variable, the value and what is allowed.
 *
 * @param destinations where each emission goes; empty means metrics are off
 * @param interval     the least time between two emissions (checked at invocation boundaries; 0: every invocation)
 * @param namespace    the CloudWatch namespace of every metric
 */
public record MetricsConfig(Set<Destination> destinations, Duration interval, String namespace) {

    /** Where an emission goes. */
    public enum Destination {
        /** firetap's standard error, which Lambda sends to the function's CloudWatch Logs group. */
        STDERR,
        /** Offered to the pipeline as log lines, so every sink receives them like the function's own lines. */
        SINKS
    }

    public static final String METRICS = "FIRETAP_METRICS";
    public static final String INTERVAL = "FIRETAP_METRICS_INTERVAL";
    public static final String NAMESPACE = "FIRETAP_METRICS_NAMESPACE";

    /**
     * Off: EMF on stderr becomes CloudWatch custom metrics, billed per metric and function (about fifteen
     * per function here), and firetap is often chosen to take CloudWatch out of the path; every lost
     * line is reported in a diagnostic line whether metrics are on or not.
     */
    public static final Set<Destination> DEFAULT_DESTINATIONS = Set.of();
    /** A minute: CloudWatch's standard resolution, so emitting more often adds cost, not detail. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    public static final Duration MAX_INTERVAL = Duration.ofHours(1);
    public static final String DEFAULT_NAMESPACE = "firetap";
    /** CloudWatch's limit on a namespace's length. */
    public static final int MAX_NAMESPACE_LENGTH = 255;

    public MetricsConfig {
        destinations = destinations.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(destinations));
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(namespace, "namespace");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval must not be negative: " + interval);
        }
        if (!validNamespace(namespace)) {
            throw new IllegalArgumentException("not a CloudWatch namespace: " + namespace);
        }
    }

    /** Metrics off. */
    public static MetricsConfig off() {
        return new MetricsConfig(DEFAULT_DESTINATIONS, DEFAULT_INTERVAL, DEFAULT_NAMESPACE);
    }

    /** The configuration {@code settings} describe. */
    public static MetricsConfig from(Settings settings) {
        Set<Destination> destinations = destinations(settings);
        Duration interval = settings.duration(INTERVAL, DEFAULT_INTERVAL, Duration.ZERO, MAX_INTERVAL);
        String namespace = settings.string(NAMESPACE, DEFAULT_NAMESPACE);
        if (!validNamespace(namespace)) {
            throw ConfigException.invalid(NAMESPACE, namespace, "a CloudWatch namespace: 1 to " + MAX_NAMESPACE_LENGTH
                    + " of the characters A-Z a-z 0-9 . - _ / # : and space, not starting with AWS/ or a colon,"
                    + " such as " + DEFAULT_NAMESPACE);
        }
        return new MetricsConfig(destinations, interval, namespace);
    }

    /** Whether anything is emitted at all. */
    public boolean enabled() {
        return !destinations.isEmpty();
    }

    private static Set<Destination> destinations(Settings settings) {
        List<String> names = settings.list(METRICS, null);
        if (names == null) {
            return DEFAULT_DESTINATIONS;
        }
        String raw = settings.string(METRICS, "");
        String allowed = "off, stderr, sinks or stderr,sinks";
        if (names.size() == 1 && names.get(0).equalsIgnoreCase("off")) {
            return Set.of();
        }
        if (names.isEmpty()) {
            throw ConfigException.invalid(METRICS, raw, allowed);
        }
        EnumSet<Destination> set = EnumSet.noneOf(Destination.class);
        for (String name : names) {
            switch (name.toLowerCase(Locale.ROOT)) {
                case "stderr": set.add(Destination.STDERR); break;
                case "sinks": set.add(Destination.SINKS); break;
                default: throw ConfigException.invalid(METRICS, raw, allowed);
            }
        }
        return set;
    }

    /**
     * CloudWatch's rule for a namespace: 1–255 characters from {@code A-Z a-z 0-9 . - _ / # :} and
     * space, at least one that is not a space, not starting with {@code AWS/} (reserved for AWS) or
     * {@code :}.
     */
    static boolean validNamespace(String s) {
        if (s.isEmpty() || s.length() > MAX_NAMESPACE_LENGTH || s.startsWith("AWS/") || s.startsWith(":")
                || s.isBlank()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '-' || c == '_' || c == '/' || c == '#' || c == ':' || c == ' ';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A one-line summary for diagnostics. */
    public String describe() {
        if (!enabled()) {
            return METRICS + "=off";
        }
        return METRICS + "=" + String.join(",", destinations.stream().map(d -> d.name().toLowerCase(Locale.ROOT))
                .toList()) + " " + INTERVAL + "=" + io.firetap.core.config.Durations.format(interval) + " "
                + NAMESPACE + "=" + namespace;
    }
}
