package io.firetap.bench.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A local client writing 100-byte lines to the extension's socket at a steady rate, on a thread of
 * its own, until closed: load on the extension that does not come from the function being timed.
 */
final class SocketLoad implements AutoCloseable {
    private static final int LINE = 100;
    private final SocketChannel channel;
    private final int linesPerSecond;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long written;
    private volatile long startNanos;
    private volatile long endNanos;

    private SocketLoad(SocketChannel channel, int linesPerSecond) {
        this.channel = channel;
        this.linesPerSecond = linesPerSecond;
        this.thread = new Thread(this::run, "bench-socket-load");
        this.thread.setDaemon(true);
    }

    static SocketLoad start(Path socket, int linesPerSecond) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        SocketLoad load = new SocketLoad(channel, linesPerSecond);
        load.thread.start();
        return load;
    }

    private void run() {
        // one millisecond's lines per write
        int perTick = Math.max(1, linesPerSecond / 1000);
        byte[] chunk = new byte[perTick * LINE];
        Arrays.fill(chunk, (byte) 'l');
        for (int i = LINE - 1; i < chunk.length; i += LINE) {
            chunk[i] = '\n';
        }
        startNanos = System.nanoTime();
        long tick = TimeUnit.MILLISECONDS.toNanos(1);
        long next = startNanos;
        try {
            while (running) {
                ByteBuffer b = ByteBuffer.wrap(chunk);
                while (b.hasRemaining()) {
                    channel.write(b);
                }
                written += perTick;
                next += tick;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            endNanos = System.nanoTime();
        }
    }

    /** The rate actually written so far (a busy machine may fall short of the one asked for). */
    double linesPerSecond() {
        long end = running ? System.nanoTime() : endNanos;
        return written / ((end - startNanos) / 1e9);
    }

    @Override
    public void close() throws IOException {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.close();
    }
}
