package io.firetap.extension.internal;

import io.firetap.core.Source;
import io.firetap.core.pipeline.Intake;
import io.firetap.wrapper.internal.RuntimeApiProxy;
import io.firetap.wrapper.internal.StdoutIntake;
import java.util.Objects;

/**
 * The wrapped runtime as the extension sees it: its stdout, from the {@link StdoutIntake}, cut into
 * lines tagged with the invocation they belong to; and the moments the {@link RuntimeApiProxy}
 * observes, turned into {@link OutputEndMarkers} marks.
 *
 * <p>When the runtime's result for R has gone to Lambda, the intake is drained (every byte the
 * runtime wrote before its post is in the pipe ahead of the drain's marker), the unfinished line
 * is ended as a line of R, the lines are handed to the intake, and only then is R's
 * {@link OutputEndMarkers.Marker#OUTPUT_END} marked — so the barrier never lets an invocation
 * go with its lines still in the pipe. The intake's reader marks it as it meets the drain's marker:
 * the barrier's thread wakes straight from there, not after the proxy's thread has woken too.
 *
 * <p>{@link StdoutIntake.Receiver} methods run on the intake's reader thread, the hooks on the proxy's.
 */
public final class RuntimeOutput implements StdoutIntake.Receiver, RuntimeApiProxy.Hooks {
    private final StdoutIntake intake;
    private final OutputEndMarkers boundaries;
    private final LineAssembler lines;
    private final Handover handover;
    private volatile String requestId;

    public RuntimeOutput(StdoutIntake intake, OutputEndMarkers boundaries, int maxLineBytes, Intake pipeline) {
        this.intake = Objects.requireNonNull(intake, "intake");
        this.boundaries = Objects.requireNonNull(boundaries, "boundaries");
        this.lines = new LineAssembler(maxLineBytes);
        this.handover = new Handover(pipeline);
    }

    @Override
    public void data(byte[] bytes, int offset, int length) {
        lines.append(bytes, offset, length, handover.lines(), System.currentTimeMillis(), Source.WRAPPER, requestId);
        handover.handOver();
    }

    @Override
    public void outputEnd() {
        lines.endLine(handover.lines(), System.currentTimeMillis(), Source.WRAPPER, requestId);
        handover.handOver();
    }

    @Override
    public void nextRequested() {
        boundaries.runtimeAttached();
    }

    @Override
    public void invocationStarted(String id) {
        requestId = id;
    }

    @Override
    public void resultSent(String id) {
        // marked on the reader once the output is in, or here if the drain cannot complete
        intake.drain(() -> boundaries.mark(OutputEndMarkers.Marker.OUTPUT_END, id));
    }

    @Override
    public void beforeInitError() {
        intake.drain();
    }

    /** Lines handed to the pipeline so far. */
    public long lines() {
        return handover.handed();
    }
}
