package io.firetap.testkit.lambda;

/**
 * How one process of the emulated environment ended at shutdown.
 *
 * @param name     the extension's file name, or {@code runtime}
 * @param exitCode the exit status, 128 + signal for a signal death ({@code 137} after SIGKILL)
 * @param killed   {@code true} when the emulator had to SIGKILL it because the shutdown deadline passed
 */
public record ProcessExit(String name, int exitCode, boolean killed) {
}
