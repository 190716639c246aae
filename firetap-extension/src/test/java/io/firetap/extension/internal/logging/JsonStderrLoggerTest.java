package io.firetap.extension.internal.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

class JsonStderrLoggerTest {

    @Test
    void slf4jPicksThisProvider() {
        assertThat(LoggerFactory.getILoggerFactory()).isInstanceOf(JsonStderrLoggerFactory.class);
    }

    @Test
    void eachEventIsOneLineOfJsonWithLevelLoggerAndEscapedMessage() {
        String line = JsonStderrLogger.format(1_714_564_800_000L, Level.WARN, "io.firetap.X",
                "quote \" backslash \\ newline \n tab \t nul \u0000 lone \ud800 é", new IOException("boom"));
        assertThat(line).endsWith("}\n");
        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        assertThat(o.get("time").getAsString()).isEqualTo("2024-05-01T12:00:00.000Z");
        assertThat(o.get("level").getAsString()).isEqualTo("WARN");
        assertThat(o.get("logger").getAsString()).isEqualTo("io.firetap.X");
        assertThat(o.get("message").getAsString()).startsWith("quote \" backslash \\ newline \n tab \t nul \u0000");
        assertThat(o.get("error").getAsString()).isEqualTo("java.io.IOException: boom");
        assertThat(o.get("stack").getAsString()).contains("at io.firetap.extension.internal.logging.JsonStderrLoggerTest");
        assertThat(JsonStderrServiceProvider.looksLikeDiagnostic(line)).isTrue();
        assertThat(JsonStderrServiceProvider.looksLikeDiagnostic("{\"time\":\"x\",\"level\":\"INFO\"}")).isFalse();
    }

    @Test
    void theTimeIsUtcWithMillisecondsAndAlwaysTheSameWidth() {
        assertThat(time(1_714_564_800_000L)).isEqualTo("2024-05-01T12:00:00.000Z");
        assertThat(time(1_714_564_859_007L)).isEqualTo("2024-05-01T12:00:59.007Z");
        assertThat(time(1_735_689_599_999L)).isEqualTo("2024-12-31T23:59:59.999Z");
        assertThat(time(86_400_050L)).isEqualTo("1970-01-02T00:00:00.050Z");
    }

    private static String time(long epochMillis) {
        String line = JsonStderrLogger.format(epochMillis, Level.INFO, "t", "m", null);
        return JsonParser.parseString(line).getAsJsonObject().get("time").getAsString();
    }

    @Test
    void thresholdAndFormattingThroughTheSlf4jApi() {
        JsonStderrLoggerFactory factory = new JsonStderrLoggerFactory(LogLevel.INFO);
        Logger log = factory.getLogger("t");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            log.debug("hidden {}", 1);
            log.info("shown {} of {}", 1, 2);
            log.warn("with error", new IllegalStateException("bad"));
            log.atError().setMessage("fluent {}").addArgument("api").log();
            factory.setLevel(LogLevel.OFF);
            log.error("silenced");
        } finally {
            System.setErr(saved);
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(3);
        assertThat(JsonParser.parseString(lines[0]).getAsJsonObject().get("message").getAsString()).isEqualTo("shown 1 of 2");
        assertThat(JsonParser.parseString(lines[1]).getAsJsonObject().get("error").getAsString())
                .isEqualTo("java.lang.IllegalStateException: bad");
        JsonObject fluent = JsonParser.parseString(lines[2]).getAsJsonObject();
        assertThat(fluent.get("message").getAsString()).isEqualTo("fluent api");
        assertThat(fluent.get("level").getAsString()).isEqualTo("ERROR");
    }

    @Test
    void levelsParse() {
        assertThat(LogLevel.parse("Trace")).isEqualTo(LogLevel.TRACE);
        assertThat(LogLevel.parse("off")).isEqualTo(LogLevel.OFF);
        assertThat(LogLevel.parse("loud")).isNull();
        assertThat(LogLevel.WARN.admits(Level.ERROR)).isTrue();
        assertThat(LogLevel.WARN.admits(Level.INFO)).isFalse();
    }
}
