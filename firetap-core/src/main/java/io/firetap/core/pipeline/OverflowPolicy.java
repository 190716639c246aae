package io.firetap.core.pipeline;

/** What the buffer does with a line that arrives when it is full. */
public enum OverflowPolicy {
    /**
     * Hold the writer until space frees up (back-pressure reaches the function's stdout), but no
     * longer than the configured bound per overflow episode: when a wait runs out, lines are
     * dropped and counted, without further waits, until the sink frees space again. So a slow
     * sink slows the function down a little; a dead one never hangs it.
     */
    BLOCK,
    /** Drop the new line at once and count it. The function is never slowed down. */
    DROP,
    /**
     * Write the line to local disk ({@link PipelineConfig#spillDir()}), up to
     * {@link PipelineConfig#spillMaxBytes()}, and send it from there, in order, once the sink has
     * caught up; the writer never waits for space. What the disk cannot take (cap reached, disk
     * full, write error) is dropped and counted.
     */
    SPILL
}
