/**
 * The firetap Lambda extension as a library: {@link io.firetap.extension.FiretapExtension#builder()}
 * builds a whole extension in code (sinks, {@link io.firetap.extension.DeliveryMode}, Telemetry
 * types, pipeline settings) and runs it until SHUTDOWN; {@link io.firetap.extension.ExtensionMain}
 * is the layer's entry point, which maps the {@code FIRETAP_*} variables onto that builder;
 * {@link io.firetap.extension.ExtensionsApiClient} is the Extensions API client it runs on.
 *
 * <p>API: stable for library users. {@code io.firetap.extension.internal} is not part of it.
 */
package io.firetap.extension;
