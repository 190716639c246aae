package io.firetap.testkit.s3;

import com.sun.net.httpserver.HttpExchange;
import io.firetap.testkit.aws.internal.LoopbackServer;
import io.firetap.testkit.fault.CallFault;
import io.firetap.testkit.fault.FaultKind;
import io.firetap.testkit.fault.Faults;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * S3 {@code PutObject} on loopback, path-style ({@code PUT /<bucket>/<key>}), for the real AWS SDK
 * v2 S3 client ({@code AWS_ENDPOINT_URL_S3}, path-style addressing). It decodes
 * {@code aws-chunked} bodies (the SDK's streaming signature and checksum trailers), keeps every
 * object, answers unknown buckets with {@code NoSuchBucket} and injects the testkit's faults as S3
 * shapes them ({@code SlowDown} 503, {@code InternalError} 500, resets, latency, outages).
 */
public final class S3Endpoint implements AutoCloseable {
    /** One stored object. */
    public record StoredObject(String bucket, String key, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final LoopbackServer server;
    private final Faults faults;
    private final Set<String> buckets;
    private final List<StoredObject> objects = new ArrayList<>();

    private S3Endpoint(Set<String> buckets, long seed) {
        this.buckets = Set.copyOf(buckets);
        this.server = new LoopbackServer(InetAddress.getLoopbackAddress(), 0, this::handle, "s3-endpoint");
        this.faults = new Faults(seed, server);
    }

    /** Starts an endpoint holding the given (empty) buckets. */
    public static S3Endpoint start(long seed, String... buckets) {
        S3Endpoint endpoint = new S3Endpoint(Set.of(buckets), seed);
        endpoint.server.start();
        return endpoint;
    }

    public URI endpointUri() {
        return URI.create("http://" + server.address().getHostAddress() + ":" + server.port());
    }

    public Faults faults() {
        return faults;
    }

    /** Every object stored, in the order the puts arrived. */
    public List<StoredObject> objects() {
        synchronized (objects) {
            return List.copyOf(objects);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw;
            try (InputStream in = exchange.getRequestBody()) {
                raw = in.readAllBytes();
            }
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("PUT")) {
                error(exchange, 405, "MethodNotAllowed", "only PutObject is served here");
                return;
            }
            String[] parts = path.substring(1).split("/", 2);
            if (parts.length < 2 || parts[1].isEmpty()) {
                error(exchange, 400, "InvalidRequest", "path-style PUT /<bucket>/<key> expected, got " + path);
                return;
            }
            CallFault fault = faults.nextCall();
            if (!fault.latency().isZero()) {
                try {
                    TimeUnit.NANOSECONDS.sleep(fault.latency().toNanos());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            FaultKind failure = fault.failure();
            if (failure == FaultKind.CONNECTION_RESET) {
                return;
            }
            if (failure == FaultKind.SERVER_ERROR) {
                error(exchange, 500, "InternalError", "We encountered an internal error. Please try again.");
                return;
            }
            if (failure != null && failure != FaultKind.RESPONSE_LOST) {
                error(exchange, 503, "SlowDown", "Please reduce your request rate.");
                return;
            }
            if (!buckets.contains(parts[0])) {
                error(exchange, 404, "NoSuchBucket", "The specified bucket does not exist");
                return;
            }
            byte[] body = isAwsChunked(exchange) ? dechunk(raw) : raw;
            synchronized (objects) {
                objects.add(new StoredObject(parts[0], java.net.URLDecoder.decode(parts[1].replace("+", "%2B"),
                        StandardCharsets.UTF_8), body));
            }
            if (failure == FaultKind.RESPONSE_LOST) {
                return;
            }
            exchange.getResponseHeaders().set("ETag", "\"" + md5(body) + "\"");
            exchange.sendResponseHeaders(200, -1);
        }
    }

    private static boolean isAwsChunked(HttpExchange exchange) {
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        String sha = exchange.getRequestHeaders().getFirst("x-amz-content-sha256");
        return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("aws-chunked")
                || sha != null && sha.startsWith("STREAMING-");
    }

    /** {@code <hex size>[;chunk-signature=…]\r\n<data>\r\n} … {@code 0…\r\n} then trailers. */
    static byte[] dechunk(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        int at = 0;
        while (at < raw.length) {
            int eol = indexOfCrlf(raw, at);
            if (eol < 0) {
                throw new IOException("aws-chunked body without a chunk header");
            }
            String header = new String(raw, at, eol - at, StandardCharsets.US_ASCII);
            int semi = header.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? header : header.substring(0, semi)).trim(), 16);
            at = eol + 2;
            if (size == 0) {
                break;
            }
            out.write(raw, at, size);
            at += size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOfCrlf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static String md5(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            return "0";
        }
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>firetap</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
        exchange.sendResponseHeaders(status, xml.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(xml);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
