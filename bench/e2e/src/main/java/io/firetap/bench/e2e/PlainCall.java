package io.firetap.bench.e2e;

import io.firetap.wrapper.internal.HttpMessage;
import java.io.IOException;
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
    private HttpMessage.Input in;
    private OutputStream out;

    /** Calls to {@code endpoint} putting one record of {@code recordBytes} into {@code stream}. */
    PlainCall(URI endpoint, String stream, int recordBytes) {
        this.endpoint = endpoint;
        byte[] record = new byte[recordBytes];
        Arrays.fill(record, (byte) 'x');
        byte[] body = ("{\"DeliveryStreamName\":\"" + stream + "\",\"Records\":[{\"Data\":\""
                + Base64.getEncoder().encodeToString(record) + "\"}]}").getBytes(StandardCharsets.UTF_8);
        this.request = HttpMessage.request("POST", "/", endpoint.getHost() + ":" + endpoint.getPort(),
                new String[] {"Content-Type", "application/x-amz-json-1.1",
                        "X-Amz-Target", "Firehose_20150804.PutRecordBatch"}, body);
    }

    /** One call; its time from the request's first byte to the answer's last, in nanoseconds. */
    long call() throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 5_000);
            socket.setSoTimeout(30_000);
            in = new HttpMessage.Input(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
        }
        long start = System.nanoTime();
        out.write(request);
        out.flush();
        HttpMessage answer = HttpMessage.readResponse(in, "POST");
        answer.readBody(in, Integer.MAX_VALUE);
        long took = System.nanoTime() - start;
        if (answer.status() != 200) {
            throw new IOException("the endpoint answered " + answer.startLine);
        }
        return took;
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
    }
}
