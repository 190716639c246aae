package io.firetap.aws.internal;

import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;

/** The stream an AWS sink ships to, from its own variable or the shared {@value #STREAM_NAME}, checked. */
public final class StreamNames {
    /** The stream name every AWS sink reads unless its own variable overrides it. */
    public static final String STREAM_NAME = "FIRETAP_STREAM_NAME";

    private StreamNames() {
    }

    /**
     * The name in {@code own} or else {@value #STREAM_NAME}: 1 to {@code maxLength} letters, digits,
     * '_', '.' or '-', as Firehose and Kinesis allow.
     *
     * @param kind what the stream is, for messages, e.g. {@code delivery stream}
     * @throws ConfigException naming the variable when it is missing or not a valid name
     */
    public static String require(Settings settings, String own, String sink, String kind, int maxLength) {
        String variable = settings.get(own).isPresent() ? own : STREAM_NAME;
        String stream = settings.get(variable).orElseThrow(() -> ConfigException.missing(STREAM_NAME,
                "the " + sink + " sink needs the name of the " + kind + " to ship to"));
        if (stream.length() > maxLength || !stream.matches("[a-zA-Z0-9_.-]+")) {
            throw ConfigException.invalid(variable, stream, "a " + kind + " name: 1-" + maxLength
                    + " letters, digits, '_', '.' or '-'");
        }
        return stream;
    }
}
