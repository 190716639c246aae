/**
 * The {@code kinesis} sink: Kinesis Data Streams' {@code PutRecords}. Configured from
 * {@code FIRETAP_*} settings by {@link io.firetap.sink.kinesis.KinesisSinkProvider}, or built in code.
 *
 * <p>API: stable for library users.
 */
package io.firetap.sink.kinesis;
