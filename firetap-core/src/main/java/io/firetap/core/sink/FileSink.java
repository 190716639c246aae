package io.firetap.core.sink;

import io.firetap.core.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Appends every delivered record to a local file ({@code FIRETAP_SINK=file},
 * {@code FIRETAP_FILE_PATH}). For local runs and tests: the file holds exactly the bytes a
 * Firehose consumer would read. A failed write is a retryable failure.
 */
public final class FileSink implements Sink {
    public static final String NAME = "file";
    public static final String PATH_VARIABLE = "FIRETAP_FILE_PATH";

    private final Path path;
    private final SinkLimits limits;
    private FileChannel channel;

    public FileSink(Path path, SinkLimits limits) {
        this.path = Objects.requireNonNull(path, "path");
        this.limits = Objects.requireNonNull(limits, "limits");
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
        try {
            if (channel == null) {
                Path parent = path.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
            }
            ByteBuffer[] buffers = new ByteBuffer[batch.size()];
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = ByteBuffer.wrap(batch.get(i).payload());
            }
            while (buffers[buffers.length - 1].hasRemaining()) {
                channel.write(buffers);
            }
            return CompletableFuture.completedFuture(SendResult.success());
        } catch (IOException e) {
            return CompletableFuture.completedFuture(
                    SendResult.failedAll(batch.size(), true, "IOException", e.getMessage()));
        }
    }

    @Override
    public CompletableFuture<Void> shutdown() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Appends were already written; close errors carry no data.
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Registers {@code file}. */
    public static final class Provider implements SinkProvider {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Sink create(SinkContext context) {
            String raw = context.settings().required(PATH_VARIABLE, "the file sink needs the path of the file to append to");
            Path p;
            try {
                p = Path.of(raw);
            } catch (InvalidPathException e) {
                throw ConfigException.invalid(PATH_VARIABLE, raw, "a file path");
            }
            if (Files.isDirectory(p)) {
                throw ConfigException.invalid(PATH_VARIABLE, raw, "a file path, not a directory");
            }
            return new FileSink(p, SinkLimits.generous());
        }
    }
}
