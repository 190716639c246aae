/**
 * Internal, not for public use: the parts of {@link io.firetap.testkit.lambda.LambdaEmulator} (its
 * three HTTP APIs, the lifecycle, the processes and the environment they see). Anything here may
 * change or go away in any release; use the emulator's own API instead.
 */
package io.firetap.testkit.lambda.internal;
