package io.firetap.sink.http;

import io.firetap.core.FunctionMetadata;
import io.firetap.core.config.Settings;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkContext;
import io.firetap.core.sink.SinkProvider;
import java.net.URI;

/**
 * {@code FIRETAP_SINK=splunk}: events to Splunk's HTTP Event Collector at
 * {@code FIRETAP_SPLUNK_URL}/services/collector/event with {@code Authorization: Splunk <token>}.
 * HEC answers busy (503, code 9) and server errors are retried; a bad token (403) or bad data
 * (400) is final.
 */
public final class SplunkSinkProvider implements SinkProvider {
    public static final String URL = "FIRETAP_SPLUNK_URL";
    public static final String TOKEN = "FIRETAP_SPLUNK_TOKEN";
    public static final String INDEX = "FIRETAP_SPLUNK_INDEX";
    public static final String SOURCE = "FIRETAP_SPLUNK_SOURCE";
    public static final String SOURCETYPE = "FIRETAP_SPLUNK_SOURCETYPE";
    public static final String HOST = "FIRETAP_SPLUNK_HOST";
    public static final String TIMEOUT = "FIRETAP_SPLUNK_TIMEOUT";
    public static final String GZIP = "FIRETAP_SPLUNK_GZIP";
    public static final String MAX_BODY_BYTES = "FIRETAP_SPLUNK_MAX_BODY_BYTES";

    @Override
    public String name() {
        return "splunk";
    }

    @Override
    public Sink create(SinkContext context) {
        Settings s = context.settings();
        String base = s.required(URL, "the splunk sink needs the HEC base URL, e.g. https://splunk.example.com:8088");
        URI root = HttpSinkProvider.url(s, URL, base);
        String token = s.required(TOKEN, "the splunk sink needs a HEC token");
        FunctionMetadata function = context.function();
        String name = function.name() == null || function.name().isEmpty() ? "lambda" : function.name();
        return HttpSink.splunk(root, token).function(function)
                .splunkFields(s.string(HOST, name), s.string(SOURCE, "lambda:" + name), s.string(SOURCETYPE, "aws:lambda"),
                        s.get(INDEX).orElse(null))
                .timeout(HttpSinkProvider.timeout(s, TIMEOUT)).gzip(s.flag(GZIP, false))
                .maxBodyBytes(HttpSinkProvider.maxBody(s, MAX_BODY_BYTES))
                .build();
    }
}
