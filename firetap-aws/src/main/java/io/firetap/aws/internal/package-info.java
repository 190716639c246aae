/**
 * Internal, not for public use: how the AWS sinks call their services — SigV4 signing and the
 * {@code direct} JSON call, the SDK operations on either SDK transport, the request bodies and the
 * mapping of refusals to retryable or final. May change in any release.
 */
package io.firetap.aws.internal;
