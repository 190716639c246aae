/**
 * The {@code firehose} sink: Amazon Data Firehose's {@code PutRecordBatch}. Configured from
 * {@code FIRETAP_*} settings by {@link io.firetap.sink.firehose.FirehoseSinkProvider}, or built
 * in code.
 *
 * <p>API: stable for library users.
 */
package io.firetap.sink.firehose;
