package io.firetap.testkit.aws.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.firetap.testkit.aws.AwsService;
import io.firetap.testkit.aws.Violation;
import io.firetap.testkit.fault.CallFault;
import io.firetap.testkit.fault.FaultKind;
import io.firetap.testkit.fault.Faults;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AWS JSON 1.1 / CBOR 1.1 front door: dispatches on {@code X-Amz-Target}, answers in the
 * encoding the request used, and applies the injected faults to calls that passed validation.
 * Every AWS call, whatever its outcome, takes the {@link RoundTrip}: half before it takes effect,
 * half before its answer (or the closed connection) reaches the client.
 * Signatures are accepted whatever they are unless a {@link SigV4Check} is given. A call that breaks a rule is always answered with
 * the service's error (and recorded), whatever faults are on: the service validates first.
 *
 * <p>Internal, not for public use.
 */
public final class AwsHttpHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AwsHttpHandler.class);
    private final Map<String, Operation> operations = new HashMap<>();
    private final Map<WireFormat, LongAdder> callsByFormat = new EnumMap<>(WireFormat.class);
    private final Faults faults;
    private final Journal journal;
    private final Clock clock;
    private final SigV4Check signatures;
    private final RoundTrip roundTrip;

    /**
     * @param signatures checks each call's signature; {@code null} accepts any
     * @param roundTrip  the latency every AWS call takes
     */
    public AwsHttpHandler(FirehoseService firehose, KinesisService kinesis, Faults faults, Journal journal, Clock clock,
            SigV4Check signatures, RoundTrip roundTrip) {
        firehose.operations().forEach((name, op) -> operations.put(AwsService.FIREHOSE.targetPrefix() + "." + name, op));
        kinesis.operations().forEach((name, op) -> operations.put(AwsService.KINESIS.targetPrefix() + "." + name, op));
        this.faults = faults;
        this.journal = journal;
        this.clock = clock;
        this.signatures = signatures;
        this.roundTrip = java.util.Objects.requireNonNull(roundTrip, "roundTrip");
        for (WireFormat format : WireFormat.values()) {
            callsByFormat.put(format, new LongAdder());
        }
    }

    /** AWS calls received in {@code format}, whatever their outcome. */
    public long calls(WireFormat format) {
        return callsByFormat.get(format).sum();
    }

    /** The whole body: read into one array of the announced length when there is one, else grown. */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                long n = Long.parseLong(length.trim());
                if (n >= 0 && n <= 64L << 20) {
                    byte[] body = exchange.getRequestBody().readNBytes((int) n);
                    exchange.getRequestBody().transferTo(java.io.OutputStream.nullOutputStream());
                    return body;
                }
            } catch (NumberFormatException e) {
                // the server has already refused a malformed length; read it as it comes
            }
        }
        return exchange.getRequestBody().readAllBytes();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        Reply reply = new Reply(exchange);
        try {
            byte[] body = readBody(exchange);
            if ("GET".equals(exchange.getRequestMethod())) {
                // Lets people and scripts see the endpoint is up without an AWS client.
                reply.send(200, "text/plain; charset=utf-8", "firetap AWS endpoint: Firehose and Kinesis\n".getBytes(StandardCharsets.UTF_8), null);
                return;
            }
            long trip = roundTrip.nextNanos();
            reply.answerAt = start + trip;
            if (!RoundTrip.pauseUntil(start + trip / 2)) {
                exchange.close();
                return;
            }
            Instant arrival = clock.instant();
            WireFormat format = WireFormat.ofContentType(exchange.getRequestHeaders().getFirst("Content-Type"));
            callsByFormat.get(format).increment();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            Operation operation = target == null ? null : operations.get(target);
            if (operation == null) {
                ServiceError error = new ServiceError(400, "UnknownOperationException",
                        target == null ? "Missing X-Amz-Target header" : "Unknown operation " + target);
                journal.violation(new Violation(arrival, serviceOf(target), operationOf(target), null, error.code(), error.getMessage()), null);
                reply.sendError(format, error);
                return;
            }
            String badSignature = signatures == null ? null
                    : signatures.problem(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                            exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body);
            if (badSignature != null) {
                ServiceError error = new ServiceError(400, "InvalidSignatureException", badSignature);
                journal.violation(new Violation(arrival, serviceOf(target), operationOf(target), null, error.code(), error.getMessage()), null);
                reply.sendError(format, error);
                return;
            }
            Map<String, Object> request;
            try {
                request = format.decode(body);
            } catch (MalformedBodyException e) {
                ServiceError error = ServiceError.serialization(e.getMessage());
                journal.violation(new Violation(arrival, serviceOf(target), operationOf(target), null, error.code(), error.getMessage()), null);
                reply.sendError(format, error);
                return;
            }
            PreparedCall call;
            try {
                call = operation.prepare(request, format);
            } catch (ServiceError refused) {
                reply.sendError(format, refused);
                return;
            }
            answer(reply, format, call, faults.nextCall(), arrival);
        } catch (IOException e) {
            // The client went away mid-call: there is no one to answer.
            exchange.close();
        } catch (RuntimeException e) {
            LOG.error("endpoint bug while handling {}", exchange.getRequestHeaders().getFirst("X-Amz-Target"), e);
            try {
                reply.sendError(WireFormat.ofContentType(exchange.getRequestHeaders().getFirst("Content-Type")),
                        new ServiceError(500, "InternalFailure", "firetap endpoint failure: " + e));
            } catch (IOException | RuntimeException unanswerable) {
                exchange.close();
            }
        }
    }

    private void answer(Reply reply, WireFormat format, PreparedCall call, CallFault fault, Instant arrival)
            throws IOException {
        if (!fault.latency().isZero()) {
            if (!RoundTrip.pause(fault.latency().toNanos())) {
                reply.exchange.close();
                return;
            }
            // added to the round trip, not spent within it
            reply.answerAt += fault.latency().toNanos();
        }
        FaultKind failure = fault.failure();
        if (failure == FaultKind.CONNECTION_RESET) {
            // Closing before any response header makes the server drop the connection.
            reply.close();
            return;
        }
        if (failure != null && failure != FaultKind.RESPONSE_LOST) {
            reply.sendError(format, call.fault(failure));
            return;
        }
        Map<String, Object> response;
        try {
            response = call.commit(faults, arrival);
        } catch (ServiceError entryFault) {
            reply.sendError(format, entryFault);
            return;
        }
        if (failure == FaultKind.RESPONSE_LOST) {
            reply.close();
            return;
        }
        reply.send(200, format.contentType(), format.encode(response), null);
    }

    /** One call's way back: whatever ends the call first waits out the rest of its round trip. */
    private static final class Reply {
        private final HttpExchange exchange;
        /** When the answer may leave ({@link System#nanoTime()}); the round trip's end. */
        private long answerAt = Long.MIN_VALUE;

        Reply(HttpExchange exchange) {
            this.exchange = exchange;
        }

        private boolean travel() {
            long at = answerAt;
            answerAt = Long.MIN_VALUE;
            return at == Long.MIN_VALUE || RoundTrip.pauseUntil(at);
        }

        void close() {
            travel();
            exchange.close();
        }

        void sendError(WireFormat format, ServiceError error) throws IOException {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("__type", error.code());
            body.put("message", error.getMessage());
            send(error.status(), format.contentType(), format.encode(body), error.code());
        }

        void send(int status, String contentType, byte[] body, String errorType) throws IOException {
            if (!travel()) {
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
            if (errorType != null) {
                exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
            }
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static AwsService serviceOf(String target) {
        if (target != null) {
            for (AwsService service : AwsService.values()) {
                if (target.startsWith(service.targetPrefix() + ".")) {
                    return service;
                }
            }
        }
        return null;
    }

    private static String operationOf(String target) {
        return target == null || target.indexOf('.') < 0 ? null : target.substring(target.indexOf('.') + 1);
    }
}
