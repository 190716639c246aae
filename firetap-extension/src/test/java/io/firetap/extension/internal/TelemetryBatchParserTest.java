package io.firetap.extension.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.extension.TelemetryType;
import io.firetap.extension.internal.TelemetryBatchParser.Item;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TelemetryBatchParserTest {
    private static final long NOW = 1_700_000_000_000L;

    private static TelemetryBatchParser.Result parse(TelemetryBatchParser parser, String batch, boolean shipFunction)
            throws Exception {
        return parser.parse(batch.getBytes(StandardCharsets.UTF_8), shipFunction, "fallback", NOW);
    }

    private static List<LogLine> lines(TelemetryBatchParser.Result result) {
        return result.items().stream().filter(Item.Line.class::isInstance).map(i -> ((Item.Line) i).record()).toList();
    }

    @Test
    void lambdasTimeFormIsReadAsInstantParseReadsIt() {
        for (String t : List.of("2024-05-01T12:00:00.000Z", "2024-02-29T23:59:59.999Z", "1970-01-01T00:00:00Z",
                "2024-05-01T12:00:00.1Z", "2024-05-01T12:00:00.123456789Z", "1969-12-31T23:59:59.500Z",
                "2100-12-31T01:02:03.04Z")) {
            assertThat(TelemetryBatchParser.isoUtcMillis(t)).as(t).isEqualTo(Instant.parse(t).toEpochMilli());
        }
    }

    @Test
    void otherTimeFormsAreLeftToTheGeneralParserOrTheFallback() throws Exception {
        for (String t : List.of("2024-05-01T12:00:00.000+02:00", "2023-02-29T00:00:00Z", "2024-05-01T24:00:00Z",
                "2024-05-01T12:00:00.Z", "2024-05-01 12:00:00Z", "+12024-05-01T12:00:00Z", "yesterday")) {
            assertThat(TelemetryBatchParser.isoUtcMillis(t)).as(t).isEqualTo(Long.MIN_VALUE);
        }
        TelemetryBatchParser parser = new TelemetryBatchParser(EnumSet.of(TelemetryType.FUNCTION));
        List<LogLine> lines = lines(parse(parser, "[{\"time\":\"2024-05-01T12:00:00.000+02:00\",\"type\":\"function\","
                + "\"record\":\"offset\"},{\"time\":\"yesterday\",\"type\":\"function\",\"record\":\"bad time\"}]", true));
        assertThat(lines).extracting(LogLine::timestampMillis)
                .containsExactly(Instant.parse("2024-05-01T10:00:00Z").toEpochMilli(), NOW);
    }

    @Test
    void functionRecordsNotShippedAreCountedWhereverTheirTypeComes() throws Exception {
        TelemetryBatchParser parser = new TelemetryBatchParser(EnumSet.of(TelemetryType.FUNCTION, TelemetryType.PLATFORM));
        TelemetryBatchParser.Result result = parse(parser, "[{\"time\":\"2024-05-01T12:00:00.000Z\",\"type\":\"function\","
                + "\"record\":{\"message\":[1,{\"deep\":\"x\"}]}},"
                + "{\"record\":\"type last\",\"type\":\"function\",\"time\":\"2024-05-01T12:00:00.000Z\"},"
                + "{\"time\":\"2024-05-01T12:00:01.000Z\",\"type\":\"platform.runtimeDone\",\"record\":{\"requestId\":\"r1\"}}]",
                false);
        assertThat(result.ignored()).isEqualTo(2);
        assertThat(result.events()).isEqualTo(3);
        assertThat(lines(result)).extracting(LogLine::toUtf8String).containsExactly(
                "{\"time\":\"2024-05-01T12:00:01.000Z\",\"type\":\"platform.runtimeDone\",\"record\":{\"requestId\":\"r1\"}}");
        assertThat(result.items().get(1)).isEqualTo(new Item.RuntimeDone("r1"));
    }

    @Test
    void aRecordBeforeItsTypeIsShippedLikeAnyOther() throws Exception {
        TelemetryBatchParser parser = new TelemetryBatchParser(EnumSet.of(TelemetryType.FUNCTION));
        List<LogLine> lines = lines(parse(parser, "[{\"record\":{\"level\":\"INFO\",\"msg\":\"a\"},\"time\":"
                + "\"2024-05-01T12:00:00.000Z\",\"type\":\"function\"},1,{\"no\":\"type\"}]", true));
        assertThat(lines).extracting(LogLine::toUtf8String).containsExactly("{\"level\":\"INFO\",\"msg\":\"a\"}");
        assertThat(lines.get(0).source()).isEqualTo(Source.TELEMETRY_FUNCTION);
        assertThat(lines.get(0).requestId()).isEqualTo("fallback");
    }

    @Test
    void aMalformedBatchChangesNothingAfterwards() throws Exception {
        TelemetryBatchParser parser = new TelemetryBatchParser(EnumSet.of(TelemetryType.FUNCTION));
        parse(parser, "[{\"time\":\"2024-05-01T12:00:00.000Z\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"r1\"}}]",
                true);
        assertThatThrownBy(() -> parse(parser, "[{\"time\":\"2024-05-01T12:00:00.000Z\",\"type\":\"platform.start\","
                + "\"record\":{\"requestId\":\"r2\"}},{\"type\":", true))
                .isInstanceOf(TelemetryBatchParser.MalformedBatchException.class);
        assertThatThrownBy(() -> parse(parser, "[{\"type\":\"function\",\"record\":tru}]", false))
                .isInstanceOf(TelemetryBatchParser.MalformedBatchException.class);
        List<LogLine> lines = lines(parse(parser, "[{\"time\":\"2024-05-01T12:00:00.000Z\",\"type\":\"function\","
                + "\"record\":\"after\\n\"}]", true));
        assertThat(lines).extracting(LogLine::toUtf8String).containsExactly("after");
        assertThat(lines.get(0).requestId()).isEqualTo("r1");
    }
}
