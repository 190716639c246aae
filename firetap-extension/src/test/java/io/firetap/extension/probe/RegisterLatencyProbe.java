package io.firetap.extension.probe;

import io.firetap.extension.ExtensionsApiClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Measures the first {@code register} call in a fresh JVM, the way it happens on a cold start.
 * Not a test: run it by hand against a running Extensions API (see the module README).
 *
 * <pre>java -cp … io.firetap.extension.probe.RegisterLatencyProbe host:port [urlconnection|httpclient]</pre>
 */
public final class RegisterLatencyProbe {
    private RegisterLatencyProbe() {
    }

    public static void main(String[] args) throws Exception {
        String hostPort = args[0];
        String kind = args.length > 1 ? args[1] : "urlconnection";
        long t0 = System.nanoTime();
        if (kind.equals("httpclient")) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + hostPort + "/2020-01-01/extension/register"))
                    .header("Lambda-Extension-Name", "firetap")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"events\":[\"INVOKE\",\"SHUTDOWN\"]}")).build();
            HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (resp.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + resp.statusCode());
            }
        } else {
            ExtensionsApiClient.create(hostPort, Duration.ofSeconds(5)).register("firetap");
        }
        long t1 = System.nanoTime();
        System.out.printf("%s register %.1f ms%n", kind, (t1 - t0) / 1e6);
    }
}
