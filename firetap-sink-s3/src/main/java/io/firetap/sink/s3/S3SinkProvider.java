package io.firetap.sink.s3;

import io.firetap.aws.AwsClientSettings;
import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkContext;
import io.firetap.core.sink.SinkProvider;

/** {@code FIRETAP_SINK=s3}: one object per batch in {@code FIRETAP_S3_BUCKET}. */
public final class S3SinkProvider implements SinkProvider {
    public static final String NAME = "s3";
    public static final String BUCKET = "FIRETAP_S3_BUCKET";
    public static final String PREFIX = "FIRETAP_S3_PREFIX";
    public static final String GZIP = "FIRETAP_S3_GZIP";
    public static final String MAX_OBJECT_BYTES = "FIRETAP_S3_MAX_OBJECT_BYTES";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Sink create(SinkContext context) {
        Settings s = context.settings();
        String bucket = s.required(BUCKET, "the s3 sink needs the bucket to write log objects to");
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw ConfigException.invalid(BUCKET, bucket, "an S3 bucket name: 3-63 lower-case letters, digits, '.' or '-'");
        }
        String prefix = s.string(PREFIX, "logs").trim();
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        String function = context.function().name() == null ? "function" : context.function().name();
        int maxObject = (int) s.bytes(MAX_OBJECT_BYTES, 4L << 20, 64L << 10, 64L << 20);
        return new S3Sink(bucket, prefix, function, s.flag(GZIP, false), maxObject, AwsClientSettings.from(s, "S3"));
    }
}
