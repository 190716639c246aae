package io.firetap.extension.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.LogLine;
import io.firetap.core.Source;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineAssemblerTest {
    private final List<LogLine> out = new ArrayList<>();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private List<String> texts() {
        return out.stream().map(r -> new String(r.toByteArray(), StandardCharsets.ISO_8859_1)).toList();
    }

    private void feed(LineAssembler a, String s) {
        byte[] b = bytes(s);
        a.append(b, 0, b.length, out, 1L, Source.SOCKET, "r");
    }

    @Test
    void cutsAtNewlinesAndKeepsEveryOtherByte() {
        LineAssembler a = new LineAssembler(1024);
        feed(a, "one\r\ntw\u0000o\n\nthr");
        assertThat(texts()).containsExactly("one\r", "tw\u0000o", "");
        assertThat(a.pendingBytes()).isEqualTo(3);
        feed(a, "ee\n");
        assertThat(texts()).containsExactly("one\r", "tw\u0000o", "", "three");
        assertThat(out).allSatisfy(r -> {
            assertThat(r.source()).isEqualTo(Source.SOCKET);
            assertThat(r.requestId()).isEqualTo("r");
            assertThat(r.timestampMillis()).isEqualTo(1L);
        });
    }

    @Test
    void endLineDeliversTheUnfinishedLineOnce() {
        LineAssembler a = new LineAssembler(1024);
        feed(a, "done\npartial");
        a.endLine(out, 2L, Source.SOCKET, null);
        a.endLine(out, 2L, Source.SOCKET, null);
        assertThat(texts()).containsExactly("done", "partial");
        assertThat(a.pendingBytes()).isZero();
    }

    @Test
    void lineOfExactlyTheMaximumIsNotCutAndNoEmptyLineAppears() {
        LineAssembler a = new LineAssembler(4);
        feed(a, "abcd\nabcdefgh\nabcdefghi\n");
        assertThat(texts()).containsExactly("abcd", "abcd", "efgh", "abcd", "efgh", "i");
        assertThat(a.cutPieces()).isEqualTo(3);
    }

    @Test
    void longLineFedByteByByteIsCutIntoExactPieces() {
        LineAssembler a = new LineAssembler(1000);
        byte[] line = new byte[3 * LineAssembler.CHUNK_BYTES + 123];
        for (int i = 0; i < line.length; i++) {
            line[i] = (byte) ('a' + i % 26);
        }
        for (int i = 0; i < line.length; i += 777) {
            a.append(line, i, Math.min(777, line.length - i), out, 0, Source.SOCKET, null);
        }
        a.endLine(out, 0, Source.SOCKET, null);
        byte[] joined = join(out);
        assertThat(joined).isEqualTo(line);
        assertThat(out).allSatisfy(r -> assertThat(r.length()).isLessThanOrEqualTo(1000));
        assertThat(out).hasSize((line.length + 999) / 1000);
    }

    @Test
    void slicesHandedOutAreNeverOverwrittenWhenChunksRollOver() {
        LineAssembler a = new LineAssembler(256 * 1024);
        List<String> expected = new ArrayList<>();
        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            String line = "line-" + i + "-" + "x".repeat(i % 50);
            expected.add(line);
            stream.append(line).append('\n');
        }
        byte[] all = bytes(stream.toString());
        // Odd read sizes so lines straddle every chunk boundary.
        for (int i = 0; i < all.length; i += 4099) {
            a.append(all, i, Math.min(4099, all.length - i), out, 0, Source.SOCKET, null);
        }
        assertThat(texts()).isEqualTo(expected);
    }

    @Test
    void aLineLongerThanAChunkButWithinTheMaximumStaysWhole() {
        LineAssembler a = new LineAssembler(1 << 20);
        byte[] line = new byte[700_000];
        Arrays.fill(line, (byte) 'z');
        a.append(line, 0, line.length, out, 0, Source.SOCKET, null);
        feed(a, "\n");
        assertThat(out).hasSize(1);
        assertThat(out.get(0).toByteArray()).isEqualTo(line);
    }

    static byte[] join(List<LogLine> records) {
        int n = records.stream().mapToInt(LogLine::length).sum();
        byte[] all = new byte[n];
        int p = 0;
        for (LogLine r : records) {
            r.copyTo(all, p);
            p += r.length();
        }
        return all;
    }
}
