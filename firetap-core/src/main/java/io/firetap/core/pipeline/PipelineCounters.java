package io.firetap.core.pipeline;

import java.util.List;

/**
 * A snapshot of the pipeline's counters. Every line offered is, eventually, exactly one of:
 * delivered, dropped at intake ({@code droppedOverflow}, {@code droppedClosed}), rejected by a sink,
 * expired at shutdown, or still pending — per sink.
 *
 * @param acceptedLines   lines taken into the buffer
 * @param droppedOverflow lines refused because the buffer was full
 * @param droppedClosed   lines offered after shutdown began
 * @param bufferedBytes   bytes the buffer holds now (line bytes plus a fixed per-line overhead)
 * @param bufferCapacity  the buffer's bound in the same units
 * @param sinks           per-sink figures, in configuration order
 */
public record PipelineCounters(long acceptedLines, long droppedOverflow, long droppedClosed, long bufferedBytes,
        long bufferCapacity, List<SinkCounters> sinks) {
    public PipelineCounters {
        sinks = List.copyOf(sinks);
    }

    /** The counters of the sink named {@code name}. */
    public SinkCounters sink(String name) {
        for (SinkCounters s : sinks) {
            if (s.sink().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no sink named " + name);
    }

    /** Lines lost for any reason so far, summed over intake and every sink. */
    public long lostLines() {
        long lost = droppedOverflow + droppedClosed;
        for (SinkCounters s : sinks) {
            lost += s.rejectedLines() + s.expiredLines();
        }
        return lost;
    }
}
