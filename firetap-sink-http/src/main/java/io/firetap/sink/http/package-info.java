/**
 * The {@code http} and {@code splunk} sinks: batches POSTed to an HTTP endpoint, as NDJSON, a JSON
 * array or Splunk HEC events. Configured from {@code FIRETAP_*} settings by their providers, or
 * built in code.
 *
 * <p>API: stable for library users.
 */
package io.firetap.sink.http;
