/**
 * The {@code s3} sink: each batch as one object in an S3 bucket. Configured from {@code FIRETAP_*}
 * settings by {@link io.firetap.sink.s3.S3SinkProvider}, or built in code.
 *
 * <p>API: stable for library users.
 */
package io.firetap.sink.s3;
