/**
 * The shipping pipeline: lines offered to a {@link io.firetap.core.pipeline.ShippingPipeline} are
 * buffered within a memory bound, packed into records and sent to each sink on its own lane, with
 * retries, flushes bounded by deadlines and every loss counted
 * ({@link io.firetap.core.pipeline.PipelineCounters}). {@link io.firetap.core.pipeline.PipelineConfig}
 * configures it in code or from {@code FIRETAP_*} settings.
 *
 * <p>API: stable for library users.
 */
package io.firetap.core.pipeline;
