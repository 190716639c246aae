package io.firetap.sink.firehose;

import io.firetap.core.config.Settings;
import io.firetap.testkit.aws.AwsEndpoint;
import java.util.HashMap;
import java.util.Map;

/** The variables a function would have, pointing the sink at a testkit endpoint. */
final class FirehoseSettings {
    private FirehoseSettings() {
    }

    static Settings against(AwsEndpoint aws, Settings extra) {
        Map<String, String> values = new HashMap<>(extra.asMap());
        values.putIfAbsent("FIRETAP_STREAM_NAME", "logs");
        values.put("AWS_REGION", "eu-west-1");
        values.put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
        values.put("AWS_SECRET_ACCESS_KEY", "not-a-secret");
        values.put("AWS_ENDPOINT_URL_FIREHOSE", aws.endpointUri().toString());
        return Settings.of(values);
    }
}
