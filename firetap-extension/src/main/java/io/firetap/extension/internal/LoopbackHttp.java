package io.firetap.extension.internal;

import io.firetap.wrapper.internal.HttpMessage;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A minimal HTTP/1.1 client for the local Lambda APIs, on a plain {@link Socket} and firetap's one
 * HTTP/1.1 codec ({@link HttpMessage}, which the Runtime API proxy uses too).
 *
 * <p>Why not {@code HttpURLConnection}: registering is the first thing on every cold start, and
 * the JDK's client loads a few hundred classes (protocol handlers, proxy and authentication
 * caches, platform logging, regular expressions) before its first byte; it also writes the
 * headers and the body of a request separately, which on a socket without {@code TCP_NODELAY}
 * can cost a delayed-acknowledgement round. This client writes each request in one write on a
 * {@code TCP_NODELAY} socket and reads responses framed by {@code Content-Length}, chunked
 * encoding or the end of the connection. Idle connections are kept for the next call; a kept
 * connection the server closed meanwhile is replaced once, transparently.
 *
 * <p>Thread-safe: each call uses its own connection (taken from the idle ones or opened).
 */
public final class LoopbackHttp {
    /** A response: status, headers (names lower-cased, last value wins) and the whole body. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final InetSocketAddress address;
    private final String hostHeader;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();

    public LoopbackHttp(String host, int port) throws IOException {
        this.address = new InetSocketAddress(InetAddress.getByName(host), port);
        this.hostHeader = (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * One request and its response.
     *
     * @param headers       name, value, name, value, ...
     * @param body          the request body, or {@code null} for none
     * @param readTimeoutMs 0 waits for the response without bound (a long poll)
     */
    public Response exchange(String method, String path, String[] headers, byte[] body, int connectTimeoutMs,
            int readTimeoutMs) throws IOException {
        byte[] request = HttpMessage.request(method, path, hostHeader, headers, body);
        Connection c = idle.pollFirst();
        if (c != null) {
            try {
                return c.exchange(request, method, readTimeoutMs);
            } catch (StaleConnectionException e) {
                c.close();
            }
        }
        c = open(connectTimeoutMs);
        try {
            return c.exchange(request, method, readTimeoutMs);
        } catch (StaleConnectionException e) {
            c.close();
            throw new EOFException("the server closed the connection without answering " + method + " " + path);
        }
    }

    private Connection open(int connectTimeoutMs) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(address, Math.max(1, connectTimeoutMs));
            return new Connection(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Closes the idle connections. */
    public void closeIdle() {
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            c.close();
        }
    }

    /** A kept connection turned out closed before any byte of the response: safe to send again. */
    private static final class StaleConnectionException extends IOException {
        private static final long serialVersionUID = 1L;
    }

    private final class Connection {
        private final Socket socket;
        private final HttpMessage.Input in;
        private final OutputStream out;

        private Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new HttpMessage.Input(socket.getInputStream(), 8192);
            this.out = socket.getOutputStream();
        }

        Response exchange(byte[] request, String method, int readTimeoutMs) throws IOException {
            boolean keep = false;
            try {
                socket.setSoTimeout(readTimeoutMs);
                HttpMessage response;
                try {
                    out.write(request);
                    out.flush();
                    response = HttpMessage.readResponseOrNull(in, method);
                } catch (SocketTimeoutException e) {
                    throw e;
                } catch (java.net.SocketException e) {
                    // reset or broken pipe before any answer: the server dropped an idle connection
                    response = null;
                }
                if (response == null) {
                    throw new StaleConnectionException();
                }
                Map<String, String> headers = new HashMap<>();
                for (String[] h : response.headers) {
                    headers.put(h[0].toLowerCase(Locale.ROOT), h[1]);
                }
                byte[] body = response.readBody(in, MAX_BODY_BYTES);
                keep = response.keepAlive();
                return new Response(response.status(), headers, body);
            } catch (SocketTimeoutException e) {
                keep = false;
                throw new SocketTimeoutException("no answer within " + readTimeoutMs + " ms");
            } catch (IOException | RuntimeException e) {
                keep = false;
                throw e;
            } finally {
                if (keep) {
                    idle.offerFirst(this);
                } else {
                    close();
                }
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
