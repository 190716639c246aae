package io.firetap.wrapper.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The Runtime API, served to the function's runtime on a loopback port and forwarded to Lambda's
 * real one. The extension binds it before it registers (Lambda starts the runtime only after every
 * extension has registered, so the port is there when the wrapper points the runtime at it) and
 * serves it from then on.
 *
 * <p>Transparent: method, path, headers, body, trailers and status pass through unchanged (only
 * hop-by-hop headers are re-framed), and the long-poll {@code /next} simply waits upstream. Bodies
 * stream: a 6 MB response needs no room in the wrapper's heap, and a streamed response
 * ({@code Transfer-Encoding: chunked}) goes on chunk by chunk. A client's
 * {@code Expect: 100-continue} (curl sends it for large bodies) is answered by the proxy. Two moments are
 * observed: the answer to {@code invocation/next} names the request the runtime is about to run
 * ({@link Hooks#invocationStarted}), and once a {@code /response} or {@code /error} post has gone
 * upstream, {@link Hooks#resultSent} drains the runtime's output and marks its end while Lambda takes
 * the post, before its answer goes back to the runtime. Each runtime connection gets its own
 * keep-alive upstream connection and thread; a runtime uses one or two.
 *
 * <p>Why after and not before the post: Lambda hands the response to the caller as soon as it has
 * it, and freezes the environment only once every extension has called {@code /next} again — which
 * the extension does only after the end mark. Marking the end after the post takes the drain off
 * the caller's wait without moving the freeze. The runtime is still waiting for the answer to its
 * post, so what it wrote before the post is all in the pipe ahead of the drain's marker. Not later
 * than that (after Lambda's answer): that took a further 80 µs off the caller's wait but added
 * 0.5–1 ms to the hold that follows. An {@code init/error} is different: the runtime is about to
 * fail, so its output is drained first.
 */
public final class RuntimeApiProxy implements AutoCloseable {
    private static final String PREFIX = "/2018-06-01/runtime/";
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    /** What the extension does at the moments the proxy observes; called on the proxy's threads. */
    public interface Hooks {
        /**
         * The runtime asked for its next invocation through the proxy: from now on its invocation
         * ends are marked. Called before the request goes upstream, so before Lambda can answer it.
         */
        void nextRequested();

        /** Lambda handed the runtime the invocation {@code requestId}. */
        void invocationStarted(String requestId);

        /**
         * The runtime's result for {@code requestId} has gone upstream (or could not be sent); Lambda's
         * answer has not gone back to the runtime yet.
         */
        void resultSent(String requestId);

        /** The runtime is about to report an init error: called before it is forwarded. */
        void beforeInitError();
    }

    private final ServerSocket server;
    private volatile String upstreamHost;
    private volatile int upstreamPort;
    private volatile Hooks hooks;
    private volatile Consumer<String> warnings;
    private volatile boolean closed;
    /** Threads waiting to accept a runtime connection. */
    private final AtomicInteger idleServers = new AtomicInteger();

    private RuntimeApiProxy(ServerSocket server) {
        this.server = server;
    }

    /** Whether {@code upstream} is a {@code host[:port]} the proxy can forward to. */
    public static boolean forwardable(String upstream) {
        if (upstream == null || upstream.isBlank()) {
            return false;
        }
        int colon = upstream.lastIndexOf(':');
        if (colon < 0) {
            return true;
        }
        try {
            int port = Integer.parseInt(upstream.substring(colon + 1));
            return colon > 0 && port > 0 && port < 65536;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Binds a free loopback port and listens: a free port cannot collide with another extension's
     * proxy, and the runtime's connections wait in the backlog until {@link #start} serves them.
     */
    public static RuntimeApiProxy bind() throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            return new RuntimeApiProxy(server);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** {@code 127.0.0.1:port}: the runtime's {@code AWS_LAMBDA_RUNTIME_API}. */
    public String address() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    /**
     * Serves the runtime's connections, forwarding to {@code upstream} ({@code host[:port]}, Lambda's
     * {@code AWS_LAMBDA_RUNTIME_API}).
     *
     * @param warnings where failures of a call through the proxy are reported
     */
    public void start(String upstream, Hooks hooks, Consumer<String> warnings) {
        if (!forwardable(upstream)) {
            throw new IllegalArgumentException("AWS_LAMBDA_RUNTIME_API='" + upstream + "' is not host:port");
        }
        int colon = upstream.lastIndexOf(':');
        this.upstreamHost = colon < 0 ? upstream : upstream.substring(0, colon);
        this.upstreamPort = colon < 0 ? 80 : Integer.parseInt(upstream.substring(colon + 1));
        this.hooks = Objects.requireNonNull(hooks, "hooks");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        // two threads wait for the runtime's connections from the start, so its first connection (often
        // its only one) is served at once: starting a thread then was 0.6-1.6 ms of its first /next at a
        // cold start, when the extension's own start keeps both cores busy
        startServer();
        startServer();
    }

    /** Starts one more thread that accepts a runtime connection and serves it. */
    private void startServer() {
        idleServers.incrementAndGet();
        Thread t = new Thread(new Server(), "firetap-runtime-proxy");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Accepts a runtime connection, serves it until it closes, and accepts the next: each connection has
     * a thread of its own, and while one is served another thread waits for the next (named classes:
     * no lambda bootstrap).
     */
    private final class Server implements Runnable {
        @Override
        public void run() {
            while (!closed) {
                Socket runtime;
                try {
                    runtime = server.accept();
                } catch (IOException e) {
                    if (!closed) {
                        warnings.accept("the Runtime API proxy stopped accepting: " + e.getMessage());
                    }
                    return;
                }
                if (idleServers.decrementAndGet() == 0) {
                    startServer();
                }
                serve(runtime);
                idleServers.incrementAndGet();
            }
        }
    }

    private void serve(Socket runtime) {
        Socket up = null;
        boolean waitingForNext = false;
        try (runtime) {
            runtime.setTcpNoDelay(true);
            HttpMessage.Input runtimeIn = new HttpMessage.Input(runtime.getInputStream(), 16 * 1024);
            OutputStream runtimeOut = new BufferedOutputStream(runtime.getOutputStream(), 16 * 1024);
            HttpMessage.Input upIn = null;
            OutputStream upOut = null;
            HttpMessage request;
            while ((request = HttpMessage.readRequest(runtimeIn)) != null) {
                String[] parts = request.startLine.split(" ", 3);
                String method = parts[0];
                String path = parts.length > 1 ? parts[1] : "";
                waitingForNext = isNext(method, path);
                if (request.expectsContinue()) {
                    // answered here, so the body comes at once; the expectation is not passed on
                    runtimeOut.write(CONTINUE);
                    runtimeOut.flush();
                }
                // a small body is read whole, so the request can go again on a fresh connection;
                // a large or chunked one streams through once
                boolean again = request.buffer(runtimeIn);
                String result = resultOf(method, path);
                if (isNext(method, path)) {
                    hooks.nextRequested();
                }
                if (result != null && result.isEmpty()) {
                    hooks.beforeInitError();
                }
                boolean marked = result == null || result.isEmpty();
                HttpMessage response = null;
                try {
                    for (int attempt = 0; response == null; attempt++) {
                        if (up == null) {
                            up = new Socket();
                            up.setTcpNoDelay(true);
                            up.connect(new InetSocketAddress(upstreamHost, upstreamPort), 5_000);
                            upIn = new HttpMessage.Input(up.getInputStream(), 16 * 1024);
                            upOut = new BufferedOutputStream(up.getOutputStream(), 16 * 1024);
                        }
                        try {
                            request.writeTo(upOut, runtimeIn, true);
                            if (!marked) {
                                // once, even if a stale connection makes the post go out a second time
                                marked = true;
                                hooks.resultSent(result);
                            }
                            response = HttpMessage.readResponse(upIn, method);
                        } catch (IOException e) {
                            // a kept-alive upstream connection may have been closed meanwhile: one fresh try
                            closeQuietly(up);
                            up = null;
                            if (attempt == 1 || !again) {
                                throw e;
                            }
                        }
                    }
                } finally {
                    if (!marked) {
                        // the post could not be sent: the extension must not wait for this end in vain
                        hooks.resultSent(result);
                    }
                }
                observeResponse(method, path, response);
                boolean keepAlive = !request.wantsClose() && response.length != HttpMessage.UNTIL_CLOSE;
                response.writeTo(runtimeOut, upIn, keepAlive);
                if (response.wantsClose() || response.length == HttpMessage.UNTIL_CLOSE) {
                    closeQuietly(up);
                    up = null;
                }
                if (!keepAlive) {
                    return;
                }
                waitingForNext = false;
            }
        } catch (IOException e) {
            // a /next that Lambda ends by closing the connection is the environment shutting down:
            // the runtime sees its connection close as it would without the proxy, nothing to report
            if (!closed && !waitingForNext) {
                warnings.accept("a Runtime API call through the proxy failed: " + e.getMessage());
            }
        } finally {
            closeQuietly(up);
        }
    }

    /**
     * The request id when this is an invocation's {@code /response} or {@code /error} post, the empty
     * string for an {@code init/error} post, otherwise {@code null}.
     */
    private static String resultOf(String method, String path) {
        if (!method.equals("POST") || !path.startsWith(PREFIX)) {
            return null;
        }
        String rest = path.substring(PREFIX.length());
        if (rest.startsWith("invocation/")) {
            String tail = rest.substring("invocation/".length());
            int slash = tail.indexOf('/');
            if (slash > 0) {
                String what = tail.substring(slash + 1);
                if (what.equals("response") || what.equals("error")) {
                    return tail.substring(0, slash);
                }
            }
        } else if (rest.equals("init/error")) {
            return "";
        }
        return null;
    }

    private static boolean isNext(String method, String path) {
        return method.equals("GET") && path.startsWith(PREFIX + "invocation/next");
    }

    private void observeResponse(String method, String path, HttpMessage response) throws IOException {
        if (isNext(method, path) && response.status() == 200) {
            String id = response.header("Lambda-Runtime-Aws-Request-Id");
            if (id != null) {
                hooks.invocationStarted(id);
            }
        }
    }

    /** Closes {@code c} if there is one, ignoring a failure to close. */
    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Stops accepting; calls in flight finish on their own threads. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

}
