package io.firetap.extension;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A minimal HTTP/1.1 client for the local Lambda APIs, on a plain {@link Socket}.
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
final class LoopbackHttp {
    /** A response: status, headers (names lower-cased, last value wins) and the whole body. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final InetSocketAddress address;
    private final String hostHeader;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();

    LoopbackHttp(String host, int port) throws IOException {
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
    Response exchange(String method, String path, String[] headers, byte[] body, int connectTimeoutMs,
            int readTimeoutMs) throws IOException {
        byte[] request = encode(method, path, headers, body);
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
    void closeIdle() {
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            c.close();
        }
    }

    private byte[] encode(String method, String path, String[] headers, byte[] body) {
        StringBuilder head = new StringBuilder(160);
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            String value = headers[i + 1];
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header " + headers[i] + " holds a line break");
            }
            head.append(headers[i]).append(": ").append(value).append("\r\n");
        }
        if (body != null || !method.equals("GET")) {
            head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
        if (body == null || body.length == 0) {
            return h;
        }
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** A kept connection turned out closed before any byte of the response: safe to send again. */
    private static final class StaleConnectionException extends IOException {
        private static final long serialVersionUID = 1L;
    }

    private final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        private Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 8192);
            this.out = socket.getOutputStream();
        }

        Response exchange(byte[] request, String method, int readTimeoutMs) throws IOException {
            boolean keep = false;
            try {
                socket.setSoTimeout(readTimeoutMs);
                int first;
                try {
                    out.write(request);
                    out.flush();
                    first = in.read();
                } catch (SocketTimeoutException e) {
                    throw e;
                } catch (IOException e) {
                    // reset or broken pipe before any answer: the server dropped an idle connection
                    first = -1;
                }
                if (first < 0) {
                    throw new StaleConnectionException();
                }
                String statusLine = line(first);
                if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
                    throw new IOException("not an HTTP response: " + printable(statusLine));
                }
                int status = parseStatus(statusLine);
                Map<String, String> headers = new HashMap<>();
                int headBytes = statusLine.length();
                for (String l = line(in.read()); !l.isEmpty(); l = line(in.read())) {
                    headBytes += l.length();
                    if (headBytes > MAX_HEAD_BYTES) {
                        throw new IOException("response headers longer than " + MAX_HEAD_BYTES + " bytes");
                    }
                    int colon = l.indexOf(':');
                    if (colon > 0) {
                        headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
                    }
                }
                String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
                keep = statusLine.startsWith("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
                byte[] body;
                String length = headers.get("content-length");
                boolean noBody = method.equals("HEAD") || status / 100 == 1 || status == 204 || status == 304;
                if (noBody) {
                    body = new byte[0];
                } else if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
                    body = chunked();
                } else if (length != null) {
                    body = fixed(parseLength(length));
                } else {
                    body = toEnd();
                    keep = false;
                }
                return new Response(status, headers, body);
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

        private String line(int first) throws IOException {
            StringBuilder b = new StringBuilder(64);
            int c = first;
            while (true) {
                if (c < 0) {
                    throw new EOFException("the connection ended inside the response headers");
                }
                if (c == '\n') {
                    break;
                }
                if (c != '\r') {
                    if (b.length() >= MAX_HEAD_BYTES) {
                        throw new IOException("a response header line longer than " + MAX_HEAD_BYTES + " bytes");
                    }
                    b.append((char) c);
                }
                c = in.read();
            }
            return b.toString();
        }

        private byte[] fixed(long length) throws IOException {
            if (length > MAX_BODY_BYTES) {
                throw new IOException("a response body of " + length + " bytes is over the " + MAX_BODY_BYTES + " limit");
            }
            byte[] body = in.readNBytes((int) length);
            if (body.length != length) {
                throw new EOFException("the connection ended after " + body.length + " of " + length + " body bytes");
            }
            return body;
        }

        private byte[] chunked() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream(256);
            while (true) {
                String sizeLine = line(in.read());
                int semi = sizeLine.indexOf(';');
                long size;
                try {
                    size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("a malformed chunk size: " + printable(sizeLine));
                }
                if (size == 0) {
                    while (!line(in.read()).isEmpty()) {
                        // trailers: ignored
                    }
                    return body.toByteArray();
                }
                if (size < 0 || body.size() + size > MAX_BODY_BYTES) {
                    throw new IOException("a chunked response body over the " + MAX_BODY_BYTES + " byte limit");
                }
                body.write(fixed(size));
                if (!line(in.read()).isEmpty()) {
                    throw new IOException("a chunk not followed by CRLF");
                }
            }
        }

        private byte[] toEnd() throws IOException {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new IOException("a response body over the " + MAX_BODY_BYTES + " byte limit");
            }
            return body;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private static int parseStatus(String statusLine) throws IOException {
        try {
            return Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status line: " + printable(statusLine));
        }
    }

    private static long parseLength(String value) throws IOException {
        try {
            long n = Long.parseLong(value.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IOException("a malformed Content-Length: " + printable(value));
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        StringBuilder b = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
