package io.firetap.sink.firehose;

import io.firetap.aws.AwsClientSettings;
import io.firetap.aws.internal.StreamNames;
import io.firetap.core.config.Settings;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkContext;
import io.firetap.core.sink.SinkProvider;

/** {@code FIRETAP_SINK=firehose} (the default): ships to the delivery stream {@code FIRETAP_STREAM_NAME}. */
public final class FirehoseSinkProvider implements SinkProvider {
    public static final String NAME = "firehose";
    public static final String STREAM_NAME = StreamNames.STREAM_NAME;
    /** Overrides {@value #STREAM_NAME} for this sink when several sinks run at once. */
    public static final String DELIVERY_STREAM = "FIRETAP_FIREHOSE_STREAM_NAME";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Sink create(SinkContext context) {
        Settings settings = context.settings();
        String stream = StreamNames.require(settings, DELIVERY_STREAM, NAME, "delivery stream", 64);
        return FirehoseSink.builder(stream).settings(AwsClientSettings.from(settings, "FIREHOSE")).build();
    }
}
