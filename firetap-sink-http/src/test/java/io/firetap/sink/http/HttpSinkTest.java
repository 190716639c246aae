package io.firetap.sink.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.firetap.core.FunctionMetadata;
import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.core.sink.SinkContext;
import io.firetap.testkit.http.HttpReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpSinkTest {

    @Test
    void theJsonFormatCarriesEachLineWithItsTimeTypeAndFunction() {
        try (HttpReceiver receiver = HttpReceiver.start(1)) {
            ShippingPipeline pipeline = pipeline(receiver, Map.of("FIRETAP_HTTP_FORMAT", "json",
                    "AWS_LAMBDA_FUNCTION_NAME", "checkout", "AWS_LAMBDA_FUNCTION_VERSION", "7",
                    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256", "AWS_REGION", "eu-west-1"));
            pipeline.offer(LogLine.of("first".getBytes(StandardCharsets.UTF_8), 1_700_000_000_000L, Source.WRAPPER, "req-1"));
            pipeline.offer(LogLine.of("second \"quoted\"".getBytes(StandardCharsets.UTF_8), 1_700_000_000_000L, Source.WRAPPER, "req-1"));
            assertThat(pipeline.flush(Duration.ofSeconds(10)).complete()).isTrue();
            pipeline.shutdown(Duration.ofSeconds(2));

            HttpReceiver.Received request = receiver.requests().get(0);
            assertThat(request.header("Content-Type")).isEqualTo("application/json");
            JsonArray logs = JsonParser.parseString(request.text()).getAsJsonObject().getAsJsonArray("logs");
            assertThat(logs).hasSize(2);
            JsonObject second = logs.get(1).getAsJsonObject();
            assertThat(second.get("message").getAsString()).isEqualTo("second \"quoted\"");
            assertThat(second.get("type").getAsString()).isEqualTo("function");
            assertThat(second.get("timestamp").getAsString()).isEqualTo("2023-11-14T22:13:20Z");
            JsonObject function = second.getAsJsonObject("function");
            assertThat(function.get("name").getAsString()).isEqualTo("checkout");
            assertThat(function.get("version").getAsString()).isEqualTo("7");
            assertThat(function.get("memoryMb").getAsInt()).isEqualTo(256);
            assertThat(function.get("region").getAsString()).isEqualTo("eu-west-1");
        }
    }

    @Test
    void basicAndApiKeyAuthSendTheirHeaders() {
        try (HttpReceiver basic = HttpReceiver.start(2).expectAuthorization("Basic dXNlcjpwYXNz");
             HttpReceiver apiKey = HttpReceiver.start(3)) {
            ShippingPipeline one = pipeline(basic, Map.of("FIRETAP_HTTP_AUTH", "basic",
                    "FIRETAP_HTTP_AUTH_USER", "user", "FIRETAP_HTTP_AUTH_PASSWORD", "pass"));
            ShippingPipeline two = pipeline(apiKey, Map.of("FIRETAP_HTTP_AUTH", "api-key",
                    "FIRETAP_HTTP_AUTH_HEADER", "DD-API-KEY", "FIRETAP_HTTP_AUTH_TOKEN", "k-123"));
            one.offer(LogLine.ofUtf8("hello", Source.SOCKET));
            two.offer(LogLine.ofUtf8("hello", Source.SOCKET));

            assertThat(one.flush(Duration.ofSeconds(10)).complete()).isTrue();
            assertThat(two.flush(Duration.ofSeconds(10)).complete()).isTrue();
            one.shutdown(Duration.ofSeconds(2));
            two.shutdown(Duration.ofSeconds(2));
            assertThat(basic.lines()).containsExactly("hello");
            assertThat(apiKey.requests().get(0).header("DD-API-KEY")).isEqualTo("k-123");
        }
    }

    @Test
    void aRefusalIsFinalAndCountedNotRetriedForever() {
        try (HttpReceiver receiver = HttpReceiver.start(4).expectAuthorization("Bearer right")) {
            ShippingPipeline pipeline = pipeline(receiver, Map.of("FIRETAP_HTTP_AUTH", "bearer", "FIRETAP_HTTP_AUTH_TOKEN", "wrong"));
            pipeline.offer(LogLine.ofUtf8("refused", Source.SOCKET));

            assertThat(pipeline.flush(Duration.ofSeconds(10)).complete()).isTrue();
            assertThat(pipeline.counters().sink("http").rejectedLines()).isEqualTo(1);
            assertThat(receiver.requests()).isEmpty();
            pipeline.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        assertThat(HttpSink.retryAfter("3")).isEqualTo(Duration.ofSeconds(3));
        assertThat(HttpSink.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(HttpSink.retryAfter("soon")).isNull();
        assertThat(HttpSink.retryAfter(null)).isNull();
    }

    @Test
    void misconfigurationNamesTheVariable() {
        assertThatThrownBy(() -> new HttpSinkProvider().create(SinkContext.of(Settings.of(Map.of()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("FIRETAP_HTTP_ENDPOINT");
        assertThatThrownBy(() -> new HttpSinkProvider().create(SinkContext.of(Settings.of(Map.of(
                "FIRETAP_HTTP_ENDPOINT", "http://127.0.0.1:1", "FIRETAP_HTTP_AUTH", "oauth")))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("FIRETAP_HTTP_AUTH='oauth'");
    }

    @Test
    void aSinkBuiltInCodeSendsWhatTheSameVariablesWouldAndSplunkFieldsDefaultFromTheFunction() throws Exception {
        FunctionMetadata checkout = new FunctionMetadata("checkout", "7", 256, "eu-west-1", "x86_64", "", "");
        try (HttpReceiver json = HttpReceiver.start(5).expectAuthorization("Bearer t-1");
             HttpReceiver hec = HttpReceiver.start(6).expectAuthorization("Splunk hec-1");
             HttpSink byCode = HttpSink.builder(json.uri()).json().header("Authorization", "Bearer t-1").gzip(true)
                     .function(checkout).build();
             HttpSink splunk = HttpSink.splunk(hec.uri(), "hec-1").function(checkout).build()) {
            ShippingPipeline one = ShippingPipeline.builder().function(checkout).sink(byCode).build();
            ShippingPipeline two = ShippingPipeline.builder().function(checkout).sink(splunk).build();
            one.offer(LogLine.ofUtf8("built in code", Source.SOCKET));
            two.offer(LogLine.ofUtf8("to splunk", Source.SOCKET));
            assertThat(one.flush(Duration.ofSeconds(10)).complete()).isTrue();
            assertThat(two.flush(Duration.ofSeconds(10)).complete()).isTrue();

            assertThat(json.requests()).singleElement().satisfies(r -> {
                assertThat(r.header("Content-Type")).isEqualTo("application/json");
                assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
            });
            JsonArray logs = JsonParser.parseString(json.requests().get(0).text()).getAsJsonObject().getAsJsonArray("logs");
            assertThat(logs).singleElement().satisfies(l -> assertThat(l.getAsJsonObject().get("message").getAsString())
                    .isEqualTo("built in code"));
            assertThat(hec.requests()).singleElement().satisfies(r -> assertThat(r.path()).isEqualTo("/services/collector/event"));
            assertThat(hec.hecEvents()).singleElement().satisfies(e -> {
                assertThat(e.get("host").getAsString()).isEqualTo("checkout");
                assertThat(e.get("source").getAsString()).isEqualTo("lambda:checkout");
                assertThat(e.get("sourcetype").getAsString()).isEqualTo("aws:lambda");
            });
            one.shutdown(Duration.ofSeconds(2));
            two.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void theBuilderRefusesWhatCannotWork() {
        assertThatThrownBy(() -> HttpSink.builder(java.net.URI.create("ftp://example.com/")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> HttpSink.builder(java.net.URI.create("https://example.com/")).timeout(Duration.ofMillis(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> HttpSink.splunk(java.net.URI.create("https://splunk.example.com:8088"), "t").json())
                .isInstanceOf(IllegalStateException.class);
    }

    private static ShippingPipeline pipeline(HttpReceiver receiver, Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(extra);
        values.put("FIRETAP_HTTP_ENDPOINT", receiver.uri().toString());
        values.put("FIRETAP_RETRY_BASE", "5ms");
        Settings settings = Settings.of(values);
        return ShippingPipeline.builder().config(PipelineConfig.from(settings)).function(FunctionMetadata.from(settings))
                .sink(new HttpSinkProvider().create(SinkContext.of(settings))).build();
    }
}
