package io.firetap.core.sink;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The dry-run sink ({@code FIRETAP_SINK=stdout}): writes what would be sent to standard output,
 * each batch preceded by one summary line with its counts, so a user can see exactly what firetap
 * would deliver without any destination. Never fails a send.
 */
public final class StdoutSink implements Sink {
    public static final String NAME = "stdout";

    private final OutputStream out;
    private final SinkLimits limits;
    private long batchNumber;
    private long totalLines;

    public StdoutSink(OutputStream out, SinkLimits limits) {
        this.out = Objects.requireNonNull(out, "out");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** To {@link System#out}, with the same limits as Firehose so the batching shown is the batching you'd get. */
    public StdoutSink() {
        this(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                new SinkLimits(500, 4L << 20, 1000 * 1024, 0));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SinkLimits limits() {
        return limits;
    }

    @Override
    public CompletableFuture<SendResult> send(List<SinkRecord> batch) {
        long lines = 0;
        long bytes = 0;
        for (SinkRecord r : batch) {
            lines += r.lineCount();
            bytes += r.size();
        }
        batchNumber++;
        totalLines += lines;
        String header = "firetap[stdout] batch " + batchNumber + ": " + batch.size() + " records, " + lines
                + " lines, " + bytes + " bytes (" + totalLines + " lines so far)\n";
        try {
            out.write(header.getBytes(StandardCharsets.UTF_8));
            for (SinkRecord r : batch) {
                out.write(r.payload());
            }
            out.flush();
        } catch (IOException e) {
            return CompletableFuture.completedFuture(
                    SendResult.failedAll(batch.size(), true, "IOException", e.getMessage()));
        }
        return CompletableFuture.completedFuture(SendResult.success());
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        try {
            out.flush();
        } catch (IOException e) {
            // Nothing left to do with a broken stdout.
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Registers {@code stdout}. */
    public static final class Provider implements SinkProvider {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Sink create(SinkContext context) {
            return new StdoutSink();
        }
    }
}
