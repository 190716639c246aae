package io.firetap.extension.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import io.firetap.extension.TelemetryType;
import io.firetap.extension.internal.logging.LogLevel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExtensionConfigTest {

    private static ExtensionConfig with(String name, String value) {
        return ExtensionConfig.from(Settings.of(Map.of(name, value)));
    }

    private static void rejects(String name, String value, String allowedPart) {
        assertThatThrownBy(() -> with(name, value))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(name + "='" + value.trim() + "'")
                .hasMessageContaining(allowedPart)
                .satisfies(e -> assertThat(((ConfigException) e).variable()).isEqualTo(name));
    }

    @Test
    void defaults() {
        ExtensionConfig c = ExtensionConfig.defaults();
        assertThat(c.socketPath()).isEqualTo(Path.of("/tmp/firetap.sock"));
        assertThat(c.maxLineBytes()).isEqualTo(256 * 1024);
        assertThat(c.maxClients()).isEqualTo(64);
        assertThat(c.telemetry()).containsExactly(TelemetryType.FUNCTION);
        assertThat(c.telemetryPort()).isZero();
        assertThat(c.logLevel()).isEqualTo(LogLevel.INFO);
    }

    @Test
    void telemetryTakesOffOrAListOfTypes() {
        assertThat(with("FIRETAP_TELEMETRY", "off").telemetry()).isEmpty();
        assertThat(with("FIRETAP_TELEMETRY", "OFF").telemetryEnabled()).isFalse();
        assertThat(with("FIRETAP_TELEMETRY", " platform , Function,extension").telemetry())
                .containsExactly(TelemetryType.FUNCTION, TelemetryType.PLATFORM, TelemetryType.EXTENSION);
        rejects("FIRETAP_TELEMETRY", "function,logs", "off, or a comma-separated list of function, platform, extension");
        rejects("FIRETAP_TELEMETRY", "off,function", "off, or a comma-separated list");
        rejects("FIRETAP_TELEMETRY", ",", "off, or a comma-separated list");
    }

    @Test
    void socketPathMustBeAbsoluteAndShortEnough() {
        assertThat(with("FIRETAP_SOCKET_PATH", "/run/x/../ft.sock").socketPath()).isEqualTo(Path.of("/run/ft.sock"));
        rejects("FIRETAP_SOCKET_PATH", "relative.sock", "an absolute file path of at most 96 bytes");
        rejects("FIRETAP_SOCKET_PATH", "/tmp/", "an absolute file path");
        rejects("FIRETAP_SOCKET_PATH", "/tmp/" + "x".repeat(100), "at most 96 bytes");
    }

    @Test
    void sizesCountsAndPortsAreBounded() {
        assertThat(with("FIRETAP_MAX_LINE_BYTES", "1MiB").maxLineBytes()).isEqualTo(1 << 20);
        rejects("FIRETAP_MAX_LINE_BYTES", "100", "a size from 1KiB to 16MiB");
        rejects("FIRETAP_MAX_LINE_BYTES", "lots", "a size from 1KiB to 16MiB");
        rejects("FIRETAP_SOCKET_MAX_CLIENTS", "0", "a whole number from 1 to 4096");
        assertThat(with("FIRETAP_TELEMETRY_PORT", "4243").telemetryPort()).isEqualTo(4243);
        rejects("FIRETAP_TELEMETRY_PORT", "9001", "other than 9001");
        rejects("FIRETAP_TELEMETRY_PORT", "80", "from 1024 to 65535");
        rejects("FIRETAP_TELEMETRY_PORT", "70000", "a whole number from 0 to 65535");
    }

    @Test
    void theIntakePathMustBeAbsolute() {
        assertThat(with("FIRETAP_INTAKE_PATH", "/var/run/f.fifo").intakePath()).hasToString("/var/run/f.fifo");
        rejects("FIRETAP_INTAKE_PATH", "relative.fifo", "an absolute file path");
        rejects("FIRETAP_INTAKE_PATH", "/tmp/", "an absolute file path");
    }

    @Test
    void logLevelIsValidated() {
        assertThat(with("FIRETAP_LOG_LEVEL", "DEBUG").logLevel()).isEqualTo(LogLevel.DEBUG);
        assertThat(with("FIRETAP_LOG_LEVEL", "warning").logLevel()).isEqualTo(LogLevel.WARN);
        rejects("FIRETAP_LOG_LEVEL", "verbose", "one of trace, debug, info, warn, error, off");
    }

    @Test
    void describeNamesTheSettingsAndNoSecrets() {
        assertThat(ExtensionConfig.defaults().describe())
                .isEqualTo("FIRETAP_SOCKET_PATH=/tmp/firetap.sock FIRETAP_INTAKE_PATH=/tmp/firetap.fifo"
                        + " FIRETAP_MAX_LINE_BYTES=256KiB FIRETAP_TELEMETRY=function");
    }
}
