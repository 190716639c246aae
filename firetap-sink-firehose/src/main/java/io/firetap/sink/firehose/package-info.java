/**
 * The {@code firehose} sink: Amazon Data Firehose's {@code PutRecordBatch}. Configured from
 * {@code FIRETAP_*} settings by {@link io.firetap.sink.firehose.FirehoseSinkProvider}, or built
 * in code with {@link io.firetap.sink.firehose.FirehoseSink#builder}, on settings or on your own SDK
 * client.
 *
 * <p>API: stable for library users.
 */
package io.firetap.sink.firehose;
