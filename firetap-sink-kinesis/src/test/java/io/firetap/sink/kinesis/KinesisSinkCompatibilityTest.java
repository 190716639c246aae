package io.firetap.sink.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.config.Settings;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkContext;
import io.firetap.testkit.aws.AcceptedRecord;
import io.firetap.testkit.aws.AwsEndpoint;
import io.firetap.testkit.fault.Faults;
import io.firetap.testkit.sink.SinkCompatibilityKit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The KinesisSink on the default transport ({@code direct}: JSON 1.1, no SDK client; the subclasses run
 * the SDK's, CBOR), against the testkit's Kinesis endpoint with 4 shards.
 */
class KinesisSinkCompatibilityTest extends SinkCompatibilityKit {

    /** {@code FIRETAP_AWS_HTTP_CLIENT} for the sinks of this run; unset means the default. */
    String httpClient() {
        return null;
    }

    /** What the sinks of this run say they run on, last in their {@code toString()}. */
    String transport() {
        return httpClient() == null ? "direct" : httpClient();
    }

    /** Makes this run's sinks for {@code aws}; closed with the destination, after every pipeline is shut down. */
    Sinks sinks(AwsEndpoint aws) {
        return settings -> new KinesisSinkProvider().create(SinkContext.of(against(aws,
                settings.with("FIRETAP_AWS_HTTP_CLIENT", httpClient()))));
    }

    /** Sinks aimed at one endpoint, and whatever they share. */
    interface Sinks extends AutoCloseable {
        Sink newSink(Settings settings);

        @Override
        default void close() {
        }
    }

    @Test
    void theSinksOfThisRunAreOnTheTransportAskedFor() {
        assertThat(destination().newSink(Settings.of(Map.of())).toString()).contains(", " + transport() + "]");
    }

    @Override
    protected Destination openDestination() {
        AwsEndpoint aws = AwsEndpoint.builder().dataStream("events", 4).seed(13)
                .verifySignatures("not-a-secret").start();
        Sinks sinks = sinks(aws);
        return new Destination() {
            @Override
            public Sink newSink(Settings settings) {
                return sinks.newSink(settings);
            }

            @Override
            public List<byte[]> acceptedRecords() {
                return aws.dataStream("events").records().stream().map(AcceptedRecord::data).toList();
            }

            @Override
            public Faults faults() {
                return aws.faults();
            }

            @Override
            public List<String> limitViolations() {
                return aws.violations().stream().map(Object::toString).toList();
            }

            @Override
            public void close() {
                sinks.close();
                aws.close();
            }
        };
    }

    static Settings against(AwsEndpoint aws, Settings extra) {
        Map<String, String> values = new HashMap<>(extra.asMap());
        values.putIfAbsent("FIRETAP_STREAM_NAME", "events");
        values.put("AWS_REGION", "eu-west-1");
        values.put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
        values.put("AWS_SECRET_ACCESS_KEY", "not-a-secret");
        values.put("AWS_ENDPOINT_URL_KINESIS", aws.endpointUri().toString());
        return Settings.of(values);
    }
}
