/**
 * Configuration from {@code FIRETAP_*} settings: {@link io.firetap.core.config.Settings} reads a
 * map of variables (the process environment by default) with typed accessors for durations and
 * sizes, and {@link io.firetap.core.config.ConfigException} names the variable and the value that
 * cannot be used. Sink providers read their own variables through it.
 *
 * <p>API: stable for library users.
 */
package io.firetap.core.config;
