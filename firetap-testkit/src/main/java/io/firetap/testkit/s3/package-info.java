/**
 * S3 {@code PutObject} on loopback for the real AWS SDK client, with the testkit's faults:
 * {@link io.firetap.testkit.s3.S3Endpoint}.
 */
package io.firetap.testkit.s3;
