package io.firetap.core.sink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one {@link Sink#send} call: which entries were not stored and whether trying
 * them again can help. Entries not listed in {@link #failures()} were stored.
 */
public final class SendResult {
    private static final SendResult SUCCESS = new SendResult(List.of(), null);

    private final List<EntryFailure> failures;
    private final Duration retryAfter;

    private SendResult(List<EntryFailure> failures, Duration retryAfter) {
        this.failures = failures;
        this.retryAfter = retryAfter;
    }

    /** Every entry was stored. */
    public static SendResult success() {
        return SUCCESS;
    }

    /** Some entries were not stored (a partial failure such as Firehose's {@code FailedPutCount > 0}). */
    public static SendResult partial(List<EntryFailure> failures) {
        List<EntryFailure> copy = List.copyOf(failures);
        return copy.isEmpty() ? SUCCESS : new SendResult(copy, null);
    }

    /**
     * The whole call failed, so no entry of the {@code batchSize} entries was stored.
     *
     * @param retryAfter how long the destination asked us to wait (e.g. HTTP {@code Retry-After}),
     *                   or {@code null}
     */
    public static SendResult failedAll(int batchSize, boolean retryable, String errorCode, String message,
            Duration retryAfter) {
        List<EntryFailure> all = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            all.add(new EntryFailure(i, retryable, errorCode, message));
        }
        return new SendResult(List.copyOf(all), retryAfter);
    }

    /** {@link #failedAll(int, boolean, String, String, Duration)} without a retry-after hint. */
    public static SendResult failedAll(int batchSize, boolean retryable, String errorCode, String message) {
        return failedAll(batchSize, retryable, errorCode, message, null);
    }

    public boolean isSuccess() {
        return failures.isEmpty();
    }

    /** Failed entries in batch order; empty on success. */
    public List<EntryFailure> failures() {
        return failures;
    }

    /** A minimum wait the destination asked for before the next attempt, if it said one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** This result with a retry-after hint. */
    public SendResult withRetryAfter(Duration wait) {
        return new SendResult(failures, Objects.requireNonNull(wait, "wait"));
    }

    @Override
    public String toString() {
        return isSuccess() ? "SendResult[success]" : "SendResult[" + failures.size() + " failed]";
    }
}
