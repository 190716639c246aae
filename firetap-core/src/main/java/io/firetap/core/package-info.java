/**
 * What firetap carries: a {@link io.firetap.core.LogLine} is one log line as received (bytes,
 * never decoded), with its {@link io.firetap.core.Source} and the invocation it belongs to;
 * {@link io.firetap.core.FunctionMetadata} names the function the lines come from.
 *
 * <p>API: stable for library users. The packages below {@code io.firetap.core} hold the sink SPI
 * ({@code sink}), the shipping pipeline ({@code pipeline}) and configuration ({@code config});
 * {@code io.firetap.core.internal} is not part of the API.
 */
package io.firetap.core;
