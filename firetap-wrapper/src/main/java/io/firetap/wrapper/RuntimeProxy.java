package io.firetap.wrapper;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The Runtime API, served to the child on a loopback port and forwarded to Lambda's real one.
 *
 * <p>Transparent: method, path, headers, body, trailers and status pass through unchanged (only
 * hop-by-hop headers are re-framed), and the long-poll {@code /next} simply waits upstream. Bodies
 * stream: a 6 MB response needs no room in the wrapper's heap, and a streamed response
 * ({@code Transfer-Encoding: chunked}) goes on chunk by chunk. A client's
 * {@code Expect: 100-continue} (curl sends it for large bodies) is answered by the proxy. Two moments are
 * observed: the answer to {@code invocation/next} names the request the child is about to run
 * ({@link Hooks#invocationStarted}), and once a {@code /response} or {@code /error} post has gone
 * upstream, {@link Hooks#resultSent} drains the child's output and marks its end while Lambda takes
 * the post, before its answer goes back to the child. Each child connection gets its own
 * keep-alive upstream connection and thread; a runtime uses one or two.
 *
 * <p>Why after and not before the post: Lambda hands the response to the caller as soon as it has
 * it, and freezes the environment only once every extension has called {@code /next} again — which
 * the extension does only after the end mark. Marking the end after the post takes the drain off
 * the caller's wait without moving the freeze. The child is still waiting for the answer to its
 * post, so what it wrote before the post is all in the pipe ahead of the drain's marker. Not later
 * than that (after Lambda's answer): that took a further 80 µs off the caller's wait but added
 * 0.5–1 ms to the hold that follows. An {@code init/error} is different: the runtime is about to
 * fail, so its output is drained first.
 */
final class RuntimeProxy implements AutoCloseable {
    private static final String PREFIX = "/2018-06-01/runtime/";
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    /** What the wrapper does at the two moments the proxy observes. */
    interface Hooks {
        void invocationStarted(String requestId);

        /**
         * The child's result for {@code requestId} has gone upstream (or could not be sent); Lambda's
         * answer has not gone back to the child yet.
         */
        void resultSent(String requestId);

        /** The child is about to report an init error: called before it is forwarded. */
        void beforeInitError();
    }

    private final ServerSocket server;
    private final String upstreamHost;
    private final int upstreamPort;
    private final Hooks hooks;
    private volatile boolean closed;

    private RuntimeProxy(ServerSocket server, String upstream, Hooks hooks) {
        this.server = server;
        int colon = upstream.lastIndexOf(':');
        this.upstreamHost = colon < 0 ? upstream : upstream.substring(0, colon);
        this.upstreamPort = colon < 0 ? 80 : Integer.parseInt(upstream.substring(colon + 1));
        this.hooks = hooks;
    }

    /** Whether {@code upstream} is a {@code host[:port]} the proxy can forward to. */
    static boolean forwardable(String upstream) {
        int colon = upstream.lastIndexOf(':');
        if (colon < 0) {
            return !upstream.isBlank();
        }
        try {
            int port = Integer.parseInt(upstream.substring(colon + 1));
            return colon > 0 && port > 0 && port < 65536;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Binds a free loopback port and listens: the child's connections wait in the backlog until
     * {@link #start} serves them, so the child can be spawned before the proxy is set up.
     */
    static ServerSocket listen() throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** {@code 127.0.0.1:port}: the child's {@code AWS_LAMBDA_RUNTIME_API}. */
    static String address(ServerSocket server) {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    /** Serves {@code server} (from {@link #listen}), forwarding to {@code upstream} ({@code host:port}). */
    static RuntimeProxy start(ServerSocket server, String upstream, Hooks hooks) {
        RuntimeProxy proxy = new RuntimeProxy(server, upstream, hooks);
        Thread acceptor = new Thread(proxy.new Acceptor(), "firetap-runtime-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    /** Listens on a free loopback port and forwards to {@code upstream} ({@code host:port}). */
    static RuntimeProxy start(String upstream, Hooks hooks) throws IOException {
        ServerSocket server = listen();
        try {
            return start(server, upstream, hooks);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** {@code 127.0.0.1:port}: the child's {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return address(server);
    }

    /** Accepts the child's connections, each served by a thread of its own (named classes: no lambda bootstrap). */
    private final class Acceptor implements Runnable {
        @Override
        public void run() {
            while (!closed) {
                try {
                    Socket child = server.accept();
                    child.setTcpNoDelay(true);
                    Thread t = new Thread(new Connection(child), "firetap-runtime-proxy-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    if (!closed) {
                        Diagnostics.warn("the Runtime API proxy stopped accepting: " + e.getMessage());
                    }
                    return;
                }
            }
        }
    }

    private final class Connection implements Runnable {
        private final Socket child;

        Connection(Socket child) {
            this.child = child;
        }

        @Override
        public void run() {
            serve(child);
        }
    }

    private void serve(Socket child) {
        Socket up = null;
        try (child) {
            HttpMessage.Input childIn = new HttpMessage.Input(child.getInputStream(), 16 * 1024);
            OutputStream childOut = new BufferedOutputStream(child.getOutputStream(), 16 * 1024);
            HttpMessage.Input upIn = null;
            OutputStream upOut = null;
            HttpMessage request;
            while ((request = HttpMessage.readRequest(childIn)) != null) {
                String[] parts = request.startLine.split(" ", 3);
                String method = parts[0];
                String path = parts.length > 1 ? parts[1] : "";
                if (request.expectsContinue()) {
                    // answered here, so the body comes at once; the expectation is not passed on
                    childOut.write(CONTINUE);
                    childOut.flush();
                }
                // a small body is read whole, so the request can go again on a fresh connection;
                // a large or chunked one streams through once
                boolean again = request.buffer(childIn);
                String result = resultOf(method, path);
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
                            request.writeTo(upOut, childIn, true);
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
                response.writeTo(childOut, upIn, keepAlive);
                if (response.wantsClose() || response.length == HttpMessage.UNTIL_CLOSE) {
                    closeQuietly(up);
                    up = null;
                }
                if (!keepAlive) {
                    return;
                }
            }
        } catch (IOException e) {
            if (!closed) {
                Diagnostics.warn("a Runtime API call through the proxy failed: " + e.getMessage());
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

    private void observeResponse(String method, String path, HttpMessage response) throws IOException {
        if (method.equals("GET") && path.startsWith(PREFIX + "invocation/next")
                && HttpMessage.status(response.startLine) == 200) {
            String id = response.header("Lambda-Runtime-Aws-Request-Id");
            if (id != null) {
                hooks.invocationStarted(id);
            }
        }
    }

    /** Closes {@code c} if there is one, ignoring a failure to close. */
    static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

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
