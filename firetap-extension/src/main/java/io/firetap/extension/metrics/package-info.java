/**
 * firetap's own metrics in CloudWatch's embedded metric format: {@link io.firetap.extension.metrics.MetricsConfig}
 * reads {@code FIRETAP_METRICS*}, {@link io.firetap.extension.metrics.MetricsReporter} measures the
 * invocation barrier and writes the metrics to standard error and, optionally, through the sinks.
 */
package io.firetap.extension.metrics;
