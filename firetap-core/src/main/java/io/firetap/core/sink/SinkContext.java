package io.firetap.core.sink;

import io.firetap.core.FunctionMetadata;
import io.firetap.core.config.Settings;
import java.util.Objects;

/**
 * What a {@link SinkProvider} gets to build its sink from.
 *
 * @param settings the configuration (environment variables); read your own {@code FIRETAP_<NAME>_*}
 *                 variables from it and let {@link io.firetap.core.config.ConfigException} explain
 *                 bad values
 * @param function the function's metadata, for sinks that add it to what they send
 */
public record SinkContext(Settings settings, FunctionMetadata function) {
    public SinkContext {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(function, "function");
    }

    /** A context for these settings, with function metadata read from them. */
    public static SinkContext of(Settings settings) {
        return new SinkContext(settings, FunctionMetadata.from(settings));
    }
}
