package io.firetap.sink.firehose;

import io.firetap.aws.AwsClientSettings;
import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkContext;
import io.firetap.core.sink.SinkProvider;

/** {@code FIRETAP_SINK=firehose} (the default): ships to the delivery stream {@code FIRETAP_STREAM_NAME}. */
public final class FirehoseSinkProvider implements SinkProvider {
    public static final String NAME = "firehose";
    public static final String STREAM_NAME = "FIRETAP_STREAM_NAME";
    /** Overrides {@value #STREAM_NAME} for this sink when several sinks run at once. */
    public static final String DELIVERY_STREAM = "FIRETAP_FIREHOSE_STREAM_NAME";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Sink create(SinkContext context) {
        Settings settings = context.settings();
        String stream = settings.get(DELIVERY_STREAM).or(() -> settings.get(STREAM_NAME))
                .orElseThrow(() -> ConfigException.missing(STREAM_NAME,
                        "the firehose sink needs the name of the delivery stream to ship to"));
        if (!stream.matches("[a-zA-Z0-9_.-]{1,64}")) {
            throw ConfigException.invalid(settings.get(DELIVERY_STREAM).isPresent() ? DELIVERY_STREAM : STREAM_NAME,
                    stream, "a delivery stream name: 1-64 letters, digits, '_', '.' or '-'");
        }
        return new FirehoseSink(stream, AwsClientSettings.from(settings, "FIREHOSE"));
    }
}
