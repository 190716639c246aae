/**
 * Amazon Data Firehose and Kinesis Data Streams on loopback for the real AWS SDK clients:
 * {@link io.firetap.testkit.aws.AwsEndpoint} (in a test) and
 * {@link io.firetap.testkit.aws.StandaloneAwsEndpoint} (as a process), enforcing the services' limits
 * and keeping what they accepted ({@link io.firetap.testkit.aws.AcceptedStream}).
 */
package io.firetap.testkit.aws;
