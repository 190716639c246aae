package io.firetap.extension.probe;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A register-only Extensions API for {@link RegisterLatencyProbe}; prints its host:port, serves for a minute. */
public final class ProbeExtensionsApi {
    private ProbeExtensionsApi() {
    }

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().add("Lambda-Extension-Identifier", "probe-id");
            byte[] body = "{\"functionName\":\"fn\",\"functionVersion\":\"1\",\"handler\":\"h\"}".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        System.out.println("127.0.0.1:" + server.getAddress().getPort());
        System.out.flush();
        new CountDownLatch(1).await(args.length > 0 ? Long.parseLong(args[0]) : 60, TimeUnit.SECONDS);
        server.stop(0);
    }
}
