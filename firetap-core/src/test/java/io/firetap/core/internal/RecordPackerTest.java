package io.firetap.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.firetap.core.FunctionMetadata;
import io.firetap.core.Lines;
import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.core.pipeline.LineFormat;
import io.firetap.core.pipeline.OversizePolicy;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RecordPackerTest {
    private static final FunctionMetadata FUNCTION =
            new FunctionMetadata("orders", "$LATEST", 128, "eu-west-1", "x86_64", "", "");

    /** Packs {@code lines} completely, batch by batch, as a lane would. */
    private static List<List<SinkRecord>> packAll(List<LogLine> lines, SinkLimits limits, boolean packing,
            OversizePolicy oversize, LineFormat format) {
        int[] next = {0};
        RecordPacker packer = new RecordPacker(limits, packing, oversize, format, FUNCTION, 64, (dst, off, max) -> {
            int n = Math.min(max, lines.size() - next[0]);
            for (int i = 0; i < n; i++) {
                dst[off + i] = lines.get(next[0]++);
            }
            return n;
        });
        packer.startAt(0);
        List<List<SinkRecord>> batches = new ArrayList<>();
        while (true) {
            List<SinkRecord> batch = packer.nextBatch();
            if (batch.isEmpty()) {
                assertThat(packer.isEmpty()).isTrue();
                break;
            }
            batches.add(batch);
        }
        assertThat(packer.settledBoundary()).isEqualTo(lines.size());
        return batches;
    }

    private static void assertWithinLimits(List<List<SinkRecord>> batches, SinkLimits limits) {
        for (List<SinkRecord> batch : batches) {
            assertThat(batch.size()).isBetween(1, limits.maxRecordsPerCall());
            long callBytes = 0;
            for (SinkRecord r : batch) {
                assertThat(r.size()).isBetween(1, limits.maxRecordBytes());
                assertThat(r.payload()[r.size() - 1]).isEqualTo((byte) '\n');
                callBytes += limits.callBytes(r.size());
            }
            assertThat(callBytes).isLessThanOrEqualTo(limits.maxBytesPerCall());
        }
    }

    private static byte[] concat(List<List<SinkRecord>> batches) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        batches.forEach(b -> b.forEach(r -> out.writeBytes(r.payload())));
        return out.toByteArray();
    }

    /** Splits on '\n' and rejoins consecutive pieces into the original lines, checking every byte. */
    private static void assertSplitPreserves(byte[] delivered, List<LogLine> lines, int maxRecord) {
        List<byte[]> pieces = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < delivered.length; i++) {
            if (delivered[i] == '\n') {
                pieces.add(Arrays.copyOfRange(delivered, from, i));
                from = i + 1;
            }
        }
        assertThat(from).isEqualTo(delivered.length);
        int p = 0;
        for (LogLine line : lines) {
            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            do {
                assertThat(p).as("pieces left for line").isLessThan(pieces.size());
                byte[] piece = pieces.get(p++);
                assertThat(piece.length + 1).isLessThanOrEqualTo(maxRecord);
                whole.writeBytes(piece);
            } while (whole.size() < line.length());
            assertThat(whole.toByteArray()).isEqualTo(line.toByteArray());
        }
        assertThat(p).isEqualTo(pieces.size());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void randomLinesAndLimitsNeverBreakALimitAndKeepEveryByteInOrder(boolean packing) {
        for (int seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            int maxRecord = 8 + random.nextInt(3000);
            int overhead = random.nextInt(40);
            long maxCall = maxRecord + overhead + random.nextInt(4 * (maxRecord + overhead) + 1);
            SinkLimits limits = new SinkLimits(1 + random.nextInt(12), maxCall, maxRecord, overhead);
            List<LogLine> lines = new ArrayList<>();
            int count = random.nextInt(300);
            for (int i = 0; i < count; i++) {
                int kind = random.nextInt(10);
                int length = kind == 0 ? 0 : kind == 1 ? maxRecord + random.nextInt(3 * maxRecord) : random.nextInt(maxRecord);
                lines.add(Lines.record(Lines.randomLine(random, length)));
            }
            List<List<SinkRecord>> batches = packAll(lines, limits, packing, OversizePolicy.SPLIT, LineFormat.RAW);
            assertWithinLimits(batches, limits);
            assertSplitPreserves(concat(batches), lines, maxRecord);
            if (!packing) {
                batches.forEach(b -> b.forEach(r -> assertThat(r.lineCount()).isEqualTo(1)));
            }
        }
    }

    @Test
    void packsManySmallLinesIntoFewRecordsAndFillsTheCall() {
        SinkLimits firehose = new SinkLimits(500, 4L << 20, 1000 * 1024, 0);
        List<LogLine> lines = Lines.numbered(100_000, 100);
        List<List<SinkRecord>> batches = packAll(lines, firehose, true, OversizePolicy.SPLIT, LineFormat.RAW);
        assertWithinLimits(batches, firehose);
        assertThat(concat(batches)).isEqualTo(Lines.joined(lines));
        // 10.1 MB of lines: three calls, each but the last filled to the 4 MiB limit.
        assertThat(batches).hasSize(3);
        long firstCall = batches.get(0).stream().mapToLong(SinkRecord::size).sum();
        assertThat(firstCall).isGreaterThan((4L << 20) - 101);
    }

    @Test
    void withoutPackingEachLineIsARecord() {
        SinkLimits limits = new SinkLimits(500, 4L << 20, 1000 * 1024, 0);
        List<LogLine> lines = Lines.numbered(1200, 50);
        List<List<SinkRecord>> batches = packAll(lines, limits, false, OversizePolicy.SPLIT, LineFormat.RAW);
        assertThat(batches).extracting(List::size).containsExactly(500, 500, 200);
        assertThat(concat(batches)).isEqualTo(Lines.joined(lines));
    }

    @Test
    void splitsAtUtf8CharacterBoundaries() {
        // 'é' is two bytes; a 10-byte record holds 9 bytes of text plus the newline.
        String text = "ééééééééééééééééééééé";
        SinkLimits limits = new SinkLimits(500, 1000, 10, 0);
        List<List<SinkRecord>> batches = packAll(List.of(Lines.record(text)), limits, true, OversizePolicy.SPLIT,
                LineFormat.RAW);
        StringBuilder rejoined = new StringBuilder();
        for (SinkRecord r : batches.get(0)) {
            String piece = new String(r.payload(), 0, r.size() - 1, StandardCharsets.UTF_8);
            assertThat(piece).doesNotContain("\uFFFD");
            rejoined.append(piece);
        }
        assertThat(rejoined.toString()).isEqualTo(text);
    }

    @Test
    void truncatesWithAVisibleMarkerAndKeepsTheNextLines() {
        SinkLimits limits = new SinkLimits(500, 1 << 20, 100, 0);
        byte[] big = new byte[5000];
        Arrays.fill(big, (byte) 'a');
        List<LogLine> lines = List.of(Lines.record("before"), Lines.record(big), Lines.record("after"));
        List<List<SinkRecord>> batches = packAll(lines, limits, true, OversizePolicy.TRUNCATE, LineFormat.RAW);
        assertWithinLimits(batches, limits);
        String all = new String(concat(batches), StandardCharsets.UTF_8);
        String[] delivered = all.split("\n");
        assertThat(delivered).hasSize(3);
        assertThat(delivered[0]).isEqualTo("before");
        assertThat(delivered[1]).startsWith("aaaa").endsWith(" [firetap: truncated " + (5000 - delivered[1].indexOf(' ')) + " bytes]");
        assertThat(delivered[1].length() + 1).isLessThanOrEqualTo(100);
        assertThat(delivered[2]).isEqualTo("after");
    }

    @Test
    void jsonEnvelopeIsValidJsonPerLineAndKeepsTheText() {
        SinkLimits limits = new SinkLimits(500, 1 << 20, 1000 * 1024, 0);
        LogLine quoted = LogLine.of("say \"hi\"\t\\ \u0001 ✓".getBytes(StandardCharsets.UTF_8), 0, Source.WRAPPER,
                "req-1");
        LogLine invalid = LogLine.of(new byte[] {'o', 'k', (byte) 0xC3, 0, (byte) 0xFF}, 0, Source.TELEMETRY_FUNCTION,
                null);
        List<List<SinkRecord>> batches = packAll(List.of(quoted, invalid), limits, true, OversizePolicy.SPLIT,
                LineFormat.JSON);
        String[] delivered = new String(concat(batches), StandardCharsets.UTF_8).split("\n");
        assertThat(delivered).hasSize(2);
        JsonObject first = JsonParser.parseString(delivered[0]).getAsJsonObject();
        assertThat(first.get("message").getAsString()).isEqualTo("say \"hi\"\t\\ \u0001 ✓");
        assertThat(first.get("requestId").getAsString()).isEqualTo("req-1");
        assertThat(first.get("source").getAsString()).isEqualTo("wrapper");
        assertThat(first.get("function").getAsString()).isEqualTo("orders");
        assertThat(first.get("time").getAsString()).isEqualTo("1970-01-01T00:00:00Z");
        JsonObject second = JsonParser.parseString(delivered[1]).getAsJsonObject();
        assertThat(second.has("requestId")).isFalse();
        assertThat(second.get("message").getAsString()).startsWith("ok").contains("\uFFFD").contains("\u0000");
    }

    @Test
    void jsonEnvelopeOfAnOversizedLineIsSplitIntoValidEnvelopes() {
        SinkLimits limits = new SinkLimits(500, 1 << 20, 600, 0);
        String text = "\"quoted\" ".repeat(400);
        List<List<SinkRecord>> batches = packAll(List.of(Lines.record(text)), limits, true, OversizePolicy.SPLIT,
                LineFormat.JSON);
        assertWithinLimits(batches, limits);
        StringBuilder rejoined = new StringBuilder();
        for (String line : new String(concat(batches), StandardCharsets.UTF_8).split("\n")) {
            rejoined.append(JsonParser.parseString(line).getAsJsonObject().get("message").getAsString());
        }
        assertThat(rejoined.toString()).isEqualTo(text);
    }

    @Test
    void aRecordLimitBelowTheEnvelopeDropsTheLineCountedInsteadOfLooping() {
        SinkLimits limits = new SinkLimits(500, 1 << 20, 40, 0);
        int[] next = {0};
        List<LogLine> lines = List.of(Lines.record("x"));
        RecordPacker packer = new RecordPacker(limits, true, OversizePolicy.SPLIT, LineFormat.JSON, FUNCTION, 8,
                (dst, off, max) -> next[0] < 1 ? fill(dst, off, lines.get(next[0]++)) : 0);
        packer.startAt(0);
        assertThat(packer.nextBatch()).isEmpty();
        assertThat(packer.unfitLines()).isEqualTo(1);
        assertThat(packer.settledBoundary()).isEqualTo(1);
    }

    private static int fill(LogLine[] dst, int off, LogLine r) {
        dst[off] = r;
        return 1;
    }
}
