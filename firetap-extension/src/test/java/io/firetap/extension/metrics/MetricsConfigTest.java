package io.firetap.extension.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import io.firetap.extension.metrics.MetricsConfig.Destination;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MetricsConfigTest {

    private static MetricsConfig with(String name, String value) {
        return MetricsConfig.from(Settings.of(Map.of(name, value)));
    }

    private static void rejects(String name, String value, String allowedPart) {
        assertThatThrownBy(() -> with(name, value))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(name + "='" + value.trim() + "'")
                .hasMessageContaining(allowedPart)
                .satisfies(e -> assertThat(((ConfigException) e).variable()).isEqualTo(name));
    }

    @Test
    void offByDefaultEveryMinuteInTheFiretapNamespace() {
        MetricsConfig c = MetricsConfig.from(Settings.of(Map.of()));
        assertThat(c.enabled()).isFalse();
        assertThat(c.destinations()).isEmpty();
        assertThat(c.interval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.namespace()).isEqualTo("firetap");
        assertThat(c.describe()).isEqualTo("FIRETAP_METRICS=off");
    }

    @Test
    void destinationsAreOffStderrSinksOrBoth() {
        assertThat(with("FIRETAP_METRICS", "off").destinations()).isEmpty();
        assertThat(with("FIRETAP_METRICS", "stderr").destinations()).containsExactly(Destination.STDERR);
        assertThat(with("FIRETAP_METRICS", "SINKS").destinations()).containsExactly(Destination.SINKS);
        assertThat(with("FIRETAP_METRICS", " sinks , stderr ").destinations())
                .containsExactly(Destination.STDERR, Destination.SINKS);
        assertThat(with("FIRETAP_METRICS", "stderr,sinks").describe())
                .isEqualTo("FIRETAP_METRICS=stderr,sinks FIRETAP_METRICS_INTERVAL=1m FIRETAP_METRICS_NAMESPACE=firetap");
    }

    @Test
    void anythingElseIsRefusedNamingWhatIsAllowed() {
        rejects("FIRETAP_METRICS", "on", "off, stderr, sinks or stderr,sinks");
        rejects("FIRETAP_METRICS", "stdout", "off, stderr, sinks or stderr,sinks");
        rejects("FIRETAP_METRICS", "off,stderr", "off, stderr, sinks or stderr,sinks");
        rejects("FIRETAP_METRICS", ",", "off, stderr, sinks or stderr,sinks");
    }

    @Test
    void theIntervalIsADurationUpToAnHourAndZeroMeansEveryInvocation() {
        assertThat(with("FIRETAP_METRICS_INTERVAL", "10s").interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(with("FIRETAP_METRICS_INTERVAL", "0").interval()).isZero();
        assertThat(with("FIRETAP_METRICS_INTERVAL", "60m").interval()).isEqualTo(Duration.ofHours(1));
        rejects("FIRETAP_METRICS_INTERVAL", "61m", "a duration from 0ms to 60m");
        rejects("FIRETAP_METRICS_INTERVAL", "soon", "a duration from 0ms to 60m");
    }

    @Test
    void theNamespaceFollowsCloudWatchRules() {
        assertThat(with("FIRETAP_METRICS_NAMESPACE", "Team/Logs #1: firetap_x.y-z").namespace())
                .isEqualTo("Team/Logs #1: firetap_x.y-z");
        String allowed = "a CloudWatch namespace";
        rejects("FIRETAP_METRICS_NAMESPACE", "AWS/Lambda", allowed);
        rejects("FIRETAP_METRICS_NAMESPACE", ":firetap", allowed);
        rejects("FIRETAP_METRICS_NAMESPACE", "fire\"tap", allowed);
        rejects("FIRETAP_METRICS_NAMESPACE", "firetäp", allowed);
        rejects("FIRETAP_METRICS_NAMESPACE", "x".repeat(256), allowed);
        assertThat(with("FIRETAP_METRICS_NAMESPACE", "x".repeat(255)).namespace()).hasSize(255);
    }
}
