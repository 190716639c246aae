package io.firetap.core.pipeline;

/** What happens to a line longer than the sink's per-record limit. Either way the batch never fails. */
public enum OversizePolicy {
    /** Cut it into consecutive pieces that each fit a record, at UTF-8 character boundaries where possible; every byte is delivered. */
    SPLIT,
    /** Keep the start that fits and end it with a visible {@code [firetap: truncated N bytes]} marker. */
    TRUNCATE
}
