package io.firetap.sink.kinesis;

import io.firetap.aws.AwsClientSettings;
import io.firetap.aws.internal.StreamNames;
import io.firetap.core.config.Settings;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkContext;
import io.firetap.core.sink.SinkProvider;

/**
 * {@code FIRETAP_SINK=kinesis} (or {@code FIRETAP_USE_DATA_STREAM=true}): ships to the data stream
 * {@code FIRETAP_STREAM_NAME}.
 */
public final class KinesisSinkProvider implements SinkProvider {
    public static final String NAME = "kinesis";
    public static final String STREAM_NAME = StreamNames.STREAM_NAME;
    /** Overrides {@value #STREAM_NAME} for this sink when several sinks run at once. */
    public static final String DATA_STREAM = "FIRETAP_KINESIS_STREAM_NAME";
    public static final String MAX_RECORD_BYTES_VARIABLE = "FIRETAP_KINESIS_MAX_RECORD_BYTES";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Sink create(SinkContext context) {
        Settings settings = context.settings();
        String stream = StreamNames.require(settings, DATA_STREAM, NAME, "data stream", 128);
        int maxRecordBytes = (int) settings.bytes(MAX_RECORD_BYTES_VARIABLE, KinesisSink.DEFAULT_MAX_RECORD_BYTES,
                KinesisSink.SMALLEST_MAX_RECORD_BYTES, KinesisSink.LARGEST_MAX_RECORD_BYTES);
        return KinesisSink.builder(stream)
                .settings(AwsClientSettings.from(settings, "KINESIS"))
                .partitionKeys(PartitionKeys.from(settings, context.function().name()))
                .maxRecordBytes(maxRecordBytes)
                .build();
    }
}
