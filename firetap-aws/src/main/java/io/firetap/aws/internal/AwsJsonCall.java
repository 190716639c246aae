package io.firetap.aws.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.firetap.aws.AwsClientSettings;
import io.firetap.aws.AwsHttpClient;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AWS JSON 1.1 operation ({@code PutRecordBatch}, {@code PutRecords}) called without the SDK's
 * client: {@link AwsHttpClient#DIRECT}. The sink writes the request body (as it does for the SDK,
 * see {@link PreparedBody}); this signs it with {@link SigV4} and the key variables, POSTs it on the
 * JDK's {@code HttpURLConnection} (its keep-alive cache reuses the connection), and returns the
 * answer's JSON or fails with an {@link AwsErrorResponse} or an {@code IOException}, which
 * {@link Refusals} classes as it classes the SDK's exceptions.
 *
 * <p>Why a sink may bypass the SDK's client here: for these calls the SDK only signed, sent and
 * parsed — the body was already the sink's — and building and running its client pipeline
 * (endpoint-rules engine, interceptor chain, marshallers, metrics) was most of the extension's cold
 * start, memory and per-call CPU (README, "Which HTTP transport, and why"). What the SDK also did is
 * kept: no retries of its own (the pipeline retries the failed entries) beyond the JDK's: it sends a
 * buffered request ({@link #BUFFERED_BODY_LIMIT}) once more, on a fresh connection, when its
 * connection fails before the answer's headers are in (most often a kept-alive connection the server
 * had closed; a call may then reach the endpoint twice, as a pipeline retry after a lost answer may),
 * every call bounded by
 * {@code FIRETAP_SEND_TIMEOUT} — the socket's read timeout, and a timer that aborts the connection
 * at the deadline, whatever it is doing (connecting, writing to an endpoint that stopped reading,
 * waiting) — and a connect timeout of {@link AwsClientSettings#CONNECT_TIMEOUT}.
 *
 * <p>One caller at a time (the sink's pipeline worker): the call runs on the calling thread and the
 * returned future is complete on return.
 */
public final class AwsJsonCall {
    private static final Logger LOG = LoggerFactory.getLogger(AwsJsonCall.class);
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final int WARM_UP_MILLIS = 3_000;
    /**
     * The largest body sent buffered rather than streamed. Before it reuses a kept-alive connection
     * for a streamed {@code POST}, the JDK probes it with a read that times out after 1 ms, so every
     * streamed call pays a millisecond and an exception; a buffered one is a copy of the body, and a
     * connection the server has closed is found by the send instead (the JDK then sends once more on
     * a fresh one). An invocation's call is a few KB to tens of KB; a full batch (up to 4 MiB, 5.6 MB
     * as base64) is streamed: its transfer dwarfs the millisecond, and a copy that size would weigh
     * on the extension's small heap.
     */
    private static final int BUFFERED_BODY_LIMIT = 256 * 1024;

    private final URL url;
    private final String target;
    private final long callTimeoutMillis;
    private final SigV4 signer;

    private AwsJsonCall(URL url, String target, Duration callTimeout, SigV4 signer) {
        this.url = url;
        this.target = target;
        this.callTimeoutMillis = Math.max(1, callTimeout.toMillis());
        this.signer = signer;
    }

    /**
     * The operation {@code target} (the {@code X-Amz-Target}, e.g. {@code Firehose_20150804.PutRecordBatch})
     * of the service whose endpoint prefix and signing name is {@code service} (e.g. {@code firehose}),
     * at the settings' endpoint override or the region's standard endpoint.
     *
     * @throws IllegalArgumentException when the settings' transport is not {@link AwsHttpClient#DIRECT}
     *         (which {@link AwsClientSettings} chooses only when the key variables are set)
     */
    public static AwsJsonCall of(AwsClientSettings settings, String service, String target) {
        if (settings.httpClient() != AwsHttpClient.DIRECT) {
            throw new IllegalArgumentException("the settings' transport is " + settings.httpClient() + ", not DIRECT");
        }
        URI endpoint = settings.endpoint().orElseGet(() -> URI.create("https://" + service + "."
                + settings.regionName() + "." + dnsSuffix(settings.regionName())));
        String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
        int defaultPort = "https".equals(endpoint.getScheme()) ? 443 : 80;
        // the Host header HttpURLConnection sends: the port only when it is not the scheme's
        String host = endpoint.getHost() + (endpoint.getPort() == -1 || endpoint.getPort() == defaultPort ? ""
                : ":" + endpoint.getPort());
        URL url;
        try {
            url = new URI(endpoint.getScheme(), null, endpoint.getHost(), endpoint.getPort(), path, null, null).toURL();
        } catch (Exception e) {
            throw new IllegalArgumentException("not an endpoint: " + endpoint, e);
        }
        return new AwsJsonCall(url, Objects.requireNonNull(target, "target"), settings.callTimeout(),
                new SigV4(settings.accessKeyId(), settings.secretAccessKey(), settings.sessionToken(),
                        settings.regionName(), service, host, path));
    }

    /**
     * The DNS suffix of the region's partition: {@code amazonaws.com}, {@code amazonaws.com.cn} in
     * China, and the isolated partitions' own.
     */
    static String dnsSuffix(String region) {
        String r = region.toLowerCase(Locale.ROOT);
        if (r.startsWith("cn-")) {
            return "amazonaws.com.cn";
        } else if (r.startsWith("us-isob-")) {
            return "sc2s.sgov.gov";
        } else if (r.startsWith("us-isof-")) {
            return "csp.hci.ic.gov";
        } else if (r.startsWith("us-iso-")) {
            return "c2s.ic.gov";
        } else if (r.startsWith("eu-isoe-")) {
            return "cloud.adc-e.uk";
        }
        return "amazonaws.com";
    }

    /**
     * Makes one call with {@code body} the way {@link #call} does — signed, on {@code HttpURLConnection},
     * the answer parsed — against a loopback stub that answers {@code 200} with {@code answer}, so the
     * first real call does not pay for loading and running that path for the first time (the crypto
     * provider behind the signature alone is tens of milliseconds). Bounded by {@value #WARM_UP_MILLIS}
     * ms; a warm-up that fails is only logged at debug: the real call will do the same work.
     */
    public void warmUp(byte[] body, byte[] answer) {
        try (ServerSocket stub = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            stub.setSoTimeout(WARM_UP_MILLIS);
            Thread server = new Thread(() -> answerOnce(stub, answer), "firetap-aws-warm-up");
            server.setDaemon(true);
            server.start();
            URL local = new URL("http", stub.getInetAddress().getHostAddress(), stub.getLocalPort(), url.getPath());
            new AwsJsonCall(local, target, Duration.ofMillis(WARM_UP_MILLIS), signer).send(body);
            server.join(WARM_UP_MILLIS);
        } catch (IOException | RuntimeException e) {
            LOG.debug("the warm-up call of {} failed: {}", target, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads one request (head, then a Content-Length body) and answers it, closing the connection. */
    private static void answerOnce(ServerSocket stub, byte[] answer) {
        try (Socket socket = stub.accept()) {
            socket.setSoTimeout(WARM_UP_MILLIS);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            long length = 0;
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != -1; ) {
                if (b != '\n') {
                    line.append((char) b);
                    continue;
                }
                String header = line.toString().trim();
                line.setLength(0);
                if (header.isEmpty()) {
                    break;
                }
                if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Long.parseLong(header.substring(15).trim());
                }
            }
            in.skipNBytes(length);
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + CONTENT_TYPE + "\r\nContent-Length: " + answer.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(answer);
            out.flush();
        } catch (IOException | RuntimeException e) {
            LOG.debug("the warm-up stub failed: {}", e.toString());
        }
    }

    /** Where calls go. */
    public URL url() {
        return url;
    }

    /**
     * Makes the call with {@code body} (the operation's complete JSON document). Never throws: the
     * future (complete on return) holds the answer, an {@link AwsErrorResponse}, or the
     * {@code IOException} of a connection that failed or timed out.
     */
    public CompletableFuture<JsonObject> call(byte[] body) {
        try {
            return CompletableFuture.completedFuture(send(body));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private JsonObject send(byte[] body) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setUseCaches(false);
        connection.setConnectTimeout((int) Math.min(AwsClientSettings.CONNECT_TIMEOUT.toMillis(), callTimeoutMillis));
        connection.setReadTimeout((int) Math.min(Integer.MAX_VALUE, callTimeoutMillis));
        if (body.length > BUFFERED_BODY_LIMIT) {
            connection.setFixedLengthStreamingMode(body.length);
        }
        String amzDate = SigV4.amzDate(System.currentTimeMillis());
        connection.setRequestProperty("Content-Type", CONTENT_TYPE);
        connection.setRequestProperty("X-Amz-Target", target);
        connection.setRequestProperty("X-Amz-Date", amzDate);
        if (signer.sessionToken() != null) {
            connection.setRequestProperty("X-Amz-Security-Token", signer.sessionToken());
        }
        connection.setRequestProperty("Authorization", signer.authorization(amzDate, CONTENT_TYPE, target, body));
        connection.setRequestProperty("User-Agent", "firetap");
        ScheduledFuture<?> abort = Deadline.TIMER.schedule(connection::disconnect, callTimeoutMillis, TimeUnit.MILLISECONDS);
        try {
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
            int status = connection.getResponseCode();
            byte[] answer;
            try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                answer = in == null ? new byte[0] : in.readAllBytes();
            }
            if (status / 100 == 2) {
                return json(answer, status);
            }
            throw error(status, connection.getHeaderField("x-amzn-ErrorType"), answer);
        } catch (IOException e) {
            if (abort.isDone()) {
                SocketTimeoutException timeout = new SocketTimeoutException(target + " got no complete answer within the"
                        + " call timeout of " + callTimeoutMillis + " ms (FIRETAP_SEND_TIMEOUT)");
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        } finally {
            abort.cancel(false);
        }
    }

    private static JsonObject json(byte[] answer, int status) throws IOException {
        if (answer.length == 0) {
            return new JsonObject();
        }
        try {
            JsonElement root = JsonParser.parseString(new String(answer, StandardCharsets.UTF_8));
            if (root.isJsonObject()) {
                return root.getAsJsonObject();
            }
        } catch (JsonParseException e) {
            throw new IOException("HTTP " + status + " with an answer that is not JSON", e);
        }
        throw new IOException("HTTP " + status + " with an answer that is not a JSON object");
    }

    private static AwsErrorResponse error(int status, String errorType, byte[] answer) {
        JsonObject body = null;
        try {
            JsonElement root = answer.length == 0 ? null : JsonParser.parseString(new String(answer, StandardCharsets.UTF_8));
            body = root != null && root.isJsonObject() ? root.getAsJsonObject() : null;
        } catch (JsonParseException e) {
            // an answer from something other than the service (a proxy, a load balancer): the status says enough
        }
        String code = AwsErrorResponse.code(errorType);
        if (code == null && body != null) {
            code = AwsErrorResponse.code(string(body, "__type"));
        }
        String message = body == null ? null : string(body, "message");
        if (message == null && body != null) {
            message = string(body, "Message");
        }
        return new AwsErrorResponse(status, code != null ? code : "HTTP " + status,
                message != null ? message : "HTTP " + status);
    }

    /** A member's value as a string, {@code null} when it is absent or not a string or number. */
    static String string(JsonObject object, String member) {
        JsonElement e = object.get(member);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }

    /** The one timer thread that aborts calls at their deadline, made on the first call. */
    private static final class Deadline {
        static final ScheduledThreadPoolExecutor TIMER = timer();

        private static ScheduledThreadPoolExecutor timer() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "firetap-aws-deadline");
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }
}
