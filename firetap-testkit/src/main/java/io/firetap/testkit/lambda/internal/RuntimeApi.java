package io.firetap.testkit.lambda.internal;

import static io.firetap.testkit.lambda.internal.ApiServer.error;
import static io.firetap.testkit.lambda.internal.ApiServer.json;

import com.sun.net.httpserver.HttpExchange;
import io.firetap.testkit.lambda.Invocation;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The Runtime API ({@code /2018-06-01/runtime/}): {@code invocation/next} parked until the
 * lifecycle hands over an event, {@code response} (up to Lambda's 6 MB) or {@code error} for the
 * invocation in flight only, {@code init/error} recorded.
 *
 * <p>Internal, not for public use.
 */
final class RuntimeApi {
    private static final int MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

    private final EmulatorConfig config;
    private final Sandbox sandbox;

    RuntimeApi(EmulatorConfig config, Sandbox sandbox) {
        this.config = config;
        this.sandbox = sandbox;
    }

    void handle(HttpExchange exchange, String method, String op, byte[] body) throws IOException {
        if (op.equals("invocation/next") && method.equals("GET")) {
            next(exchange);
            return;
        }
        if (op.equals("init/error") && method.equals("POST")) {
            sandbox.lock.lock();
            try {
                sandbox.reportError("runtime init/error "
                        + exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type") + ": "
                        + new String(body, StandardCharsets.UTF_8));
            } finally {
                sandbox.lock.unlock();
            }
            json(exchange, 202, "{\"status\":\"OK\"}");
            return;
        }
        if (op.startsWith("invocation/") && method.equals("POST")) {
            String rest = op.substring("invocation/".length());
            int slash = rest.indexOf('/');
            String requestId = slash < 0 ? rest : rest.substring(0, slash);
            String what = slash < 0 ? "" : rest.substring(slash + 1);
            if (!what.equals("response") && !what.equals("error")) {
                error(exchange, 404, "NotFound", "no such runtime operation: " + op);
                return;
            }
            if (what.equals("response") && body.length > MAX_RESPONSE_BYTES) {
                error(exchange, 413, "RequestEntityTooLarge", "response of " + body.length
                        + " bytes exceeds the limit of " + MAX_RESPONSE_BYTES + " bytes");
                return;
            }
            if (settle(exchange, requestId, what, body)) {
                json(exchange, 202, "{\"status\":\"OK\"}");
            }
            return;
        }
        error(exchange, 404, "NotFound", "no such runtime operation: " + method + " " + op);
    }

    /** Records the runtime's answer, or answers the refusal and returns {@code false}. */
    private boolean settle(HttpExchange exchange, String requestId, String what, byte[] body) throws IOException {
        sandbox.lock.lock();
        try {
            PendingInvocation p = sandbox.current;
            if (p == null || !p.requestId.equals(requestId)) {
                error(exchange, 400, "InvalidRequestID", "Invalid request ID: " + requestId);
                return false;
            }
            if (p.status != null) {
                error(exchange, 400, "InvalidStateTransition",
                        "State transition from " + p.status + " to " + what + " failed for runtime.");
                return false;
            }
            p.respondedNanos = System.nanoTime();
            p.status = what.equals("response") ? Invocation.Status.SUCCESS : Invocation.Status.ERROR;
            p.body = body;
            sandbox.changed.signalAll();
            return true;
        } finally {
            sandbox.lock.unlock();
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        PendingInvocation p;
        sandbox.lock.lock();
        try {
            if (sandbox.runtimeNextCalls++ == 0) {
                sandbox.runtimeFirstNextNanos = System.nanoTime();
            }
            sandbox.changed.signalAll();
            while (sandbox.forRuntime == null) {
                if (sandbox.shutDown) {
                    return;
                }
                sandbox.changed.await();
            }
            p = sandbox.forRuntime;
            sandbox.forRuntime = null;
        } catch (InterruptedException interrupted) {
            return;
        } finally {
            sandbox.lock.unlock();
        }
        var headers = exchange.getResponseHeaders();
        headers.add("Lambda-Runtime-Aws-Request-Id", p.requestId);
        headers.add("Lambda-Runtime-Deadline-Ms", Long.toString(p.deadlineMs));
        headers.add("Lambda-Runtime-Invoked-Function-Arn", config.functionArn());
        headers.add("Lambda-Runtime-Trace-Id", p.traceId());
        headers.add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, p.event.length == 0 ? -1 : p.event.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(p.event);
        }
    }
}
