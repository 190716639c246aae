package io.firetap.sink.http;

import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkContext;
import io.firetap.core.sink.SinkProvider;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

/** {@code FIRETAP_SINK=http}: POST batches to {@code FIRETAP_HTTP_ENDPOINT}. */
public final class HttpSinkProvider implements SinkProvider {
    public static final String ENDPOINT = "FIRETAP_HTTP_ENDPOINT";
    public static final String FORMAT = "FIRETAP_HTTP_FORMAT";
    public static final String AUTH = "FIRETAP_HTTP_AUTH";
    public static final String AUTH_USER = "FIRETAP_HTTP_AUTH_USER";
    public static final String AUTH_PASSWORD = "FIRETAP_HTTP_AUTH_PASSWORD";
    public static final String AUTH_TOKEN = "FIRETAP_HTTP_AUTH_TOKEN";
    public static final String AUTH_HEADER = "FIRETAP_HTTP_AUTH_HEADER";
    public static final String TIMEOUT = "FIRETAP_HTTP_TIMEOUT";
    public static final String GZIP = "FIRETAP_HTTP_GZIP";
    public static final String MAX_BODY_BYTES = "FIRETAP_HTTP_MAX_BODY_BYTES";

    @Override
    public String name() {
        return "http";
    }

    @Override
    public Sink create(SinkContext context) {
        Settings s = context.settings();
        URI endpoint = url(s, ENDPOINT, s.get(ENDPOINT).orElseThrow(() -> ConfigException.missing(ENDPOINT,
                "the http sink needs the URL to POST logs to, e.g. https://logs.example.com/ingest")));
        HttpSink.Builder sink = HttpSink.builder(endpoint).function(context.function())
                .timeout(timeout(s, TIMEOUT)).gzip(s.flag(GZIP, false)).maxBodyBytes(maxBody(s, MAX_BODY_BYTES));
        String format = s.string(FORMAT, "ndjson").trim().toLowerCase(Locale.ROOT);
        switch (format) {
            case "ndjson" -> { }
            case "json" -> sink.json();
            default -> throw ConfigException.invalid(FORMAT, format, "ndjson or json");
        }
        String auth = s.string(AUTH, "none").trim().toLowerCase(Locale.ROOT);
        switch (auth) {
            case "none" -> { }
            case "basic" -> {
                String user = s.required(AUTH_USER, AUTH + "=basic needs a user");
                String password = s.required(AUTH_PASSWORD, AUTH + "=basic needs a password");
                sink.header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
            }
            case "bearer" -> sink.header("Authorization", "Bearer " + s.required(AUTH_TOKEN, AUTH + "=bearer needs a token"));
            case "api-key" -> sink.header(s.string(AUTH_HEADER, "x-api-key").trim(),
                    s.required(AUTH_TOKEN, AUTH + "=api-key needs the key in " + AUTH_TOKEN));
            default -> throw ConfigException.invalid(AUTH, auth, "none, basic, bearer or api-key");
        }
        return sink.build();
    }

    static URI url(Settings s, String variable, String value) {
        try {
            URI uri = URI.create(value.trim());
            if (uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return uri;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw ConfigException.invalid(variable, value, "an http:// or https:// URL");
    }

    static Duration timeout(Settings s, String variable) {
        return s.duration(variable, Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(5));
    }

    static int maxBody(Settings s, String variable) {
        return (int) s.bytes(variable, 1L << 20, 4L << 10, 64L << 20);
    }
}
