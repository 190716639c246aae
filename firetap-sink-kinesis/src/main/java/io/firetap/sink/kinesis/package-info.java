/**
 * The {@code kinesis} sink: Kinesis Data Streams' {@code PutRecords}. Configured from
 * {@code FIRETAP_*} settings by {@link io.firetap.sink.kinesis.KinesisSinkProvider}, or built in code
 * with {@link io.firetap.sink.kinesis.KinesisSink#builder}, on settings or on your own SDK client.
 *
 * <p>API: stable for library users.
 */
package io.firetap.sink.kinesis;
