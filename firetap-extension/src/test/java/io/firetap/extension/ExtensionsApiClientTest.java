package io.firetap.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExtensionsApiClientTest {
    private final FakeExtensionsApi api;
    private final ExtensionsApiClient client;

    ExtensionsApiClientTest() throws Exception {
        api = new FakeExtensionsApi();
        client = ExtensionsApiClient.create(api.hostPort(), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void registersWithTheLauncherNameForInvokeAndShutdown() throws Exception {
        Registration r = client.register("firetap");
        assertThat(r.identifier()).isEqualTo(FakeExtensionsApi.IDENTIFIER);
        assertThat(r.functionName()).isEqualTo("fn");
        assertThat(r.handler()).isEqualTo("h.main");
        assertThat(r.toString()).doesNotContain(FakeExtensionsApi.IDENTIFIER);
        assertThat(client.toString()).doesNotContain(FakeExtensionsApi.IDENTIFIER);
        FakeExtensionsApi.Request req = api.last("/register");
        assertThat(req.method()).isEqualTo("POST");
        assertThat(req.header("Lambda-Extension-Name")).isEqualTo("firetap");
        JsonObject body = JsonParser.parseString(req.body()).getAsJsonObject();
        assertThat(body.get("events").toString()).isEqualTo("[\"INVOKE\",\"SHUTDOWN\"]");
    }

    @Test
    void aRefusedRegistrationSaysWhyWithoutTheIdentifier() {
        api.expectedName = "other";
        assertThatThrownBy(() -> client.register("firetap"))
                .isInstanceOf(ExtensionsApiException.class)
                .hasMessageContaining("HTTP 403")
                .hasMessageContaining("name mismatch")
                .satisfies(e -> assertThat(((ExtensionsApiException) e).status()).isEqualTo(403));
    }

    @Test
    void callsBeforeRegisteringAreRefusedLocally() {
        assertThatThrownBy(client::next).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void nextReturnsTypedEventsWithTheIdentifierSent() throws Exception {
        client.register("firetap");
        api.events.add("{\"eventType\":\"INVOKE\",\"deadlineMs\":1700000000123,\"requestId\":\"r-1\","
                + "\"invokedFunctionArn\":\"arn:aws:lambda:eu-west-1:1:function:fn\",\"tracing\":{}}");
        api.events.add("{\"eventType\":\"SHUTDOWN\",\"shutdownReason\":\"spindown\",\"deadlineMs\":1700000002000}");
        assertThat(client.next()).isEqualTo(new ExtensionEvent.Invoke("r-1", 1700000000123L,
                "arn:aws:lambda:eu-west-1:1:function:fn"));
        assertThat(client.next()).isEqualTo(new ExtensionEvent.Shutdown("spindown", 1700000002000L));
        assertThat(api.last("/event/next").header("Lambda-Extension-Identifier")).isEqualTo(FakeExtensionsApi.IDENTIFIER);
        assertThat(api.last("/event/next").method()).isEqualTo("GET");
    }

    @Test
    void eventParsingIsStrictAboutWhatMatters() throws Exception {
        assertThat(ExtensionsApiClient.parseEvent("{\"eventType\":\"NEW\",\"deadlineMs\":5}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new ExtensionEvent.Other("NEW", 5));
        assertThatThrownBy(() -> ExtensionsApiClient.parseEvent("{\"eventType\":\"INVOKE\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("requestId");
        assertThatThrownBy(() -> ExtensionsApiClient.parseEvent("not json".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("malformed");
    }

    @Test
    void initAndExitErrorsCarryTheTypeHeaderAndTheMessage() throws Exception {
        client.register("firetap");
        client.initError("Extension.ConfigInvalid", "FIRETAP_TELEMETRY='x' is not valid");
        FakeExtensionsApi.Request init = api.last("/init/error");
        assertThat(init.header("Lambda-Extension-Function-Error-Type")).isEqualTo("Extension.ConfigInvalid");
        assertThat(init.header("Lambda-Extension-Identifier")).isEqualTo(FakeExtensionsApi.IDENTIFIER);
        assertThat(JsonParser.parseString(init.body()).getAsJsonObject().get("errorMessage").getAsString())
                .isEqualTo("FIRETAP_TELEMETRY='x' is not valid");
        client.exitError("Extension.Crash", "boom");
        assertThat(api.last("/exit/error").header("Lambda-Extension-Function-Error-Type")).isEqualTo("Extension.Crash");
    }

    @Test
    void subscribesToTelemetryWithTheBufferingAndDestination() throws Exception {
        client.register("firetap");
        client.subscribeTelemetry(EnumSet.of(TelemetryType.PLATFORM, TelemetryType.FUNCTION),
                URI.create("http://sandbox.localdomain:4243"), 1000, 262144, 25);
        FakeExtensionsApi.Request req = api.last("/telemetry");
        assertThat(req.method()).isEqualTo("PUT");
        JsonObject body = JsonParser.parseString(req.body()).getAsJsonObject();
        assertThat(body.get("schemaVersion").getAsString()).isEqualTo("2022-12-13");
        assertThat(body.get("types").toString()).isEqualTo("[\"function\",\"platform\"]");
        assertThat(body.get("buffering").toString()).isEqualTo("{\"maxItems\":1000,\"maxBytes\":262144,\"timeoutMs\":25}");
        assertThat(body.get("destination").toString())
                .isEqualTo("{\"protocol\":\"HTTP\",\"URI\":\"http://sandbox.localdomain:4243\"}");
    }

    @Test
    void runtimeApiVariableIsRequiredAndValidated() {
        assertThatThrownBy(() -> ExtensionsApiClient.fromSettings(Settings.of(Map.of())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("AWS_LAMBDA_RUNTIME_API is not set");
        assertThatThrownBy(() -> ExtensionsApiClient.fromSettings(Settings.of(Map.of("AWS_LAMBDA_RUNTIME_API", "a b/c"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("AWS_LAMBDA_RUNTIME_API='a b/c'")
                .hasMessageContaining("host:port");
    }
}
