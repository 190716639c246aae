package io.firetap.extension.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.extension.TelemetryType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** firetap's own stderr comes back as {@code extension} records: it is not shipped again. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TelemetryOwnLinesTest {

    private static List<String> shipped(String batch) throws Exception {
        TelemetryBatchParser parser = new TelemetryBatchParser(Set.of(TelemetryType.EXTENSION));
        return parser.parse(batch.getBytes(StandardCharsets.UTF_8), true, null, 0).items().stream()
                .filter(TelemetryBatchParser.Item.Line.class::isInstance)
                .map(i -> ((TelemetryBatchParser.Item.Line) i).record().toUtf8String()).toList();
    }

    @Test
    void firetapsMetricsLinesAreNotShippedAnotherExtensionsAre() throws Exception {
        String own = "{\\\"_aws\\\":{\\\"Timestamp\\\":1764720000000,\\\"CloudWatchMetrics\\\":[]},"
                + "\\\"emitter\\\":\\\"firetap\\\"}\\n";
        String other = "{\\\"_aws\\\":{\\\"Timestamp\\\":1764720000000,\\\"CloudWatchMetrics\\\":[]},\\\"Orders\\\":1}";
        String ownObject = "{\"_aws\":{\"Timestamp\":1764720000000,\"CloudWatchMetrics\":[]},\"emitter\":\"firetap\"}";
        String batch = "[{\"time\":\"2026-12-03T08:00:00.000Z\",\"type\":\"extension\",\"record\":\"" + own + "\"},"
                + "{\"time\":\"2026-12-03T08:00:00.000Z\",\"type\":\"extension\",\"record\":\"" + other + "\"},"
                + "{\"time\":\"2026-12-03T08:00:00.000Z\",\"type\":\"extension\",\"record\":" + ownObject + "},"
                + "{\"time\":\"2026-12-03T08:00:00.000Z\",\"type\":\"extension\",\"record\":\"plain line\"}]";

        assertThat(shipped(batch)).containsExactly(
                "{\"_aws\":{\"Timestamp\":1764720000000,\"CloudWatchMetrics\":[]},\"Orders\":1}", "plain line");
    }
}
