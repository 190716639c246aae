package io.firetap.bench.e2e;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The floor of a call to the destination: a {@code PutRecordBatch} of one record of a given size,
 * written whole on one kept-alive socket and its answer read, with nothing else — no signing, no
 * packing, no client library. What the same endpoint takes for a call in the same run, beside which
 * firetap's hold is judged (the endpoint's latency is a sleep, which a busy machine lengthens).
 */
final class PlainCall implements AutoCloseable {
    private final URI endpoint;
    private final byte[] request;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /** Calls to {@code endpoint} putting one record of {@code recordBytes} into {@code stream}. */
    PlainCall(URI endpoint, String stream, int recordBytes) {
        this.endpoint = endpoint;
        byte[] record = new byte[recordBytes];
        Arrays.fill(record, (byte) 'x');
        byte[] body = ("{\"DeliveryStreamName\":\"" + stream + "\",\"Records\":[{\"Data\":\""
                + Base64.getEncoder().encodeToString(record) + "\"}]}").getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST / HTTP/1.1\r\nHost: " + endpoint.getHost() + ":" + endpoint.getPort()
                + "\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Firehose_20150804.PutRecordBatch"
                + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        this.request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
    }

    /** One call; its time from the request's first byte to the answer's last, in nanoseconds. */
    long call() throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 5_000);
            socket.setSoTimeout(30_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }
        long start = System.nanoTime();
        out.write(request);
        out.flush();
        long length = 0;
        int status = -1;
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            if (status < 0) {
                status = Integer.parseInt(line.split(" ")[1]);
            } else if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        in.skipNBytes(length);
        long took = System.nanoTime() - start;
        if (status != 200) {
            throw new IOException("the endpoint answered " + status);
        }
        return took;
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the endpoint closed the connection");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
    }
}
