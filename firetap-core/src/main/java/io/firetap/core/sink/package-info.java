/**
 * The sink SPI: a {@link io.firetap.core.sink.Sink} sends batches of packed
 * {@link io.firetap.core.sink.SinkRecord}s to one destination within its
 * {@link io.firetap.core.sink.SinkLimits}, reporting per-entry failures in a
 * {@link io.firetap.core.sink.SendResult}; a {@link io.firetap.core.sink.SinkProvider}, found by
 * {@link java.util.ServiceLoader}, builds one from configuration. {@code stdout} and {@code file}
 * are the built-in sinks.
 *
 * <p>API: stable for library users and sink authors.
 */
package io.firetap.core.sink;
