package io.firetap.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firetap.core.pipeline.LineFormat;
import io.firetap.core.pipeline.OverflowPolicy;
import io.firetap.core.pipeline.PipelineConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void unsetAndBlankMeanTheDefault() {
        Settings s = Settings.of(Map.of("FIRETAP_FORMAT", "  "));
        assertThat(s.string("FIRETAP_FORMAT", "d")).isEqualTo("d");
        assertThat(s.integer("FIRETAP_B", 7, 0, 10)).isEqualTo(7);
        assertThat(PipelineConfig.from(Settings.of(Map.of()))).isEqualTo(PipelineConfig.defaults());
    }

    @Test
    void parsesSizesDurationsFlagsChoicesAndLists() {
        Settings s = Settings.of(Map.of("SIZE", "8MiB", "SIZE2", "512 KiB", "SIZE3", "4MB", "SIZE4", "1234",
                "DUR", "250ms", "DUR2", "2s", "DUR3", "1m", "FLAG", "Yes", "CHOICE", "Drop", "LIST", " a, b ,,c "));
        assertThat(s.bytes("SIZE", 0, 0, Long.MAX_VALUE)).isEqualTo(8L << 20);
        assertThat(s.bytes("SIZE2", 0, 0, Long.MAX_VALUE)).isEqualTo(512L << 10);
        assertThat(s.bytes("SIZE3", 0, 0, Long.MAX_VALUE)).isEqualTo(4_000_000L);
        assertThat(s.bytes("SIZE4", 0, 0, Long.MAX_VALUE)).isEqualTo(1234L);
        assertThat(s.duration("DUR", Duration.ZERO, Duration.ZERO, Duration.ofDays(1))).isEqualTo(Duration.ofMillis(250));
        assertThat(s.duration("DUR2", Duration.ZERO, Duration.ZERO, Duration.ofDays(1))).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.duration("DUR3", Duration.ZERO, Duration.ZERO, Duration.ofDays(1))).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.flag("FLAG", false)).isTrue();
        assertThat(s.choice("CHOICE", OverflowPolicy.BLOCK, OverflowPolicy.class)).isEqualTo(OverflowPolicy.DROP);
        assertThat(s.list("LIST", List.of())).containsExactly("a", "b", "c");
    }

    @Test
    void badValuesNameTheVariableTheValueAndWhatIsAllowed() {
        Settings s = Settings.of(Map.of(
                PipelineConfig.FLUSH_INTERVAL, "soon",
                PipelineConfig.BUFFER_BYTES, "12 parsecs",
                PipelineConfig.FORMAT, "xml",
                PipelineConfig.PACKING, "maybe",
                PipelineConfig.BATCH_MAX_RECORDS, "0"));
        assertThatThrownBy(() -> s.duration(PipelineConfig.FLUSH_INTERVAL, Duration.ZERO, Duration.ZERO, Duration.ofHours(1)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FIRETAP_FLUSH_INTERVAL='soon' is not valid: expected a duration from 0ms to 60m");
        assertThatThrownBy(() -> PipelineConfig.from(s.with(PipelineConfig.FLUSH_INTERVAL, null)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FIRETAP_BUFFER_BYTES='12 parsecs'").hasMessageContaining("64KiB to 1GiB");
        assertThatThrownBy(() -> s.choice(PipelineConfig.FORMAT, LineFormat.RAW, LineFormat.class))
                .hasMessage("FIRETAP_FORMAT='xml' is not valid: expected one of raw, json");
        assertThatThrownBy(() -> s.flag(PipelineConfig.PACKING, true))
                .hasMessage("FIRETAP_PACKING='maybe' is not valid: expected true or false");
        assertThatThrownBy(() -> s.integer(PipelineConfig.BATCH_MAX_RECORDS, 500, 1, 500))
                .hasMessage("FIRETAP_BATCH_MAX_RECORDS='0' is not valid: expected a whole number from 1 to 500");
        assertThatThrownBy(() -> Settings.of(Map.of()).required("FIRETAP_STREAM_NAME", "the firehose sink needs it"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("FIRETAP_STREAM_NAME is not set: the firehose sink needs it")
                .extracting(e -> ((ConfigException) e).variable()).isEqualTo("FIRETAP_STREAM_NAME");
    }

    @Test
    void outOfRangeValuesAreRefusedToo() {
        Settings s = Settings.of(Map.of(PipelineConfig.BUFFER_BYTES, "1KiB", PipelineConfig.RETRY_BASE, "5s",
                PipelineConfig.RETRY_MAX, "1s"));
        assertThatThrownBy(() -> PipelineConfig.from(s)).hasMessageContaining("FIRETAP_BUFFER_BYTES='1KiB'");
        assertThatThrownBy(() -> PipelineConfig.from(s.with(PipelineConfig.BUFFER_BYTES, null)))
                .hasMessageContaining("FIRETAP_RETRY_MAX='1s' is not valid");
    }

    @Test
    void toStringNeverShowsValues() {
        assertThat(Settings.of(Map.of("AWS_SECRET_ACCESS_KEY", "s3cr3t")).toString()).doesNotContain("s3cr3t");
    }

    @Test
    void sizesAndDurationsPrintTheWayTheyParse() {
        assertThat(Sizes.format(4L << 20)).isEqualTo("4MiB");
        assertThat(Sizes.format(1000 * 1024)).isEqualTo("1000KiB");
        assertThat(Sizes.format(1234)).isEqualTo("1234B");
        assertThat(Sizes.parse("9999999999999GiB")).isEmpty();
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.parse("500us")).contains(Duration.ofNanos(500_000));
        assertThat(Durations.parse("2h")).isEmpty();
    }
}
