package io.firetap.testkit.lambda.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One extension of the environment as the emulator tracks it; guarded by the {@link Sandbox}'s
 * lock.
 *
 * <p>Internal, not for public use.
 */
final class ExtensionState {
    final String name;
    /** Events waiting for its next {@code /event/next}, as JSON. */
    final List<String> queue = new ArrayList<>();
    ManagedProcess process;
    /** Its {@code Lambda-Extension-Identifier}, {@code null} until it registers. */
    String id;
    Set<String> events = Set.of();
    long nextCalls;
    long lastNextNanos;
    long startedNanos;
    long registeredNanos;
    long firstNextNanos;

    ExtensionState(String name) {
        this.name = name;
    }
}
