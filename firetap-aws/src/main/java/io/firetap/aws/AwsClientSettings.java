package io.firetap.aws;

import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import io.firetap.core.pipeline.PipelineConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Region, credentials, endpoint and timeouts for one AWS SDK client, taken from the settings (the
 * process environment in production) the way the SDK's own variables are meant:
 * {@code AWS_REGION} (or {@code AWS_DEFAULT_REGION}), {@code AWS_ACCESS_KEY_ID} /
 * {@code AWS_SECRET_ACCESS_KEY} / {@code AWS_SESSION_TOKEN} (what Lambda sets for the function's
 * role), and {@code AWS_ENDPOINT_URL_<SERVICE>} or {@code AWS_ENDPOINT_URL} for local endpoints.
 *
 * <p>Nothing here blocks on the network: the region never comes from instance metadata, and when
 * the key variables are absent the SDK's default chain is used lazily, on the first call.
 *
 * @param region      where the service is
 * @param credentials who signs
 * @param endpoint    an endpoint override, when a variable sets one
 * @param callTimeout the bound of one API call, the pipeline's {@code FIRETAP_SEND_TIMEOUT}
 */
public record AwsClientSettings(Region region, AwsCredentialsProvider credentials, Optional<URI> endpoint,
        Duration callTimeout) {

    /** How long opening a connection may take: a flush must be able to give up well before a deadline. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    /**
     * Settings for the service whose endpoint variable is {@code AWS_ENDPOINT_URL_<serviceId>}
     * (e.g. {@code FIREHOSE}, {@code KINESIS}, {@code S3}).
     *
     * @throws ConfigException when no region is set or an endpoint is not an http(s) URL
     */
    public static AwsClientSettings from(Settings settings, String serviceId) {
        String regionName = settings.get("AWS_REGION").or(() -> settings.get("AWS_DEFAULT_REGION"))
                .orElseThrow(() -> ConfigException.missing("AWS_REGION", "the " + serviceId.toLowerCase(Locale.ROOT)
                        + " sink needs the region of its stream (Lambda sets it for every function; elsewhere set it,"
                        + " e.g. us-east-1)"));
        String endpointVariable = "AWS_ENDPOINT_URL_" + serviceId.toUpperCase(Locale.ROOT);
        Optional<URI> endpoint = endpoint(settings, endpointVariable).or(() -> endpoint(settings, "AWS_ENDPOINT_URL"));
        Duration callTimeout = settings.duration(PipelineConfig.SEND_TIMEOUT, PipelineConfig.DEFAULT_SEND_TIMEOUT,
                Duration.ofMillis(10), Duration.ofMinutes(15));
        return new AwsClientSettings(Region.of(regionName.trim()), credentials(settings), endpoint, callTimeout);
    }

    private static Optional<URI> endpoint(Settings settings, String variable) {
        return settings.get(variable).map(value -> {
            try {
                URI uri = URI.create(value.trim());
                if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                    throw new IllegalArgumentException("not an http(s) URL");
                }
                return uri;
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid(variable, value, "an http:// or https:// URL such as http://127.0.0.1:4566");
            }
        });
    }

    private static AwsCredentialsProvider credentials(Settings settings) {
        Optional<String> key = settings.get("AWS_ACCESS_KEY_ID");
        Optional<String> secret = settings.get("AWS_SECRET_ACCESS_KEY");
        if (key.isPresent() && secret.isPresent()) {
            Optional<String> token = settings.get("AWS_SESSION_TOKEN");
            return StaticCredentialsProvider.create(token
                    .<software.amazon.awssdk.auth.credentials.AwsCredentials>map(t -> AwsSessionCredentials.create(key.get(), secret.get(), t))
                    .orElseGet(() -> AwsBasicCredentials.create(key.get(), secret.get())));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    @Override
    public String toString() {
        // never the credentials
        return "AwsClientSettings[" + region + ", endpoint " + endpoint.map(URI::toString).orElse("default")
                + ", call timeout " + callTimeout.toMillis() + " ms]";
    }
}
