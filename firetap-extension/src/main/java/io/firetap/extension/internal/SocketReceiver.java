package io.firetap.extension.internal;

import io.firetap.core.pipeline.Intake;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UNIX-socket receiver: accepts local clients on {@link ExtensionConfig#socketPath()} and hands
 * every line they write to the {@link Intake}, following {@code docs/socket-protocol.md}.
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>The socket file is owner-only ({@code rw-------}) from the moment it exists; a stale file is
 *       replaced; the file is removed on {@link #close()} unless someone else has replaced it.</li>
 *   <li>Plain newline-delimited clients ({@code printf 'hello\n' | nc -U …}) are served, many at
 *       once ({@link ExtensionConfig#maxClients()} at a time; more wait in the accept queue, losing
 *       nothing).</li>
 *   <li>Bytes are delivered unchanged, in order per connection; an unfinished last line is delivered
 *       when its client disconnects; a line longer than {@link ExtensionConfig#maxLineBytes()} is cut
 *       into pieces of that size. Memory per connection is bounded by that size plus one chunk.</li>
 *   <li>Any bytes are a line's bytes: invalid UTF-8, NUL and {@code \r} are delivered unchanged.</li>
 * </ul>
 *
 * <p>One thread serves all connections with a selector; lines leave as slices of the buffers they
 * were read into, many per {@link Intake#offerAll} call.
 */
public final class SocketReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SocketReceiver.class);
    private static final int READ_BYTES = 64 * 1024;
    private static final int BACKLOG = 128;
    private static final long STOP_WAIT_MILLIS = 2_000;
    /** At stop, at most this many reads (of {@value #READ_BYTES} bytes) per client are drained. */
    private static final int DRAIN_READS = 64;

    /**
     * What the receiver has done so far.
     *
     * @param connections   connections accepted
     * @param bytes         bytes read
     * @param lines         lines (and line pieces) handed to the intake
     * @param refused       of those, lines the intake refused (it counted and reported them)
     */
    public record Stats(long connections, long bytes, long lines, long refused) {
    }

    private final SocketFile socket;
    private final Selector selector;
    private final Handover handover;
    private final OutputEndMarkers boundaries;
    private final int maxLineBytes;
    private final int maxClients;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BYTES);
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<SelectionKey> open = new ArrayList<>();
    private SelectionKey acceptKey;
    private volatile boolean running = true;

    // Written by the receiver thread only; read by anyone through stats().
    private volatile long connections;
    private volatile long bytes;

    private SocketReceiver(SocketFile socket, Selector selector, Intake intake, OutputEndMarkers boundaries,
            int maxLineBytes, int maxClients) {
        this.socket = socket;
        this.selector = selector;
        this.handover = new Handover(intake);
        this.boundaries = boundaries;
        this.maxLineBytes = maxLineBytes;
        this.maxClients = maxClients;
        this.thread = new Thread(this::run, "firetap-socket");
        this.thread.setDaemon(true);
    }

    /**
     * Creates the socket and starts serving it.
     *
     * @throws IOException when the socket cannot be created (the message says where and why)
     */
    public static SocketReceiver start(ExtensionConfig config, Intake intake, OutputEndMarkers boundaries)
            throws IOException {
        return start(config.socketPath(), config.maxLineBytes(), config.maxClients(), intake, boundaries);
    }

    /** {@link #start(ExtensionConfig, Intake, OutputEndMarkers)} with explicit settings. */
    public static SocketReceiver start(Path path, int maxLineBytes, int maxClients, Intake intake,
            OutputEndMarkers boundaries) throws IOException {
        return start(bind(path), maxLineBytes, maxClients, intake, boundaries);
    }

    /**
     * Creates the socket file now, to be served by {@link #start(SocketFile, int, int, Intake, OutputEndMarkers)}
     * later: clients that connect meanwhile wait in the backlog, and what they write waits in the
     * socket, instead of finding no socket at all.
     */
    public static SocketFile bind(Path path) throws IOException {
        return SocketFile.bind(path, BACKLOG);
    }

    /** Serves a socket {@link #bind bound} earlier; closes it if serving cannot start. */
    public static SocketReceiver start(SocketFile socket, int maxLineBytes, int maxClients, Intake intake,
            OutputEndMarkers boundaries) throws IOException {
        Objects.requireNonNull(socket, "socket");
        if (intake == null || boundaries == null || maxLineBytes < 1 || maxClients < 1) {
            socket.close();
            Objects.requireNonNull(intake, "intake");
            Objects.requireNonNull(boundaries, "boundaries");
            throw new IllegalArgumentException("maxLineBytes and maxClients must be positive");
        }
        Selector selector = null;
        try {
            selector = Selector.open();
            ServerSocketChannel server = socket.channel();
            server.configureBlocking(false);
            SocketReceiver receiver = new SocketReceiver(socket, selector, intake, boundaries, maxLineBytes, maxClients);
            receiver.acceptKey = server.register(selector, SelectionKey.OP_ACCEPT);
            receiver.thread.start();
            return receiver;
        } catch (IOException | RuntimeException e) {
            if (selector != null) {
                selector.close();
            }
            socket.close();
            throw e;
        }
    }

    /** The socket's path. */
    public Path path() {
        return socket.path();
    }

    /** A snapshot of the counters. */
    public Stats stats() {
        return new Stats(connections, bytes, handover.handed(), handover.refused());
    }

    private void run() {
        try {
            while (running) {
                selector.select();
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else if (key.isReadable()) {
                        read(key);
                    }
                }
            }
        } catch (ClosedSelectorException e) {
            // close() raced us: fall through to clean up.
        } catch (IOException | RuntimeException e) {
            LOG.error("the socket receiver failed; local clients can no longer send lines", e);
        } finally {
            closeAll();
            stopped.countDown();
        }
    }

    private void accept() throws IOException {
        while (open.size() < maxClients) {
            if (!acceptOne(SelectionKey.OP_READ)) {
                return;
            }
        }
        // Full: stop accepting; further clients wait in the kernel's queue until one leaves.
        acceptKey.interestOps(0);
        LOG.debug("{} socket clients connected, the limit; new ones wait", open.size());
    }

    /** Accepts one waiting client and registers it for {@code interestOps}; {@code false} when none waits. */
    private boolean acceptOne(int interestOps) throws IOException {
        SocketChannel client = socket.channel().accept();
        if (client == null) {
            return false;
        }
        client.configureBlocking(false);
        connections++;
        SocketConnection connection = new SocketConnection(connections, maxLineBytes, handover, boundaries);
        open.add(client.register(selector, interestOps, connection));
        return true;
    }

    private void read(SelectionKey key) {
        SocketConnection connection = (SocketConnection) key.attachment();
        SocketChannel channel = (SocketChannel) key.channel();
        int n;
        readBuffer.clear();
        try {
            n = channel.read(readBuffer);
        } catch (IOException e) {
            LOG.debug("socket client {} failed: {}", connection, e.toString());
            n = -1;
        }
        long now = System.currentTimeMillis();
        if (n < 0) {
            connection.onEndOfStream(now);
            handover.handOver();
            closeClient(key);
            return;
        }
        if (n == 0) {
            return;
        }
        bytes += n;
        readBuffer.flip();
        connection.onBytes(readBuffer, now);
        handover.handOver();
    }

    /** At stop: clients that connected but were not accepted yet have written lines too. */
    private void acceptWaiting() {
        try {
            int accepted = 0;
            while (accepted < BACKLOG && acceptOne(0)) {
                accepted++;
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("accepting waiting clients at stop failed: {}", e.toString());
        }
    }

    /** Reads what a client has already written, bounded so a client that keeps writing cannot hold the stop. */
    private void drain(SelectionKey key) {
        for (int i = 0; i < DRAIN_READS && key.isValid(); i++) {
            int before = open.size();
            long read = bytes;
            read(key);
            if (bytes == read || open.size() != before) {
                return;
            }
        }
    }

    private void closeClient(SelectionKey key) {
        open.remove(key);
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException e) {
            LOG.debug("closing a socket client failed: {}", e.toString());
        }
        if (running && acceptKey.isValid() && acceptKey.interestOps() == 0) {
            acceptKey.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    private void closeAll() {
        acceptWaiting();
        for (SelectionKey key : new ArrayList<>(open)) {
            // A client still connected at stop: what it already wrote, down to its unfinished line,
            // is delivered, not dropped.
            drain(key);
            if (key.isValid()) {
                ((SocketConnection) key.attachment()).onEndOfStream(System.currentTimeMillis());
                handover.handOver();
                closeClient(key);
            }
        }
        try {
            handover.handOver();
        } catch (RuntimeException e) {
            LOG.warn("handing the last socket lines over failed", e);
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing the selector failed: {}", e.toString());
        }
    }

    /**
     * Stops accepting, delivers what connected clients have already written (up to 4 MiB each) down to
     * their unfinished lines, closes the clients and removes the socket file. Waits at most two seconds for the receiver thread. Idempotent.
     */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        if (Thread.currentThread() != thread) {
            try {
                if (!stopped.await(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    LOG.warn("the socket receiver did not stop within {} ms", STOP_WAIT_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            socket.close();
        } catch (IOException e) {
            LOG.warn("removing the socket file {} failed: {}", socket.path(), e.toString());
        }
    }
}
