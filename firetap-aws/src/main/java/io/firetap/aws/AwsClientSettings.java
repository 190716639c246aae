package io.firetap.aws;

import io.firetap.aws.internal.AwsClients;
import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import io.firetap.core.pipeline.PipelineConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Region, credentials, endpoint, timeouts and HTTP transport for one AWS SDK client, taken from the
 * settings (the process environment in production) the way the SDK's own variables are meant:
 * {@code AWS_REGION} (or {@code AWS_DEFAULT_REGION}), {@code AWS_ACCESS_KEY_ID} /
 * {@code AWS_SECRET_ACCESS_KEY} / {@code AWS_SESSION_TOKEN} (what Lambda sets for the function's
 * role), and {@code AWS_ENDPOINT_URL_<SERVICE>} or {@code AWS_ENDPOINT_URL} for local endpoints.
 *
 * <p>Nothing here blocks on the network: the region never comes from instance metadata, and when
 * the key variables are absent the SDK's default chain is used lazily, on the first call.
 *
 * <p>{@link #from} only reads and checks the variables; the SDK's region and credential objects are
 * made on first use, by the sink's worker while it builds its client, so the extension's path to
 * its first {@code /next} does not load those SDK classes.
 */
public final class AwsClientSettings {

    /** How long opening a connection may take: a flush must be able to give up well before a deadline. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** The variable that picks the transport: {@code direct} (the default), {@code urlconnection} or {@code netty}. */
    public static final String HTTP_CLIENT = "FIRETAP_AWS_HTTP_CLIENT";
    public static final AwsHttpClient DEFAULT_HTTP_CLIENT = AwsHttpClient.DIRECT;
    private static final Logger LOG = LoggerFactory.getLogger(AwsClientSettings.class);

    private final String regionName;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final String sessionToken;
    private final Optional<URI> endpoint;
    private final Duration callTimeout;
    private final AwsHttpClient httpClient;
    private volatile AwsCredentialsProvider credentials;

    private AwsClientSettings(String regionName, String accessKeyId, String secretAccessKey, String sessionToken,
            Optional<URI> endpoint, Duration callTimeout, AwsHttpClient httpClient) {
        this.regionName = regionName;
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.sessionToken = sessionToken;
        this.endpoint = endpoint;
        this.callTimeout = callTimeout;
        this.httpClient = httpClient;
    }

    /**
     * Settings for the service whose endpoint variable is {@code AWS_ENDPOINT_URL_<serviceId>}
     * (e.g. {@code FIREHOSE}, {@code KINESIS}, {@code S3}).
     *
     * @throws ConfigException when no region is set, an endpoint is not an http(s) URL, or
     *         {@value #HTTP_CLIENT} names no transport or one whose jars are missing
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
        AwsHttpClient httpClient = settings.choice(HTTP_CLIENT, DEFAULT_HTTP_CLIENT, AwsHttpClient.class);
        if (httpClient == AwsHttpClient.NETTY && !nettyPresent()) {
            throw new ConfigException(HTTP_CLIENT, HTTP_CLIENT + "='" + settings.get(HTTP_CLIENT).orElse("")
                    + "' needs the SDK's netty client, which is not on the class path: add"
                    + " software.amazon.awssdk:netty-nio-client and the io.netty jars it depends on (the Lambda layer"
                    + " has them in firetap/lib when built with -Dlayer.netty=true), or use urlconnection");
        }
        Optional<String> key = settings.get("AWS_ACCESS_KEY_ID");
        Optional<String> secret = settings.get("AWS_SECRET_ACCESS_KEY");
        boolean keys = key.isPresent() && secret.isPresent();
        if (httpClient == AwsHttpClient.DIRECT) {
            String needsSdk = needsSdk(settings, keys);
            if (needsSdk != null) {
                LOG.info("{}: {}; the {} sink uses the SDK's client (urlconnection) instead", HTTP_CLIENT + "="
                        + settings.get(HTTP_CLIENT).orElse("direct (the default)"), needsSdk,
                        serviceId.toLowerCase(Locale.ROOT));
                httpClient = AwsHttpClient.URLCONNECTION;
            }
        }
        return new AwsClientSettings(regionName.trim(), keys ? key.get() : null, keys ? secret.get() : null,
                keys ? settings.get("AWS_SESSION_TOKEN").orElse(null) : null, endpoint, callTimeout, httpClient);
    }

    /**
     * Settings built in code for a sink in {@code region} (e.g. {@code eu-west-1}): the credentials
     * the SDK's default chain finds, the service's standard endpoint, a call timeout of
     * {@link PipelineConfig#DEFAULT_SEND_TIMEOUT} and the {@link #DEFAULT_HTTP_CLIENT} transport, each
     * until set otherwise. {@link #from} is the same from {@code AWS_*} and {@code FIRETAP_*} settings.
     */
    public static Builder builder(String region) {
        return new Builder(region);
    }

    /** Configures {@link AwsClientSettings} in code; each setter checks its argument at once. */
    public static final class Builder {
        private final String regionName;
        private String accessKeyId;
        private String secretAccessKey;
        private String sessionToken;
        private URI endpoint;
        private Duration callTimeout = PipelineConfig.DEFAULT_SEND_TIMEOUT;
        private AwsHttpClient httpClient = DEFAULT_HTTP_CLIENT;

        private Builder(String region) {
            if (region == null || region.isBlank()) {
                throw new IllegalArgumentException("a region is needed, e.g. us-east-1");
            }
            this.regionName = region.trim();
        }

        /**
         * Signs with these keys ({@code sessionToken} may be {@code null}) instead of the SDK's default
         * chain; without them {@link AwsHttpClient#DIRECT} falls back to the SDK's client.
         */
        public Builder credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
            this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
            this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
            this.sessionToken = sessionToken;
            return this;
        }

        /** Another endpoint than the service's standard one (an http or https URL). */
        public Builder endpoint(URI endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            if (endpoint.getHost() == null || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))) {
                throw new IllegalArgumentException("not an http:// or https:// URL: " + endpoint);
            }
            this.endpoint = endpoint;
            return this;
        }

        /** The bound of one call, 10 ms to 15 minutes. */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = AwsClients.checkedCallTimeout(timeout);
            return this;
        }

        /** The transport; {@link AwsHttpClient#NETTY} needs the SDK's netty client on the class path. */
        public Builder httpClient(AwsHttpClient httpClient) {
            if (Objects.requireNonNull(httpClient, "httpClient") == AwsHttpClient.NETTY && !nettyPresent()) {
                throw new IllegalArgumentException("the netty transport needs software.amazon.awssdk:netty-nio-client"
                        + " and the io.netty jars it depends on");
            }
            this.httpClient = httpClient;
            return this;
        }

        public AwsClientSettings build() {
            AwsHttpClient transport = httpClient;
            if (transport == AwsHttpClient.DIRECT && accessKeyId == null) {
                LOG.info("the direct transport signs with static keys and none were given; the SDK's client"
                        + " (urlconnection) is used instead");
                transport = AwsHttpClient.URLCONNECTION;
            }
            return new AwsClientSettings(regionName, accessKeyId, secretAccessKey, accessKeyId == null ? null : sessionToken,
                    Optional.ofNullable(endpoint), callTimeout, transport);
        }
    }

    /**
     * Why {@link AwsHttpClient#DIRECT} cannot serve these settings, or {@code null}: it signs with the
     * key variables only (Lambda sets them for every function; SnapStart and containers use other
     * providers, which only the SDK reads), and it knows the standard endpoints only.
     */
    private static String needsSdk(Settings settings, boolean keys) {
        if (!keys) {
            return "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set, and only the SDK reads the other credential"
                    + " providers";
        }
        for (String variable : new String[] {"AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"}) {
            if (settings.get(variable).map(v -> v.trim().equalsIgnoreCase("true")).orElse(false)) {
                return variable + " is set, and only the SDK knows those endpoints";
            }
        }
        return null;
    }

    /** Whether the SDK's netty client and netty itself can be loaded; neither is initialised here. */
    private static boolean nettyPresent() {
        ClassLoader loader = AwsClientSettings.class.getClassLoader();
        try {
            Class.forName("software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient", false, loader);
            Class.forName("io.netty.channel.nio.NioEventLoopGroup", false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
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

    /** The region's name, e.g. {@code us-east-1}. */
    public String regionName() {
        return regionName;
    }

    /**
     * {@code AWS_ACCESS_KEY_ID}, which {@link AwsHttpClient#DIRECT} signs with (it is chosen only when
     * the key variables are set); {@code null} when they are not. Like {@link #credentials()}, these
     * are secrets: never log them.
     */
    public String accessKeyId() {
        return accessKeyId;
    }

    /** {@code AWS_SECRET_ACCESS_KEY}, or {@code null} (see {@link #accessKeyId()}). */
    public String secretAccessKey() {
        return secretAccessKey;
    }

    /** {@code AWS_SESSION_TOKEN}, or {@code null} when there is none (see {@link #accessKeyId()}). */
    public String sessionToken() {
        return sessionToken;
    }

    /** Where the service is. */
    public Region region() {
        return Region.of(regionName);
    }

    /**
     * Who signs: the key variables when both are set (with {@code AWS_SESSION_TOKEN} when present),
     * else the SDK's default chain, which resolves on the first call.
     */
    public AwsCredentialsProvider credentials() {
        AwsCredentialsProvider c = credentials;
        if (c == null) {
            if (accessKeyId != null) {
                c = StaticCredentialsProvider.create(sessionToken != null
                        ? AwsSessionCredentials.create(accessKeyId, secretAccessKey, sessionToken)
                        : AwsBasicCredentials.create(accessKeyId, secretAccessKey));
            } else {
                c = DefaultCredentialsProvider.builder().build();
            }
            credentials = c;
        }
        return c;
    }

    /** An endpoint override, when a variable sets one. */
    public Optional<URI> endpoint() {
        return endpoint;
    }

    /**
     * The bound of one API call, the pipeline's {@code FIRETAP_SEND_TIMEOUT}: the SDK's API call
     * timeout, and the socket read timeout under it.
     */
    public Duration callTimeout() {
        return callTimeout;
    }

    /**
     * The HTTP transport, {@value #HTTP_CLIENT}; {@link AwsHttpClient#URLCONNECTION} where
     * {@link AwsHttpClient#DIRECT} was asked for but cannot serve these settings (logged once).
     */
    public AwsHttpClient httpClient() {
        return httpClient;
    }

    @Override
    public String toString() {
        // never the credentials
        return "AwsClientSettings[" + regionName + ", endpoint " + endpoint.map(URI::toString).orElse("default")
                + ", call timeout " + callTimeout.toMillis() + " ms, " + Settings.spelling(httpClient) + "]";
    }
}
