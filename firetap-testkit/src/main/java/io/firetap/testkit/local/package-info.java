/**
 * firetap end to end on one machine: the built layer under the emulator with a sample function
 * ({@link io.firetap.testkit.local.LocalRun}), and the pieces it uses
 * ({@link io.firetap.testkit.local.LayerZip}, {@link io.firetap.testkit.local.SampleFunction}).
 */
package io.firetap.testkit.local;
