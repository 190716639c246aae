package io.firetap.sink.http;

import io.firetap.core.config.Settings;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkContext;
import io.firetap.testkit.fault.Faults;
import io.firetap.testkit.http.HttpReceiver;
import io.firetap.testkit.sink.SinkCompatibilityKit;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The splunk sink against the testkit's receiver answering as HEC; each event's text is one delivered line. */
class SplunkSinkCompatibilityTest extends SinkCompatibilityKit {

    @Override
    protected Destination openDestination() {
        HttpReceiver receiver = HttpReceiver.start(19).retryAfter(0).expectAuthorization("Splunk 0000-token");
        return new Destination() {
            @Override
            public Sink newSink(Settings settings) {
                Map<String, String> values = new HashMap<>(settings.asMap());
                values.put("FIRETAP_SPLUNK_URL", receiver.uri().toString());
                values.put("FIRETAP_SPLUNK_TOKEN", "0000-token");
                values.put("FIRETAP_SPLUNK_INDEX", "lambda");
                return new SplunkSinkProvider().create(SinkContext.of(Settings.of(values)));
            }

            @Override
            public List<byte[]> acceptedRecords() {
                return receiver.hecEvents().stream()
                        .map(e -> (e.get("event").getAsString() + "\n").getBytes(StandardCharsets.UTF_8)).toList();
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
