/**
 * The one fault API of every testkit endpoint: {@link io.firetap.testkit.fault.Faults} switches
 * faults on and off, deterministically from a seed, and counts every fault it injected
 * ({@link io.firetap.testkit.fault.InjectedFaults}) by {@link io.firetap.testkit.fault.FaultKind}.
 */
package io.firetap.testkit.fault;
