package io.firetap.core.pipeline;

import io.firetap.core.LogLine;
import java.util.List;

/**
 * Where receivers hand the lines they read: the front of the shipping pipeline.
 *
 * <p>Calls may block when the buffer is full and the overflow policy is {@code block} (that is
 * the back-pressure), but never longer than the policy's bound. A record that is not accepted
 * has been counted and reported by the pipeline; the caller does not need to report it again.
 * Safe for concurrent use by many receivers.
 */
public interface Intake {

    /** Offers one line; {@code true} when it was accepted for delivery. */
    boolean offer(LogLine record);

    /**
     * Offers lines in order, at the cost of one hand-over. Prefer this on hot paths: a socket
     * read yields many lines at once.
     *
     * @return how many were accepted (the first {@code n} in order when the buffer overflows)
     */
    int offerAll(List<LogLine> records);
}
