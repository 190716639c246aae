package io.firetap.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Typed, validated access to firetap's configuration, which comes from environment variables.
 *
 * <p>Every accessor names the variable; a value that cannot be used throws a
 * {@link ConfigException} whose message names the variable, the value and what is allowed.
 * Unset and blank mean the same: the default applies. Tests build their own instance with
 * {@link #of(Map)} instead of touching the process environment.
 */
public final class Settings {
    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = values;
    }

    /** The process environment. */
    public static Settings fromEnvironment() {
        return new Settings(Map.copyOf(System.getenv()));
    }

    /** Exactly these values (for tests and embedded use). */
    public static Settings of(Map<String, String> values) {
        return new Settings(Map.copyOf(values));
    }

    /** These settings with {@code name} set to {@code value} (or removed when {@code value} is null). */
    public Settings with(String name, String value) {
        Map<String, String> copy = new HashMap<>(values);
        if (value == null) {
            copy.remove(name);
        } else {
            copy.put(name, value);
        }
        return new Settings(Map.copyOf(copy));
    }

    /** All values, for passing on to a child process's environment. */
    public Map<String, String> asMap() {
        return values;
    }

    /** The trimmed value, or empty when unset or blank. */
    public Optional<String> get(String name) {
        String v = values.get(Objects.requireNonNull(name, "name"));
        if (v == null) {
            return Optional.empty();
        }
        v = v.trim();
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    public String string(String name, String defaultValue) {
        return get(name).orElse(defaultValue);
    }

    /** The value, or a {@link ConfigException} explaining {@code why} it is needed. */
    public String required(String name, String why) {
        // no lambda: this runs before the extension registers, where a first lambda's bootstrap shows
        Optional<String> v = get(name);
        if (v.isEmpty()) {
            throw ConfigException.missing(name, why);
        }
        return v.get();
    }

    public int integer(String name, int defaultValue, int min, int max) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        String allowed = "a whole number from " + min + " to " + max;
        try {
            int v = Integer.parseInt(raw.get().replace("_", ""));
            if (v < min || v > max) {
                throw ConfigException.invalid(name, raw.get(), allowed);
            }
            return v;
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(name, raw.get(), allowed);
        }
    }

    /**
     * A size such as {@code 8MiB}, {@code 512KiB}, {@code 4MB} or a plain number of bytes.
     * KiB/MiB/GiB are powers of 1024, KB/MB/GB powers of 1000.
     */
    public long bytes(String name, long defaultValue, long min, long max) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        String allowed = "a size from " + Sizes.format(min) + " to " + Sizes.format(max)
                + " such as 8MiB, 512KiB or a number of bytes";
        long v = Sizes.parse(raw.get()).orElseThrow(() -> ConfigException.invalid(name, raw.get(), allowed));
        if (v < min || v > max) {
            throw ConfigException.invalid(name, raw.get(), allowed);
        }
        return v;
    }

    /** A duration such as {@code 250ms}, {@code 2s}, {@code 1m} or a plain number of milliseconds. */
    public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        String allowed = "a duration from " + Durations.format(min) + " to " + Durations.format(max)
                + " such as 250ms, 2s or a number of milliseconds";
        Duration v = Durations.parse(raw.get()).orElseThrow(() -> ConfigException.invalid(name, raw.get(), allowed));
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw ConfigException.invalid(name, raw.get(), allowed);
        }
        return v;
    }

    /** {@code true/false}, also {@code 1/0}, {@code yes/no}, {@code on/off}, any case. */
    public boolean flag(String name, boolean defaultValue) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        switch (raw.get().toLowerCase(Locale.ROOT)) {
            case "true": case "1": case "yes": case "on":
                return true;
            case "false": case "0": case "no": case "off":
                return false;
            default:
                throw ConfigException.invalid(name, raw.get(), "true or false");
        }
    }

    /**
     * One of an enum's constants, written in lower case with {@code -} for {@code _}
     * (so {@code REQUEST_ID} is spelled {@code request-id}); any case is accepted.
     */
    public <E extends Enum<E>> E choice(String name, E defaultValue, Class<E> type) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        String wanted = raw.get().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(wanted)) {
                return e;
            }
        }
        throw ConfigException.invalid(name, raw.get(), "one of " + String.join(", ", spellings(type)));
    }

    /** A comma-separated list, entries trimmed, empty entries dropped; {@code defaultValue} when unset. */
    public List<String> list(String name, List<String> defaultValue) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        List<String> out = new ArrayList<>();
        for (String part : raw.get().split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return List.copyOf(out);
    }

    /** How {@link #choice} spells the constants of {@code type}. */
    public static <E extends Enum<E>> List<String> spellings(Class<E> type) {
        Function<E, String> spell = Settings::spelling;
        return Arrays.stream(type.getEnumConstants()).map(spell).toList();
    }

    /** How {@link #choice} spells one constant, e.g. {@code request-id}. */
    public static String spelling(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        // Never the values: the environment holds credentials.
        return "Settings[" + values.size() + " variables]";
    }
}
