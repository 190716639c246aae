package io.firetap.extension.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.firetap.core.LogLine;
import io.firetap.core.pipeline.Intake;
import io.firetap.extension.ExtensionsApiClient;
import io.firetap.extension.TelemetryType;
import io.firetap.extension.internal.OutputEndMarkers.Marker;
import io.firetap.extension.internal.TelemetryBatchParser.Item;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Telemetry API destination: an HTTP listener Lambda posts batches of events to, and the
 * subscription that asks it to.
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

    private final HttpServer server;
    private final ExecutorService handlerThread;
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

    private TelemetryListener(HttpServer server, ExecutorService handlerThread, Set<TelemetryType> shipped,
            Intake intake, OutputEndMarkers boundaries, String uriHost) {
        this.server = server;
        this.handlerThread = handlerThread;
        this.shipped = shipped;
        this.intake = intake;
        this.boundaries = boundaries;
        this.parser = new TelemetryBatchParser(shipped);
        this.destination = URI.create("http://" + uriHost + ":" + server.getAddress().getPort());
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
        HttpServer server = HttpServer.create(new InetSocketAddress(address.bindAddress(), port), 16);
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "firetap-telemetry");
            t.setDaemon(true);
            return t;
        });
        TelemetryListener listener = new TelemetryListener(server, thread, EnumSet.copyOf(shipped), intake, boundaries,
                address.uriHost());
        server.createContext("/", listener::handle);
        server.setExecutor(thread);
        server.start();
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

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                respond(exchange, 405);
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            }
            if (body.length > MAX_BODY_BYTES) {
                malformed.incrementAndGet();
                LOG.warn("a telemetry batch was larger than {} bytes; refused it (413)", MAX_BODY_BYTES);
                respond(exchange, 413);
                return;
            }
            TelemetryBatchParser.Result result;
            try {
                result = parser.parse(body, !boundaries.isRuntimeAttached(), boundaries.currentRequestId(),
                        System.currentTimeMillis());
            } catch (TelemetryBatchParser.MalformedBatchException e) {
                malformed.incrementAndGet();
                LOG.warn("a telemetry batch of {} bytes was refused (400): {}", body.length, e.getMessage());
                respond(exchange, 400);
                return;
            }
            // Acknowledge before handing over: the intake may push back, Lambda must not wait for that.
            respond(exchange, 200);
            batches.incrementAndGet();
            ignored.addAndGet(result.ignored());
            skipped.addAndGet(result.skipped());
            deliver(result.items());
        } catch (RuntimeException e) {
            LOG.warn("handling a telemetry batch failed", e);
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

    private static void respond(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
    }

    /** Stops listening; a batch being handled is finished first (bounded by one second). Idempotent. */
    @Override
    public void close() {
        server.stop(0);
        handlerThread.shutdown();
        try {
            if (!handlerThread.awaitTermination(1, TimeUnit.SECONDS)) {
                handlerThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            handlerThread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
