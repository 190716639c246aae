/**
 * firetap's own metrics in CloudWatch's embedded metric format:
 * {@link io.firetap.extension.metrics.MetricsConfig} says whether they are written, where (standard
 * error, the sinks, or both), how often and under which namespace — from {@code FIRETAP_METRICS*} or
 * in code, for {@link io.firetap.extension.FiretapExtension.Builder#metrics}. The metrics themselves
 * are listed in the README.
 *
 * <p>API: stable for library users. How they are measured and written
 * ({@code io.firetap.extension.internal.metrics}) is not part of it.
 */
package io.firetap.extension.metrics;
