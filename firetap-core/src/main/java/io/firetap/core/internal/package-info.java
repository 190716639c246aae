/**
 * Internal, not for public use: the buffer, lanes, packing and encoders behind
 * {@link io.firetap.core.pipeline.ShippingPipeline}. May change in any release.
 */
package io.firetap.core.internal;
