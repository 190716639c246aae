package io.firetap.wrapper;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1.1 request or response passing through the proxy: its head is read whole, its body is
 * either read whole (small bodies with a length, so a request can be sent again on a fresh
 * connection) or streamed from the input as it arrives — a 6 MB response or a streamed
 * ({@code Transfer-Encoding: chunked}) one never has to fit in the wrapper's small heap, and a
 * streamed response reaches Lambda chunk by chunk, not at its end. Hop-by-hop headers are dropped
 * and the framing is written anew; every other header keeps its name, value and order, and the
 * trailers of a chunked body are passed on as trailers.
 */
final class HttpMessage {
    /** {@link #length}: the body is chunked and is passed on chunked. */
    static final long CHUNKED = -1;
    /** {@link #length}: a response body that ends when the connection does. */
    static final long UNTIL_CLOSE = -2;
    /** {@link #length}: a response that has no body by definition (to HEAD; 1xx, 204, 304). */
    static final long NO_BODY = -3;
    /** Bodies with a length up to this are read whole before they are forwarded; longer ones stream. */
    static final int BUFFER_LIMIT = 256 * 1024;
    private static final int MAX_LINE = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    final String startLine;
    final List<String[]> headers;
    /** The body's length in bytes, or {@link #CHUNKED}, {@link #UNTIL_CLOSE}, {@link #NO_BODY}. */
    final long length;
    private byte[] body;

    private HttpMessage(String startLine, List<String[]> headers, long length) {
        this.startLine = startLine;
        this.headers = headers;
        this.length = length;
        this.body = length == 0 || length == NO_BODY ? new byte[0] : null;
    }

    /** The first value of the header {@code name} (any case), or {@code null}. */
    String header(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    /** Reads a request's head; {@code null} when the connection ends cleanly before one starts. */
    static HttpMessage readRequest(Input in) throws IOException {
        String line = in.readLine(true);
        if (line == null) {
            return null;
        }
        List<String[]> headers = readHeaders(in);
        long length = framing(headers, false);
        return new HttpMessage(line, headers, length == UNTIL_CLOSE ? 0 : length);
    }

    /**
     * Reads the head of the final response to a request made with {@code method}; interim (1xx)
     * responses before it are read and dropped: the proxy answers a client's
     * {@code Expect: 100-continue} itself and does not pass the expectation on.
     */
    static HttpMessage readResponse(Input in, String method) throws IOException {
        while (true) {
            String line = in.readLine(false);
            int status = status(line);
            List<String[]> headers = readHeaders(in);
            if (status / 100 == 1 && status != 101) {
                continue;
            }
            boolean noBody = method.equals("HEAD") || status / 100 == 1 || status == 204 || status == 304;
            return new HttpMessage(line, headers, noBody ? NO_BODY : framing(headers, true));
        }
    }

    static int status(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status line: " + statusLine, e);
        }
    }

    private static List<String[]> readHeaders(Input in) throws IOException {
        List<String[]> headers = new ArrayList<>();
        String line;
        while (!(line = in.readLine(false)).isEmpty()) {
            headers.add(field(line));
        }
        return headers;
    }

    private static String[] field(String line) throws IOException {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new IOException("malformed header line");
        }
        return new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()};
    }

    private static long framing(List<String[]> headers, boolean response) throws IOException {
        String encoding = null;
        String length = null;
        for (String[] h : headers) {
            if (encoding == null && h[0].equalsIgnoreCase("Transfer-Encoding")) {
                encoding = h[1];
            } else if (length == null && h[0].equalsIgnoreCase("Content-Length")) {
                length = h[1];
            }
        }
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return CHUNKED;
        }
        if (length != null) {
            try {
                long n = Long.parseLong(length.trim());
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IOException("bad Content-Length: " + length);
        }
        return response ? UNTIL_CLOSE : 0;
    }

    /** Whether the sender waits for {@code 100 Continue} before it sends the body. */
    boolean expectsContinue() {
        String expect = header("Expect");
        return expect != null && expect.toLowerCase(Locale.ROOT).contains("100-continue")
                && (length > 0 || length == CHUNKED);
    }

    /** Reads the body whole if it has a length of at most {@link #BUFFER_LIMIT}; {@code true} if it is in memory then. */
    boolean buffer(Input in) throws IOException {
        if (body == null && length > 0 && length <= BUFFER_LIMIT) {
            byte[] b = in.readNBytes((int) length);
            if (b.length != length) {
                throw new EOFException("connection closed inside a body");
            }
            body = b;
        }
        return body != null;
    }

    /**
     * Writes the message: the head with fresh framing, then the body, from memory or streamed from
     * {@code in} (where the rest of this message comes from), flushing whenever nothing more has
     * arrived, so a streamed body is passed on as it comes. With {@code keepAlive} false, or a body
     * that ends with the connection, the head says {@code Connection: close}.
     */
    void writeTo(OutputStream out, Input in, boolean keepAlive) throws IOException {
        StringBuilder head = new StringBuilder(256).append(startLine).append("\r\n");
        for (String[] h : headers) {
            if (!dropped(h[0])) {
                head.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
        }
        if (length >= 0) {
            head.append("Content-Length: ").append(length).append("\r\n");
        } else if (length == CHUNKED) {
            head.append("Transfer-Encoding: chunked\r\n");
        }
        if (!keepAlive || length == UNTIL_CLOSE) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        } else if (length >= 0) {
            in.copyTo(out, length);
        } else if (length == CHUNKED) {
            copyChunked(in, out);
        } else if (length == UNTIL_CLOSE) {
            in.copyTo(out, Long.MAX_VALUE);
        }
        out.flush();
    }

    /** Passes a chunked body on chunk by chunk (extensions dropped), then its trailers. */
    private static void copyChunked(Input in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = in.readLine(false);
            int semi = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size", e);
            }
            if (size < 0) {
                throw new IOException("bad chunk size");
            }
            if (size == 0) {
                break;
            }
            out.write(Long.toHexString(size).getBytes(StandardCharsets.ISO_8859_1));
            out.write(CRLF);
            in.copyTo(out, size);
            if (!in.readLine(false).isEmpty()) {
                throw new IOException("malformed chunk: no line end after its data");
            }
            out.write(CRLF);
            in.flushIfIdle(out);
        }
        out.write('0');
        out.write(CRLF);
        String trailer;
        while (!(trailer = in.readLine(false)).isEmpty()) {
            String[] f = field(trailer);
            out.write((f[0] + ": " + f[1]).getBytes(StandardCharsets.ISO_8859_1));
            out.write(CRLF);
        }
        out.write(CRLF);
    }

    /**
     * Headers not passed on: the hop-by-hop ones (the framing is written anew) and {@code Expect},
     * which the proxy has already answered.
     */
    private static boolean dropped(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "connection", "keep-alive", "transfer-encoding", "content-length", "te", "upgrade",
                    "proxy-connection", "expect" -> true;
            default -> false;
        };
    }

    /** {@code Connection: close} was asked for. */
    boolean wantsClose() {
        String c = header("Connection");
        return c != null && c.toLowerCase(Locale.ROOT).contains("close");
    }

    /**
     * A buffered input for one connection, read by one thread: unlike {@link java.io.BufferedInputStream}
     * no lock per byte, and a message head's lines are found by scanning the buffer, not byte by byte.
     */
    static final class Input extends InputStream {
        private final InputStream in;
        private final byte[] buf;
        private int pos;
        private int limit;

        Input(InputStream in, int size) {
            this.in = in;
            this.buf = new byte[size];
        }

        private boolean fill() throws IOException {
            if (pos == limit) {
                pos = 0;
                limit = 0;
            }
            int n = in.read(buf, limit, buf.length - limit);
            if (n <= 0) {
                return false;
            }
            limit += n;
            return true;
        }

        @Override
        public int read() throws IOException {
            if (pos == limit && !fill()) {
                return -1;
            }
            return buf[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos == limit) {
                if (len >= buf.length) {
                    return in.read(b, off, len);
                }
                if (!fill()) {
                    return -1;
                }
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() throws IOException {
            return limit - pos + in.available();
        }

        /**
         * Copies {@code n} bytes to {@code out} as they arrive, flushing {@code out} before every wait
         * for more; {@link Long#MAX_VALUE} copies to the end of the input.
         */
        void copyTo(OutputStream out, long n) throws IOException {
            long left = n;
            while (left > 0) {
                if (pos == limit) {
                    out.flush();
                    if (!fill()) {
                        if (n == Long.MAX_VALUE) {
                            return;
                        }
                        throw new EOFException("connection closed inside a body");
                    }
                }
                int k = (int) Math.min(left, limit - pos);
                out.write(buf, pos, k);
                pos += k;
                left -= k;
            }
        }

        /** Flushes {@code out} when nothing more of the input is buffered (the next read would wait). */
        void flushIfIdle(OutputStream out) throws IOException {
            if (pos == limit) {
                out.flush();
            }
        }

        /** A line without its {@code \r\n} (ISO-8859-1); {@code null} at a clean end when {@code eofAllowed}. */
        String readLine(boolean eofAllowed) throws IOException {
            StringBuilder longer = null;
            while (true) {
                for (int i = pos; i < limit; i++) {
                    if (buf[i] == '\n') {
                        int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                        String part = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
                        boolean crSplit = end == i && i == pos && longer != null && longer.length() > 0
                                && longer.charAt(longer.length() - 1) == '\r';
                        pos = i + 1;
                        if (longer == null) {
                            return part;
                        }
                        if (crSplit) {
                            longer.setLength(longer.length() - 1);
                        }
                        return longer.append(part).toString();
                    }
                }
                // no end of line in the buffer: keep what there is and read on
                if (limit > pos) {
                    if (longer == null) {
                        longer = new StringBuilder(Math.max(64, 2 * (limit - pos)));
                    }
                    longer.append(new String(buf, pos, limit - pos, StandardCharsets.ISO_8859_1));
                    pos = limit;
                    if (longer.length() > MAX_LINE) {
                        throw new IOException("header line too long");
                    }
                }
                if (!fill()) {
                    if (eofAllowed && longer == null) {
                        return null;
                    }
                    throw new EOFException("connection closed inside a message head");
                }
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
