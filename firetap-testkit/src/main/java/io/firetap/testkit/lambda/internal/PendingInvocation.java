package io.firetap.testkit.lambda.internal;

import io.firetap.testkit.lambda.Invocation;

/**
 * The invocation in flight; guarded by the {@link Sandbox}'s lock.
 *
 * <p>Internal, not for public use.
 */
final class PendingInvocation {
    final int number;
    final String requestId;
    final byte[] event;
    final long deadlineMs;
    long handedNanos;
    long respondedNanos;
    /** {@code null} until the runtime answers, fails or times out. */
    Invocation.Status status;
    byte[] body;

    PendingInvocation(int number, String requestId, byte[] event, long deadlineMs) {
        this.number = number;
        this.requestId = requestId;
        this.event = event;
        this.deadlineMs = deadlineMs;
    }

    /** The {@code X-Amzn-Trace-Id} value Lambda would give this invocation (not sampled). */
    String traceId() {
        return "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
                + requestId.replace("-", "").substring(0, 24) + ";Sampled=0";
    }
}
