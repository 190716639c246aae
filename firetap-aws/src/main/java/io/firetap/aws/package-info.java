/**
 * What the AWS sinks share: {@link io.firetap.aws.AwsClientSettings} (region, endpoint, credentials,
 * call timeout, from {@code AWS_*} and {@code FIRETAP_*} settings) and the
 * {@link io.firetap.aws.AwsHttpClient} transports they can run on.
 *
 * <p>API: stable for library users. {@code io.firetap.aws.internal} is not part of it.
 */
package io.firetap.aws;
