package io.firetap.sink.http;

import io.firetap.core.config.Settings;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkContext;
import io.firetap.testkit.fault.Faults;
import io.firetap.testkit.http.HttpReceiver;
import io.firetap.testkit.sink.SinkCompatibilityKit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The http sink, newline-delimited, gzipped, with a bearer token, against the testkit's HTTP receiver. */
class HttpSinkCompatibilityTest extends SinkCompatibilityKit {

    @Override
    protected Destination openDestination() {
        HttpReceiver receiver = HttpReceiver.start(17).retryAfter(0).expectAuthorization("Bearer s3cr3t");
        return new Destination() {
            @Override
            public Sink newSink(Settings settings) {
                Map<String, String> values = new HashMap<>(settings.asMap());
                values.put("FIRETAP_HTTP_ENDPOINT", receiver.uri() + "/ingest");
                values.put("FIRETAP_HTTP_AUTH", "bearer");
                values.put("FIRETAP_HTTP_AUTH_TOKEN", "s3cr3t");
                values.put("FIRETAP_HTTP_GZIP", "true");
                return new HttpSinkProvider().create(SinkContext.of(Settings.of(values)));
            }

            @Override
            public List<byte[]> acceptedRecords() {
                return receiver.requests().stream().map(HttpReceiver.Received::body).toList();
            }

            @Override
            public boolean keepsRecords() {
                return false;
            }

            @Override
            public Faults faults() {
                return receiver.faults();
            }

            @Override
            public void close() {
                receiver.close();
            }
        };
    }
}
