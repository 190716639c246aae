package io.firetap.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PipelineConfigBuilderTest {

    @Test
    void anUntouchedBuilderAndNoVariablesBothGiveTheDefaults() {
        assertThat(PipelineConfig.builder().build()).isEqualTo(PipelineConfig.defaults());
        assertThat(PipelineConfig.from(Settings.of(Map.of()))).isEqualTo(PipelineConfig.defaults());
    }

    @Test
    void theVariablesAndTheBuilderDescribeTheSameConfiguration() {
        PipelineConfig fromVariables = PipelineConfig.from(Settings.of(Map.of(
                "FIRETAP_FLUSH_INTERVAL", "250ms",
                "FIRETAP_BUFFER_BYTES", "2MiB",
                "FIRETAP_OVERFLOW", "drop",
                "FIRETAP_PACKING", "false",
                "FIRETAP_RETRY_BASE", "10ms",
                "FIRETAP_RETRY_MAX", "1s",
                "FIRETAP_S3_DELIVERY", "best-effort",
                "FIRETAP_SPILL_DIR", "/var/tmp/spill",
                "FIRETAP_SPILL_MAX_BYTES", "16MiB")));
        PipelineConfig inCode = PipelineConfig.builder()
                .flushInterval(Duration.ofMillis(250))
                .bufferBytes(2L << 20)
                .overflow(OverflowPolicy.DROP)
                .packing(false)
                .retry(Duration.ofMillis(10), Duration.ofSeconds(1))
                .delivery("s3", DeliveryClass.BEST_EFFORT)
                .spillDir(java.nio.file.Path.of("/var/tmp/spill"))
                .spillMaxBytes(16L << 20)
                .build();

        assertThat(inCode).isEqualTo(fromVariables);
        assertThat(inCode.toBuilder().build()).isEqualTo(inCode);
    }

    @Test
    void aBadVariableStillNamesTheVariableTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> PipelineConfig.from(Settings.of(Map.of("FIRETAP_FLUSH_INTERVAL", "0ms"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("FIRETAP_FLUSH_INTERVAL='0ms' is not valid: expected a duration from 1ms to 15m such as"
                        + " 250ms, 2s or a number of milliseconds");
        assertThatThrownBy(() -> PipelineConfig.from(Settings.of(Map.of("FIRETAP_RETRY_BASE", "2s",
                "FIRETAP_RETRY_MAX", "1s"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("FIRETAP_RETRY_MAX='1s' is not valid: expected a duration no shorter than"
                        + " FIRETAP_RETRY_BASE");
    }

    @Test
    void blockIsTheDefaultOverflowAndSpillGoesToABoundedDirectoryUnderTmp() {
        PipelineConfig defaults = PipelineConfig.defaults();
        assertThat(defaults.overflow()).isEqualTo(OverflowPolicy.BLOCK);
        assertThat(defaults.spillDir()).hasToString("/tmp/firetap-spill");
        assertThat(defaults.spillMaxBytes()).isEqualTo(64L << 20);
        assertThat(defaults.spillSegmentBytes()).isEqualTo(4L << 20);
        assertThat(defaults.withSpill(defaults.spillDir(), 1L << 20).spillSegmentBytes()).isEqualTo(256L << 10);
        assertThatThrownBy(() -> PipelineConfig.from(Settings.of(Map.of("FIRETAP_SPILL_DIR", "spill"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("FIRETAP_SPILL_DIR='spill' is not valid: expected an absolute directory path, e.g."
                        + " /tmp/firetap-spill");
        assertThatThrownBy(() -> PipelineConfig.from(Settings.of(Map.of("FIRETAP_SPILL_MAX_BYTES", "512KiB"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("FIRETAP_SPILL_MAX_BYTES='512KiB'");
        assertThatThrownBy(() -> PipelineConfig.from(Settings.of(Map.of("FIRETAP_OVERFLOW", "disk"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("spill");
    }

    @Test
    void everySetterRefusesWhatItsVariableWouldRefuse() {
        PipelineConfig.Builder b = PipelineConfig.builder();
        assertThatThrownBy(() -> b.flushInterval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("flushInterval must be from 1ms to 15m");
        assertThatThrownBy(() -> b.bufferBytes(1024)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bufferBytes must be from 65536");
        assertThatThrownBy(() -> b.maxBatchRecords(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.maxRecordBytes(255)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.retry(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no shorter than retry base");
        assertThatThrownBy(() -> b.sendTimeout(null)).isInstanceOf(NullPointerException.class).hasMessage("sendTimeout");
        assertThatThrownBy(() -> b.overflow(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.spillDir(java.nio.file.Path.of("relative"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.spillMaxBytes(1024)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spillMaxBytes must be from 1048576");
    }
}
