package io.firetap.wrapper;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1.1 request or response, read whole (the Runtime API's messages are small and bounded)
 * and written back with a {@code Content-Length}: just enough HTTP for a transparent proxy.
 * Hop-by-hop headers are dropped; every other header keeps its name, value and order.
 */
final class HttpMessage {
    /** The Runtime API's largest body is the 6 MB response payload; leave room for the envelope. */
    static final int MAX_BODY = 32 * 1024 * 1024;
    private static final int MAX_LINE = 64 * 1024;

    final String startLine;
    final List<String[]> headers;
    final byte[] body;

    HttpMessage(String startLine, List<String[]> headers, byte[] body) {
        this.startLine = startLine;
        this.headers = headers;
        this.body = body;
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

    /** Reads a request; {@code null} when the connection ends cleanly before one starts. */
    static HttpMessage readRequest(InputStream in) throws IOException {
        String line = readLine(in, true);
        if (line == null) {
            return null;
        }
        return read(in, line, true, false);
    }

    /** Reads the response to a request made with {@code method}. */
    static HttpMessage readResponse(InputStream in, String method) throws IOException {
        String line = readLine(in, false);
        int status = status(line);
        boolean noBody = method.equals("HEAD") || status / 100 == 1 || status == 204 || status == 304;
        return read(in, line, false, noBody);
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

    private static HttpMessage read(InputStream in, String startLine, boolean request, boolean noBody) throws IOException {
        List<String[]> headers = new ArrayList<>();
        String line;
        while (!(line = readLine(in, false)).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line");
            }
            headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        HttpMessage head = new HttpMessage(startLine, headers, new byte[0]);
        if (noBody) {
            return head;
        }
        String encoding = head.header("Transfer-Encoding");
        String length = head.header("Content-Length");
        byte[] body;
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = readChunked(in, headers);
        } else if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw new IOException("bad Content-Length: " + length, e);
            }
            if (n < 0 || n > MAX_BODY) {
                throw new IOException("body of " + n + " bytes is too large");
            }
            body = in.readNBytes((int) n);
            if (body.length != n) {
                throw new EOFException("connection closed inside a body");
            }
        } else if (request) {
            body = new byte[0];
        } else {
            body = in.readAllBytes();
        }
        return new HttpMessage(startLine, headers, body);
    }

    /** A chunked body, whole; trailer fields are kept as headers so nothing is lost on the way. */
    private static byte[] readChunked(InputStream in, List<String[]> headers) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in, false);
            int semi = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size", e);
            }
            if (size == 0) {
                break;
            }
            if (body.size() + (long) size > MAX_BODY) {
                throw new IOException("chunked body too large");
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) {
                throw new EOFException("connection closed inside a chunk");
            }
            body.writeBytes(chunk);
            readLine(in, false);
        }
        String trailer;
        while (!(trailer = readLine(in, false)).isEmpty()) {
            int colon = trailer.indexOf(':');
            if (colon > 0) {
                headers.add(new String[] {trailer.substring(0, colon).trim(), trailer.substring(colon + 1).trim()});
            }
        }
        return body.toByteArray();
    }

    /** Writes the message with exactly its body's length; hop-by-hop headers are not forwarded. */
    void writeTo(OutputStream out, boolean keepAlive) throws IOException {
        StringBuilder head = new StringBuilder(256).append(startLine).append("\r\n");
        for (String[] h : headers) {
            if (!hopByHop(h[0])) {
                head.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
        }
        head.append("Content-Length: ").append(body.length).append("\r\n");
        if (!keepAlive) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static boolean hopByHop(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "connection", "keep-alive", "transfer-encoding", "content-length", "te", "trailer",
                    "upgrade", "proxy-connection" -> true;
            default -> false;
        };
    }

    /** {@code Connection: close} was asked for. */
    boolean wantsClose() {
        String c = header("Connection");
        return c != null && c.toLowerCase(Locale.ROOT).contains("close");
    }

    private static String readLine(InputStream in, boolean eofAllowed) throws IOException {
        if (in instanceof Input) {
            return ((Input) in).readLine(eofAllowed);
        }
        StringBuilder sb = new StringBuilder(64);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            if (sb.length() >= MAX_LINE) {
                throw new IOException("header line too long");
            }
            sb.append((char) b);
        }
        if (eofAllowed && sb.length() == 0) {
            return null;
        }
        throw new EOFException("connection closed inside a message head");
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
