package io.firetap.testkit.aws.internal;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.firetap.testkit.fault.ConnectionGate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JDK HTTP server on a loopback port that can stop listening for a while and come back on the
 * same port ({@link ConnectionGate}), so clients see "connection refused" exactly like a dead host.
 * Requests run on a pool of daemon threads, so a slow (latency-injected) call never holds up others.
 *
 * <p>Internal, not for public use.
 */
public final class LoopbackServer implements ConnectionGate, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoopbackServer.class);

    private static final int BACKLOG = 128;
    private static final Duration REBIND_RETRY = Duration.ofMillis(50);

    private final InetAddress address;
    private final HttpHandler handler;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition listeningAgain = lock.newCondition();
    private final ExecutorService workers;
    private final ScheduledExecutorService timer;
    private HttpServer server;
    private ScheduledFuture<?> reopening;
    private int port;
    private boolean closed;

    public LoopbackServer(InetAddress address, int port, HttpHandler handler, String threadName) {
        this.address = address;
        this.port = port;
        this.handler = handler;
        this.workers = Executors.newCachedThreadPool(daemon(threadName));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon(threadName + "-gate"));
    }

    /** Binds and starts listening; with port 0 the system picks a free one, kept for every later rebind. */
    public void start() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            if (server == null) {
                server = bind();
                port = server.getAddress().getPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address.getHostAddress() + ":" + port, e);
        } finally {
            lock.unlock();
        }
    }

    public int port() {
        lock.lock();
        try {
            return port;
        } finally {
            lock.unlock();
        }
    }

    public InetAddress address() {
        return address;
    }

    /** Whether the port is listening now (false while refusing connections and after close). */
    public boolean listening() {
        lock.lock();
        try {
            return server != null;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the port listens (again); false if {@code timeout} passed first or the server closed. */
    public boolean awaitListening(Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (server == null) {
                if (closed || remaining <= 0) {
                    return false;
                }
                remaining = listeningAgain.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void refuseFor(Duration duration) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (server != null) {
                server.stop(0);
                server = null;
            }
            if (reopening != null) {
                reopening.cancel(false);
            }
            reopening = timer.schedule(this::reopen, duration.toNanos(), TimeUnit.NANOSECONDS);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void reopen() {
        lock.lock();
        try {
            if (reopening != null) {
                reopening.cancel(false);
                reopening = null;
            }
            if (closed || server != null) {
                return;
            }
            try {
                server = bind();
                listeningAgain.signalAll();
            } catch (BindException e) {
                // Another process may hold the port for a moment; keep the address clients were given.
                LOG.warn("port {} is busy, trying again in {} ms", port, REBIND_RETRY.toMillis(), e);
                reopening = timer.schedule(this::reopen, REBIND_RETRY.toNanos(), TimeUnit.NANOSECONDS);
            } catch (IOException e) {
                LOG.error("cannot listen again on port {}", port, e);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            listeningAgain.signalAll();
            if (reopening != null) {
                reopening.cancel(false);
            }
            if (server != null) {
                server.stop(0);
                server = null;
            }
        } finally {
            lock.unlock();
        }
        timer.shutdownNow();
        workers.shutdownNow();
    }

    private HttpServer bind() throws IOException {
        NagleCheck.warnOnce();
        HttpServer created = HttpServer.create(new InetSocketAddress(address, port), BACKLOG);
        created.createContext("/", handler);
        created.setExecutor(workers);
        created.start();
        return created;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
