package io.firetap.core.sink;

import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The {@link SinkProvider}s on the class path, and the selection of sinks by name from
 * {@value #SINK_VARIABLE}.
 *
 * <p>When {@value #SINK_VARIABLE} is unset the original firetap's variables decide:
 * {@code FIRETAP_USE_DATA_STREAM=true} selects {@code kinesis}, otherwise {@code firehose}.
 */
public final class SinkCatalog {
    /** Comma-separated sink names; several names ship every line to every sink. */
    public static final String SINK_VARIABLE = "FIRETAP_SINK";
    /** The original firetap's switch from Firehose to Kinesis Data Streams. */
    public static final String USE_DATA_STREAM_VARIABLE = "FIRETAP_USE_DATA_STREAM";

    /** The artifact that provides each sink firetap's own project publishes. */
    private static final Map<String, String> KNOWN_ARTIFACTS = Map.of(
            "firehose", "io.firetap:firetap-sink-firehose",
            "kinesis", "io.firetap:firetap-sink-kinesis",
            "http", "io.firetap:firetap-sink-http",
            "splunk", "io.firetap:firetap-sink-http",
            "s3", "io.firetap:firetap-sink-s3",
            "stdout", "io.firetap:firetap-core",
            "file", "io.firetap:firetap-core");

    private final Map<String, SinkProvider> providers;

    private SinkCatalog(Map<String, SinkProvider> providers) {
        this.providers = providers;
    }

    /** The providers {@link ServiceLoader} finds through {@code loader}. */
    public static SinkCatalog load(ClassLoader loader) {
        Map<String, SinkProvider> found = new TreeMap<>();
        ServiceLoader<SinkProvider> serviceLoader = ServiceLoader.load(SinkProvider.class, loader);
        for (var it = serviceLoader.iterator(); ; ) {
            SinkProvider provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError e) {
                throw new IllegalStateException("a sink on the class path cannot be loaded: " + e.getMessage(), e);
            }
            SinkProvider previous = found.putIfAbsent(provider.name(), provider);
            if (previous != null && previous.getClass() != provider.getClass()) {
                throw new IllegalStateException("two sinks are named '" + provider.name() + "': "
                        + previous.getClass().getName() + " and " + provider.getClass().getName()
                        + "; remove one of the jars from the class path");
            }
        }
        return new SinkCatalog(Map.copyOf(found));
    }

    /** The providers firetap's own class loader sees. */
    public static SinkCatalog load() {
        return load(SinkCatalog.class.getClassLoader());
    }

    /** Exactly these providers (for tests and embedded use). */
    public static SinkCatalog of(List<SinkProvider> list) {
        Map<String, SinkProvider> map = new TreeMap<>();
        for (SinkProvider p : list) {
            map.put(p.name(), p);
        }
        return new SinkCatalog(Map.copyOf(map));
    }

    /** The sink names available, sorted. */
    public List<String> names() {
        return List.copyOf(new TreeMap<>(providers).keySet());
    }

    /** The names {@code settings} select, in the order given, without duplicates. */
    public static List<String> selectedNames(Settings settings) {
        String fallback = settings.flag(USE_DATA_STREAM_VARIABLE, false) ? "kinesis" : "firehose";
        List<String> names = settings.list(SINK_VARIABLE, List.of(fallback));
        if (names.isEmpty()) {
            names = List.of(fallback);
        }
        List<String> distinct = new ArrayList<>();
        for (String n : names) {
            String lower = n.toLowerCase(java.util.Locale.ROOT);
            if (!distinct.contains(lower)) {
                distinct.add(lower);
            }
        }
        return List.copyOf(distinct);
    }

    /**
     * Creates every sink {@code context} selects. An unknown name fails with a message listing the
     * names found and the artifact to add.
     */
    public List<Sink> create(SinkContext context) {
        Objects.requireNonNull(context, "context");
        List<String> names = selectedNames(context.settings());
        for (String name : names) {
            provider(name);
        }
        List<Sink> sinks = new ArrayList<>();
        for (String name : names) {
            sinks.add(Objects.requireNonNull(provider(name).create(context), "provider returned null: " + name));
        }
        return List.copyOf(sinks);
    }

    /** The provider for {@code name}, or a {@link ConfigException} saying what to add. */
    public SinkProvider provider(String name) {
        SinkProvider p = providers.get(name);
        if (p != null) {
            return p;
        }
        String artifact = KNOWN_ARTIFACTS.getOrDefault(name, "a jar that provides a SinkProvider named '" + name + "'");
        throw new ConfigException(SINK_VARIABLE, SINK_VARIABLE + " names sink '" + name + "', which is not on the class path"
                + " (found: " + (providers.isEmpty() ? "none" : String.join(", ", names())) + "); add "
                + artifact + " (for the Lambda layer: put the jar in the layer's lib/ folder)");
    }
}
