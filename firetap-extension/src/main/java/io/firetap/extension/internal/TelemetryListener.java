package io.firetap.extension.internal;

import io.firetap.core.LogLine;
import io.firetap.core.pipeline.Intake;
import io.firetap.extension.ExtensionsApiClient;
import io.firetap.extension.TelemetryType;
import io.firetap.extension.internal.OutputEndMarkers.Marker;
import io.firetap.extension.internal.TelemetryBatchParser.Item;
import io.firetap.wrapper.internal.HttpMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Telemetry API destination: an HTTP listener Lambda posts batches of events to, and the
 * subscription that asks it to.
 *
 * <p>The listener is a small HTTP/1.1 server on a loopback {@link ServerSocket} and firetap's one
 * HTTP/1.1 codec ({@link HttpMessage}), not {@code com.sun.net.httpserver}: that server formats a
 * {@code Date} header and flushes through several buffered layers for every batch, and its start
 * loads and links its selector, dispatcher and exchange classes, which made the listener the
 * largest part of firetap's CPU per warm invocation. Here each answer is one constant array in one
 * write; connections are kept alive; bodies come with a {@code Content-Length} or chunked, and
 * one over {@link #MAX_BODY_BYTES} is refused without being buffered.
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>Each batch is parsed and acknowledged at once ({@code 200}); its lines are handed to the
 *       intake only after the answer has gone out, and no network I/O happens in the handler, so
 *       Lambda is never held by the pipeline.</li>
 *   <li>A body that is not a JSON array of events gets {@code 400} and one diagnostic line; nothing
 *       of it is delivered and nothing else is affected.</li>
 *   <li>Batches are handled one at a time, in arrival order; within a batch, every line before a
 *       {@code platform.runtimeDone} for R is in the intake before {@link Marker#RUNTIME_DONE} is
 *       marked for R on {@link OutputEndMarkers}.</li>
 *   <li>{@code function} records are not shipped once the runtime is wrapped (it talks to Lambda
 *       through the extension's proxy): its stdout reaches the extension line-exact through the
 *       intake already.</li>
 *   <li>A failed subscription (another extension holds the Logs API, an old runtime) is one clear
 *       diagnostic; the extension carries on without telemetry.</li>
 *   <li>A request the listener cannot read as HTTP/1.1 gets {@code 400} and its connection is
 *       closed; one that is not a {@code POST} gets {@code 405}.</li>
 * </ul>
 */
public final class TelemetryListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryListener.class);
    /** Buffering minimums, so Lambda posts as soon as it may: delivery stays prompt. */
    public static final int BUFFER_MAX_ITEMS = 1_000;
    public static final int BUFFER_MAX_BYTES = 262_144;
    public static final int BUFFER_TIMEOUT_MS = 25;
    /** Largest body accepted: Lambda's largest batch (1 MiB of records) with generous room for JSON escaping. */
    public static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

    /**
     * What the listener has done so far.
     *
     * @param batches    batches accepted
     * @param malformed  batches refused as malformed or oversized
     * @param lines      lines handed to the intake
     * @param ignored    {@code function} records not shipped because the runtime was wrapped
     * @param skipped    elements of batches that were not events
     */
    public record Stats(long batches, long malformed, long lines, long ignored, long skipped) {
    }

    /** Connections served at once; Lambda keeps one. More wait in the accept queue. */
    static final int MAX_CONNECTIONS = 8;
    /** Longest a request may take to arrive once its first byte has (a stalled peer cannot hold a thread). */
    private static final int READ_TIMEOUT_MS = 10_000;
    private static final byte[] OK = response("200 OK", false);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final ServerSocket server;
    private final Thread acceptThread;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Semaphore connectionSlots = new Semaphore(MAX_CONNECTIONS);
    private final AtomicInteger connectionNumber = new AtomicInteger();
    /** Batches are handled one at a time, whichever connection they came on. */
    private final ReentrantLock handling = new ReentrantLock();
    private volatile boolean closed;
    private final Set<TelemetryType> shipped;
    private final Intake intake;
    private final OutputEndMarkers boundaries;
    private final TelemetryBatchParser parser;
    private final URI destination;
    private final List<LogLine> pending = new ArrayList<>();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();

    private TelemetryListener(ServerSocket server, Set<TelemetryType> shipped, Intake intake,
            OutputEndMarkers boundaries, String uriHost) {
        this.server = server;
        this.shipped = shipped;
        this.intake = intake;
        this.boundaries = boundaries;
        this.parser = new TelemetryBatchParser(shipped);
        this.destination = URI.create("http://" + uriHost + ":" + server.getLocalPort());
        this.acceptThread = new Thread(this::acceptLoop, "firetap-telemetry");
        this.acceptThread.setDaemon(true);
    }

    /**
     * Starts the listener on the sandbox address (see {@link SandboxAddress}) and {@code port}
     * (0 for any free port). Call {@link #subscribe} next.
     *
     * @param shipped the kinds to ship as lines; must not be empty
     */
    public static TelemetryListener start(Set<TelemetryType> shipped, int port, Intake intake,
            OutputEndMarkers boundaries) throws IOException {
        return start(shipped, SandboxAddress.detect(), port, intake, boundaries);
    }

    /** {@link #start(Set, int, Intake, OutputEndMarkers)} on an explicit address. */
    public static TelemetryListener start(Set<TelemetryType> shipped, SandboxAddress address, int port, Intake intake,
            OutputEndMarkers boundaries) throws IOException {
        Objects.requireNonNull(intake, "intake");
        Objects.requireNonNull(boundaries, "boundaries");
        Objects.requireNonNull(address, "address");
        if (shipped.isEmpty()) {
            throw new IllegalArgumentException("nothing to listen for");
        }
        ServerSocket server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(address.bindAddress(), port), 16);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        TelemetryListener listener = new TelemetryListener(server, EnumSet.copyOf(shipped), intake, boundaries,
                address.uriHost());
        listener.acceptThread.start();
        return listener;
    }

    /** Where Lambda is asked to post, e.g. {@code http://sandbox.localdomain:41234}. */
    public URI destination() {
        return destination;
    }

    /**
     * The types to subscribe to: the shipped ones, plus {@code platform} whenever {@code function} is
     * shipped, because {@code platform.runtimeDone} marks where an invocation's output ends.
     */
    public Set<TelemetryType> subscriptionTypes() {
        EnumSet<TelemetryType> types = EnumSet.copyOf(shipped);
        if (types.contains(TelemetryType.FUNCTION)) {
            types.add(TelemetryType.PLATFORM);
        }
        return types;
    }

    /**
     * Subscribes through {@code client}. On failure logs one diagnostic saying what it means and
     * returns {@code false}; the listener then simply receives nothing.
     */
    public boolean subscribe(ExtensionsApiClient client) {
        try {
            client.subscribeTelemetry(subscriptionTypes(), destination, BUFFER_MAX_ITEMS, BUFFER_MAX_BYTES,
                    BUFFER_TIMEOUT_MS);
            LOG.debug("subscribed to telemetry {} at {}", subscriptionTypes(), destination);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("the Telemetry API subscription failed ({}); carrying on without telemetry: lines reach firetap"
                    + " only through the socket. Another extension using the Logs API, which excludes the Telemetry"
                    + " API, is a common cause; set " + ExtensionConfig.TELEMETRY + "=off to skip the attempt",
                    e.getMessage());
            return false;
        }
    }

    /** A snapshot of the counters. */
    public Stats stats() {
        return new Stats(batches.get(), malformed.get(), lines.get(), ignored.get(), skipped.get());
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                connectionSlots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                connectionSlots.release();
                if (!closed) {
                    LOG.warn("the Telemetry listener stopped accepting connections: {}", e.getMessage());
                }
                return;
            }
            connections.add(socket);
            if (closed) {
                // close() may have passed over the set before this socket was in it
                closeQuietly(socket);
                connections.remove(socket);
                connectionSlots.release();
                return;
            }
            Thread t = new Thread(() -> serve(socket), "firetap-telemetry-" + connectionNumber.incrementAndGet());
            t.setDaemon(true);
            t.start();
        }
    }

    /** Serves one connection's requests until it closes, asks to, or cannot be read on. */
    private void serve(Socket socket) {
        try {
            socket.setTcpNoDelay(true);
            HttpMessage.Input in = new HttpMessage.Input(socket.getInputStream(), 16 * 1024);
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                // waiting for the next request has no bound (Lambda keeps the connection between
                // batches); reading one that has begun has
                socket.setSoTimeout(0);
                if (!in.awaitData()) {
                    return;
                }
                socket.setSoTimeout(READ_TIMEOUT_MS);
                if (!exchange(in, out)) {
                    return;
                }
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.debug("a Telemetry API connection ended: {}", e.toString());
            }
        } catch (RuntimeException e) {
            LOG.warn("serving a Telemetry API connection failed", e);
        } finally {
            closeQuietly(socket);
            connections.remove(socket);
            connectionSlots.release();
        }
    }

    /** Reads one request and answers it; {@code false} when the connection is to be closed. */
    private boolean exchange(HttpMessage.Input in, OutputStream out) throws IOException {
        HttpMessage request;
        try {
            request = HttpMessage.readRequest(in);
        } catch (IOException e) {
            if (e instanceof java.net.SocketException) {
                throw e;
            }
            malformed.incrementAndGet();
            LOG.warn("a request to the Telemetry listener was not HTTP/1.1 ({}); refused it (400)", e.getMessage());
            out.write(response("400 Bad Request", true));
            return false;
        }
        if (request == null) {
            return false;
        }
        boolean keepAlive = keepAlive(request);
        if (request.length > MAX_BODY_BYTES) {
            return refuseOversized(out, request.length);
        }
        if (request.expectsContinue()) {
            out.write(CONTINUE);
        }
        byte[] body;
        try {
            body = request.readBody(in, MAX_BODY_BYTES);
        } catch (HttpMessage.BodyTooLargeException e) {
            return refuseOversized(out, -1);
        }
        if (!request.startLine.startsWith("POST ")) {
            out.write(response("405 Method Not Allowed", !keepAlive));
            return keepAlive;
        }
        handling.lock();
        try {
            if (closed) {
                return false;
            }
            handle(body, out, keepAlive);
        } finally {
            handling.unlock();
        }
        return keepAlive;
    }

    private boolean refuseOversized(OutputStream out, long length) throws IOException {
        malformed.incrementAndGet();
        LOG.warn("a telemetry batch{} was larger than {} bytes; refused it (413)",
                length >= 0 ? " of " + length + " bytes" : "", MAX_BODY_BYTES);
        // the rest of its body is not read: the connection cannot carry another request
        out.write(response("413 Content Too Large", true));
        return false;
    }

    private void handle(byte[] body, OutputStream out, boolean keepAlive) throws IOException {
        TelemetryBatchParser.Result result;
        try {
            result = parser.parse(body, !boundaries.isRuntimeAttached(), boundaries.currentRequestId(),
                    System.currentTimeMillis());
        } catch (TelemetryBatchParser.MalformedBatchException e) {
            malformed.incrementAndGet();
            LOG.warn("a telemetry batch of {} bytes was refused (400): {}", body.length, e.getMessage());
            out.write(response("400 Bad Request", !keepAlive));
            return;
        } catch (RuntimeException e) {
            LOG.warn("handling a telemetry batch failed", e);
            out.write(response("500 Internal Server Error", !keepAlive));
            return;
        }
        // counted before the answer, so a poster that has it sees the counts
        batches.incrementAndGet();
        ignored.addAndGet(result.ignored());
        skipped.addAndGet(result.skipped());
        // Acknowledge before handing over: the intake may push back, Lambda must not wait for that.
        out.write(keepAlive ? OK : response("200 OK", true));
        try {
            deliver(result.items());
        } catch (RuntimeException e) {
            LOG.warn("handing over a telemetry batch failed", e);
        }
    }

    /** HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only when asked to keep it. */
    private static boolean keepAlive(HttpMessage request) {
        if (request.startLine.endsWith("HTTP/1.1")) {
            return !request.wantsClose();
        }
        String c = request.header("Connection");
        return c != null && c.toLowerCase(java.util.Locale.ROOT).contains("keep-alive");
    }

    /** A response without a body and without a {@code Date} (Lambda reads only the status). */
    private static byte[] response(String status, boolean close) {
        return ("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void deliver(List<Item> items) {
        for (Item item : items) {
            if (item instanceof Item.Line line) {
                pending.add(line.record());
            } else if (item instanceof Item.RuntimeDone done) {
                handOver();
                boundaries.mark(Marker.RUNTIME_DONE, done.requestId());
            }
        }
        handOver();
    }

    private void handOver() {
        if (pending.isEmpty()) {
            return;
        }
        try {
            intake.offerAll(pending);
            lines.addAndGet(pending.size());
        } finally {
            pending.clear();
        }
    }

    /** Stops listening; a batch being handled is finished first (bounded by one second). Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        boolean locked = false;
        try {
            locked = handling.tryLock(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (Socket s : connections) {
                closeQuietly(s);
            }
        } finally {
            if (locked) {
                handling.unlock();
            }
        }
    }
}
