/**
 * Internal, not for public use: the extension's slf4j binding, one JSON line per event on stderr.
 */
package io.firetap.extension.internal.logging;
