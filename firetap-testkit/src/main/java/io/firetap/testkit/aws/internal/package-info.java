/**
 * Internal, not for public use: the wire formats, services and server behind
 * {@link io.firetap.testkit.aws.AwsEndpoint}. Anything here may change or go away in any release.
 */
package io.firetap.testkit.aws.internal;
