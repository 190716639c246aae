package io.firetap.testkit.lambda;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What one emulated invocation produced.
 *
 * @param number        1 for the first invocation of this emulator, 2 for the next, …
 * @param requestId     the request id the runtime and the extensions saw
 * @param status        how the runtime finished it
 * @param body          the posted response (or error) body; empty on timeout
 * @param runtimeTime   from handing the event to the runtime to its response (or error) post
 * @param hold          the post-runtime hold: from the runtime's response post to the last
 *                      extension's next {@code /event/next} call — the time Lambda keeps the
 *                      environment running after the function is done
 * @param slowestExtension the extension that called {@code /next} last, or {@code null} without extensions
 */
public record Invocation(
        int number,
        String requestId,
        Status status,
        byte[] body,
        Duration runtimeTime,
        Duration hold,
        String slowestExtension) {

    /** How the runtime finished an invocation. */
    public enum Status {
        /** The runtime posted {@code /response}. */
        SUCCESS,
        /** The runtime posted {@code /error}. */
        ERROR,
        /** The runtime posted nothing before the function timeout. */
        TIMEOUT
    }

    /** The response (or error) body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Invocation[" + number + " " + requestId + " " + status + ", runtime "
                + runtimeTime.toNanos() / 1_000 + " µs, hold " + hold.toNanos() / 1_000 + " µs]";
    }
}
