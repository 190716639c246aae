package io.firetap.core.sink;

/**
 * Creates a {@link Sink} by name. Implementations are found with {@link java.util.ServiceLoader}:
 * list the class in {@code META-INF/services/io.firetap.core.sink.SinkProvider} of your jar, put
 * the jar on firetap's class path (for the Lambda layer: its {@code lib/} folder) and select it
 * with {@code FIRETAP_SINK=<name>}.
 *
 * <p>A provider needs a public no-argument constructor and must be cheap to load: it is
 * instantiated on the function's cold-start path.
 */
public interface SinkProvider {

    /** The name users select the sink by: lower case, e.g. {@code "firehose"}. Unique on the class path. */
    String name();

    /**
     * Builds the sink. Validates its configuration here, throwing
     * {@link io.firetap.core.config.ConfigException} with a message naming the variable, the value
     * and what is allowed; leaves slow work (network clients) to {@link Sink#start()}.
     */
    Sink create(SinkContext context);
}
