package io.firetap.core.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkCatalogTest {

    @Test
    void theBuiltInSinksAreFoundByServiceLoader() {
        assertThat(SinkCatalog.load().names()).contains("file", "stdout");
    }

    @Test
    void theOriginalVariablesChooseTheDefaultSink() {
        assertThat(SinkCatalog.selectedNames(Settings.of(Map.of()))).containsExactly("firehose");
        assertThat(SinkCatalog.selectedNames(Settings.of(Map.of("FIRETAP_USE_DATA_STREAM", "true"))))
                .containsExactly("kinesis");
        assertThat(SinkCatalog.selectedNames(Settings.of(Map.of("FIRETAP_SINK", "Firehose, s3,firehose"))))
                .containsExactly("firehose", "s3");
    }

    @Test
    void anUnknownNameListsWhatWasFoundAndTheArtifactToAdd() {
        SinkContext context = SinkContext.of(Settings.of(Map.of("FIRETAP_SINK", "kinesis")));
        assertThatThrownBy(() -> SinkCatalog.load().create(context))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FIRETAP_SINK names sink 'kinesis', which is not on the class path")
                .hasMessageContaining("found: file, stdout")
                .hasMessageContaining("add io.firetap:firetap-sink-kinesis");
        SinkContext custom = SinkContext.of(Settings.of(Map.of("FIRETAP_SINK", "datadog")));
        assertThatThrownBy(() -> SinkCatalog.load().create(custom))
                .hasMessageContaining("a jar that provides a SinkProvider named 'datadog'");
    }

    @Test
    void severalSinksAreCreatedInOrder(@TempDir Path dir) {
        Path file = dir.resolve("out/logs.txt");
        SinkContext context = SinkContext.of(Settings.of(Map.of("FIRETAP_SINK", "file,stdout",
                "FIRETAP_FILE_PATH", file.toString())));
        List<Sink> sinks = SinkCatalog.load().create(context);
        assertThat(sinks).extracting(Sink::name).containsExactly("file", "stdout");
    }

    @Test
    void theFileSinkNeedsAPathAndAppendsPayloads(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> SinkCatalog.load().create(SinkContext.of(Settings.of(Map.of("FIRETAP_SINK", "file")))))
                .hasMessage("FIRETAP_FILE_PATH is not set: the file sink needs the path of the file to append to");
        Path file = dir.resolve("logs.txt");
        Sink sink = new FileSink.Provider().create(SinkContext.of(Settings.of(Map.of("FIRETAP_FILE_PATH", file.toString()))));
        assertThat(sink.send(List.of(SinkRecord.ofLine("a"), SinkRecord.ofLine("b"))).get().isSuccess()).isTrue();
        assertThat(sink.send(List.of(SinkRecord.ofLine("c"))).get().isSuccess()).isTrue();
        sink.shutdown().get();
        assertThat(Files.readString(file)).isEqualTo("a\nb\nc\n");
    }

    @Test
    void theStdoutSinkShowsEachBatchWithItsCounts() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StdoutSink sink = new StdoutSink(out, SinkLimits.generous());
        sink.send(List.of(new SinkRecord("x\ny\n".getBytes(StandardCharsets.UTF_8), 2, null, 0))).get();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("firetap[stdout] batch 1: 1 records, 2 lines, 4 bytes (2 lines so far)\nx\ny\n");
    }
}
