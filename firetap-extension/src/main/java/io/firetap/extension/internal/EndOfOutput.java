package io.firetap.extension.internal;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Where an invocation's output ends, as the barriers wait for it: {@code OUTPUT_END(R)} when the
 * runtime talks to Lambda through the extension's proxy (marked once its result has gone to Lambda
 * and everything it wrote before is out of the intake), else telemetry's
 * {@code platform.runtimeDone} for R when the Telemetry API marks ends, else nothing marks the end.
 * Every wait is bounded by a deadline.
 */
final class EndOfOutput {
    private final OutputEndMarkers boundaries;
    private final BooleanSupplier telemetryMarksEnd;

    /**
     * @param telemetryMarksEnd whether {@code platform.runtimeDone} arrives (a Telemetry subscription
     *                          that includes {@code platform} is active)
     */
    EndOfOutput(OutputEndMarkers boundaries, BooleanSupplier telemetryMarksEnd) {
        this.boundaries = Objects.requireNonNull(boundaries, "boundaries");
        this.telemetryMarksEnd = Objects.requireNonNull(telemetryMarksEnd, "telemetryMarksEnd");
    }

    /**
     * Waits until {@code requestId}'s output has ended or {@code deadlineNanos} ({@link System#nanoTime()})
     * passes.
     *
     * @param telemetry whether telemetry's {@code runtimeDone} may be waited for: it comes through the
     *                  Telemetry API's buffering, so it costs at least that buffer's timeout after the
     *                  response, where {@code OUTPUT_END} costs nothing
     * @return whether the end was seen
     */
    boolean await(String requestId, long deadlineNanos, boolean telemetry) {
        Set<OutputEndMarkers.Marker> wanted = EnumSet.noneOf(OutputEndMarkers.Marker.class);
        boolean byTelemetry = telemetry && telemetryMarksEnd.getAsBoolean();
        if (boundaries.isRuntimeAttached()) {
            wanted.add(OutputEndMarkers.Marker.OUTPUT_END);
        } else if (byTelemetry) {
            wanted.add(OutputEndMarkers.Marker.RUNTIME_DONE);
        }
        if (wanted.isEmpty()) {
            return false;
        }
        return boundaries.await(requestId, wanted, deadlineNanos).complete();
    }

    /** The barrier let go of {@code requestId}: lines from plain socket clients no longer carry its id. */
    void finished(String requestId) {
        boundaries.invocationFinished(requestId);
    }
}
