package io.firetap.wrapper.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * firetap's one HTTP/1.1 codec, for the local Lambda APIs: the Runtime API proxy passes messages
 * through it, and the extension's Extensions API client frames its calls with it. Internal, not
 * for public use.
 *
 * <p>One HTTP/1.1 request or response: its head is read whole, its body is
 * either read whole (small bodies with a length, so a request can be sent again on a fresh
 * connection) or streamed from the input as it arrives — a 6 MB response or a streamed
 * ({@code Transfer-Encoding: chunked}) one never has to fit in the wrapper's small heap, and a
 * streamed response reaches Lambda chunk by chunk, not at its end. Hop-by-hop headers are dropped
 * and the framing is written anew; every other header keeps its name, value and order, and the
 * trailers of a chunked body are passed on as trailers.
 */
public final class HttpMessage {
    /** {@link #length}: the body is chunked and is passed on chunked. */
    public static final long CHUNKED = -1;
    /** {@link #length}: a response body that ends when the connection does. */
    public static final long UNTIL_CLOSE = -2;
    /** {@link #length}: a response that has no body by definition (to HEAD; 1xx, 204, 304). */
    public static final long NO_BODY = -3;
    /** Bodies with a length up to this are read whole before they are forwarded; longer ones stream. */
    public static final int BUFFER_LIMIT = 256 * 1024;
    private static final int MAX_LINE = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    /** The request or status line, without its line end. */
    public final String startLine;
    /** Name and value of each header, in the order they came. */
    public final List<String[]> headers;
    /** The body's length in bytes, or {@link #CHUNKED}, {@link #UNTIL_CLOSE}, {@link #NO_BODY}. */
    public final long length;
    private byte[] body;

    private HttpMessage(String startLine, List<String[]> headers, long length) {
        this.startLine = startLine;
        this.headers = headers;
        this.length = length;
        this.body = length == 0 || length == NO_BODY ? new byte[0] : null;
    }

    /** The first value of the header {@code name} (any case), or {@code null}. */
    public String header(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    /** Reads a request's head; {@code null} when the connection ends cleanly before one starts. */
    public static HttpMessage readRequest(Input in) throws IOException {
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
    public static HttpMessage readResponse(Input in, String method) throws IOException {
        HttpMessage response = readResponseOrNull(in, method);
        if (response == null) {
            throw new EOFException("connection closed before a response");
        }
        return response;
    }

    /** {@link #readResponse}, or {@code null} when the connection ended before the response's first byte. */
    public static HttpMessage readResponseOrNull(Input in, String method) throws IOException {
        while (true) {
            String line = in.readLine(true);
            if (line == null) {
                return null;
            }
            int status = status(line);
            List<String[]> headers = readHeaders(in);
            if (status / 100 == 1 && status != 101) {
                continue;
            }
            boolean noBody = method.equals("HEAD") || status / 100 == 1 || status == 204 || status == 304;
            return new HttpMessage(line, headers, noBody ? NO_BODY : framing(headers, true));
        }
    }

    /**
     * One request, head and body, in one array (so it goes out in one write): a {@code Host} header,
     * the given ones, and a {@code Content-Length} for any body and for every method but GET.
     *
     * @param headers name, value, name, value, …; a value with a line break is refused
     */
    public static byte[] request(String method, String path, String host, String[] headers, byte[] body) {
        StringBuilder head = new StringBuilder(160);
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
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

    /** A response's status code. */
    public int status() throws IOException {
        return status(startLine);
    }

    /**
     * Whether the connection may carry another exchange after this response: HTTP/1.1 unless it
     * says {@code Connection: close}, HTTP/1.0 only with {@code keep-alive}; never after a body that
     * ends with the connection.
     */
    public boolean keepAlive() {
        if (length == UNTIL_CLOSE) {
            return false;
        }
        String c = header("Connection");
        String connection = c == null ? "" : c.toLowerCase(Locale.ROOT);
        return startLine.startsWith("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
    }

    /**
     * Reads the whole body from {@code in} (where the rest of this message comes from), chunked or
     * not; the trailers of a chunked body are read and dropped.
     *
     * @throws IOException when the body is longer than {@code maxBytes}, or malformed
     */
    public byte[] readBody(Input in, int maxBytes) throws IOException {
        if (body != null) {
            return body;
        }
        if (length > maxBytes) {
            throw new BodyTooLargeException("a body of " + length + " bytes is over the " + maxBytes + " byte limit");
        }
        if (length >= 0) {
            // straight into its array: readNBytes(int) would gather it in pieces and copy them
            byte[] b = new byte[(int) length];
            int n = in.readNBytes(b, 0, b.length);
            if (n != length) {
                throw new EOFException("connection closed inside a body, after " + n + " of " + length + " body bytes");
            }
            return b;
        }
        if (length == UNTIL_CLOSE) {
            byte[] b = in.readNBytes(maxBytes + 1);
            if (b.length > maxBytes) {
                throw new BodyTooLargeException("a body over the " + maxBytes + " byte limit");
            }
            return b;
        }
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream(256);
        long size;
        while ((size = chunkSize(in)) > 0) {
            if (all.size() + size > maxBytes) {
                throw new BodyTooLargeException("a chunked body over the " + maxBytes + " byte limit");
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length != size) {
                throw new EOFException("connection closed inside a chunk");
            }
            all.writeBytes(chunk);
            if (!in.readLine(false).isEmpty()) {
                throw new IOException("malformed chunk: no line end after its data");
            }
        }
        while (!in.readLine(false).isEmpty()) {
            // trailers: not needed by a whole-body reader
        }
        return all.toByteArray();
    }

    /** A body longer than the reader's limit; the rest of it is left unread. */
    public static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException(String message) {
            super(message);
        }
    }

    /** Reads a chunk-size line (extensions dropped). */
    private static long chunkSize(Input in) throws IOException {
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
        return size;
    }

    /** The code in a status line. */
    public static int status(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: " + printable(statusLine));
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status line: " + printable(statusLine), e);
        }
    }

    /** At most 80 characters of {@code s}, control characters shown as {@code ?}: safe in a message. */
    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        StringBuilder b = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
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
    public boolean expectsContinue() {
        String expect = header("Expect");
        return expect != null && expect.toLowerCase(Locale.ROOT).contains("100-continue")
                && (length > 0 || length == CHUNKED);
    }

    /** Reads the body whole if it has a length of at most {@link #BUFFER_LIMIT}; {@code true} if it is in memory then. */
    public boolean buffer(Input in) throws IOException {
        if (body == null && length > 0 && length <= BUFFER_LIMIT) {
            body = readBody(in, BUFFER_LIMIT);
        }
        return body != null;
    }

    /**
     * Writes the message: the head with fresh framing, then the body, from memory or streamed from
     * {@code in} (where the rest of this message comes from), flushing whenever nothing more has
     * arrived, so a streamed body is passed on as it comes. With {@code keepAlive} false, or a body
     * that ends with the connection, the head says {@code Connection: close}.
     */
    public void writeTo(OutputStream out, Input in, boolean keepAlive) throws IOException {
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
        long size;
        while ((size = chunkSize(in)) > 0) {
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
    public boolean wantsClose() {
        String c = header("Connection");
        return c != null && c.toLowerCase(Locale.ROOT).contains("close");
    }

    /**
     * A buffered input for one connection, read by one thread: unlike {@link java.io.BufferedInputStream}
     * no lock per byte, and a message head's lines are found by scanning the buffer, not byte by byte.
     */
    public static final class Input extends InputStream {
        private final InputStream in;
        private final byte[] buf;
        private int pos;
        private int limit;

        public Input(InputStream in, int size) {
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
        public void copyTo(OutputStream out, long n) throws IOException {
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

        /**
         * Waits until at least one byte is buffered, without consuming it: {@code false} when the
         * input ends first. Lets a server wait for a connection's next request with one timeout and
         * read it with another.
         */
        public boolean awaitData() throws IOException {
            return pos < limit || fill();
        }

        /** Flushes {@code out} when nothing more of the input is buffered (the next read would wait). */
        public void flushIfIdle(OutputStream out) throws IOException {
            if (pos == limit) {
                out.flush();
            }
        }

        /** A line without its {@code \r\n} (ISO-8859-1); {@code null} at a clean end when {@code eofAllowed}. */
        public String readLine(boolean eofAllowed) throws IOException {
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
