package io.firetap.sink.s3;

import io.firetap.core.config.Settings;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkContext;
import io.firetap.testkit.fault.Faults;
import io.firetap.testkit.s3.S3Endpoint;
import io.firetap.testkit.sink.SinkCompatibilityKit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The s3 sink, through the real S3 SDK client on the default transport, against the testkit's S3 endpoint (path-style). */
class S3SinkCompatibilityTest extends SinkCompatibilityKit {

    /** {@code FIRETAP_AWS_HTTP_CLIENT} for the sinks of this run; unset means the default. */
    String httpClient() {
        return null;
    }

    @Override
    protected Destination openDestination() {
        S3Endpoint s3 = S3Endpoint.start(23, "logs-bucket");
        return new Destination() {
            @Override
            public Sink newSink(Settings settings) {
                return new S3SinkProvider().create(SinkContext.of(against(s3,
                        settings.with("FIRETAP_AWS_HTTP_CLIENT", httpClient()))));
            }

            @Override
            public List<byte[]> acceptedRecords() {
                return s3.objects().stream().map(S3Endpoint.StoredObject::body).toList();
            }

            @Override
            public boolean keepsRecords() {
                return false;
            }

            @Override
            public Faults faults() {
                return s3.faults();
            }

            @Override
            public void close() {
                s3.close();
            }
        };
    }

    static Settings against(S3Endpoint s3, Settings extra) {
        Map<String, String> values = new HashMap<>(extra.asMap());
        values.put("FIRETAP_S3_BUCKET", "logs-bucket");
        values.put("AWS_REGION", "eu-west-1");
        values.put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
        values.put("AWS_SECRET_ACCESS_KEY", "not-a-secret");
        values.put("AWS_ENDPOINT_URL_S3", s3.endpointUri().toString());
        return Settings.of(values);
    }
}
