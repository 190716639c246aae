package io.firetap.core.sink;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A destination for packed log records: Firehose, Kinesis, an HTTP endpoint, a file, memory.
 *
 * <p>The pipeline guarantees a sink that it calls {@link #send} from one thread at a time, with
 * batches that respect {@link #limits()}, and that it retries failed entries itself: a sink
 * reports failures, it does not retry them (any client-side retry must be off or minimal so the
 * two do not fight). A sink's futures should complete within the sink's own call timeout; the
 * pipeline bounds every wait regardless.
 *
 * <p>Implementations are created by a {@link SinkProvider} and should be cheap to construct:
 * configuration is validated in the constructor (so start-up fails with a clear message), and
 * expensive work such as building network clients belongs in {@link #start()}.
 */
public interface Sink extends AutoCloseable {

    /** The provider name this sink was created under, e.g. {@code "firehose"}; used in counters and logs. */
    String name();

    /** The destination's per-call and per-record limits. Constant for the sink's lifetime. */
    SinkLimits limits();

    /**
     * Prepares the sink (builds clients, opens connections, warms up) off the caller's thread.
     * The pipeline calls it once, right away, and holds the first send until it completes; a
     * sink that fails to start fails every send as retryable until it is shut down.
     */
    default CompletableFuture<Void> start() {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Sends one batch. Never throws; an exceptional completion counts as a retryable failure of
     * every entry.
     *
     * @param batch non-empty records within {@link #limits()}; the list is not modified afterwards
     */
    CompletableFuture<SendResult> send(List<SinkRecord> batch);

    /** Completes when anything the sink itself buffers has been sent. Most sinks buffer nothing. */
    default CompletableFuture<Void> flush() {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Releases the sink's resources. Called once, after the last send; must complete promptly
     * (the Lambda SHUTDOWN budget is two seconds for everything), so slow graceful client
     * shutdowns are started here but not waited for.
     */
    CompletableFuture<Void> shutdown();

    /**
     * Shuts down and waits up to five seconds, so a sink built in code can sit in a
     * try-with-resources block. The pipeline itself calls {@link #shutdown()}.
     */
    @Override
    default void close() {
        try {
            shutdown().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Closing is best effort; the cause has been reported by the sink.
        }
    }
}
