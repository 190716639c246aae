/**
 * A Lambda execution environment on loopback for tests: {@link io.firetap.testkit.lambda.LambdaEmulator}
 * serves the Extensions, Telemetry and Runtime APIs, runs a layer's extensions and a runtime as real
 * processes, freezes them between invocations and reports what each invocation and shutdown did
 * ({@link io.firetap.testkit.lambda.Invocation}, {@link io.firetap.testkit.lambda.ShutdownReport}).
 */
package io.firetap.testkit.lambda;
