/**
 * Internal, not for public use: how firetap's metrics are measured around each sink's call and
 * written as EMF documents. May change in any release.
 */
package io.firetap.extension.internal.metrics;
