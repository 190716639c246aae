package io.firetap.core.pipeline;

import java.util.List;

/**
 * A snapshot of the pipeline's counters. Every line offered is, eventually, exactly one of:
 * delivered, dropped at intake ({@code droppedOverflow}, {@code droppedClosed}, {@code droppedSpill}),
 * rejected by a sink, expired at shutdown, or still pending — per sink. (A spilled line a sink could not
 * read back is counted in its {@code spillLostLines}, and the marker delivered in its place as delivered.)
 *
 * @param acceptedLines   lines taken into the buffer
 * @param droppedOverflow lines refused because the buffer was full
 * @param droppedClosed   lines offered after shutdown began
 * @param bufferedBytes   bytes the buffer holds now (line bytes plus a fixed per-line overhead)
 * @param bufferCapacity  the buffer's bound in the same units
 * @param sinks           per-sink figures, in configuration order
 * @param spilledLines    lines written to disk because memory was full ({@link OverflowPolicy#SPILL}); they are
 *                        accepted lines too
 * @param spilledBytes    line bytes of those lines
 * @param droppedSpill    lines refused because the disk could not take them (cap reached, disk full, write
 *                        error, spill directory unusable)
 * @param spillDiskBytes  bytes the spill files take on disk now
 */
public record PipelineCounters(long acceptedLines, long droppedOverflow, long droppedClosed, long bufferedBytes,
        long bufferCapacity, List<SinkCounters> sinks, long spilledLines, long spilledBytes, long droppedSpill,
        long spillDiskBytes) {
    public PipelineCounters {
        sinks = List.copyOf(sinks);
    }

    /** Counters of a pipeline that never spilled. */
    public PipelineCounters(long acceptedLines, long droppedOverflow, long droppedClosed, long bufferedBytes,
            long bufferCapacity, List<SinkCounters> sinks) {
        this(acceptedLines, droppedOverflow, droppedClosed, bufferedBytes, bufferCapacity, sinks, 0, 0, 0, 0);
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
        long lost = droppedOverflow + droppedClosed + droppedSpill;
        for (SinkCounters s : sinks) {
            lost += s.rejectedLines() + s.expiredLines() + s.spillLostLines();
        }
        return lost;
    }
}
