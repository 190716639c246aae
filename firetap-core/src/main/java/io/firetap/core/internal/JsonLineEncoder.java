package io.firetap.core.internal;

import io.firetap.core.FunctionMetadata;
import io.firetap.core.LogRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * One JSON object per line: {@code time}, {@code source}, {@code requestId} (when known),
 * {@code function}, {@code functionVersion}, {@code message}. The message is the line decoded as
 * UTF-8 with malformed input replaced by U+FFFD, so the envelope is always valid JSON.
 */
final class JsonLineEncoder implements LineEncoder {
    private final byte[] functionFields;

    // The packer measures a unit and then writes it: keep the last rendering for that second call.
    private LogRecord cachedRecord;
    private int cachedFrom = -1;
    private int cachedCount = -1;
    private byte[] cached;

    JsonLineEncoder(FunctionMetadata function) {
        StringBuilder sb = new StringBuilder();
        sb.append(",\"function\":");
        appendJsonString(sb, function.name());
        sb.append(",\"functionVersion\":");
        appendJsonString(sb, function.version());
        this.functionFields = sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int size(LogRecord r, int from, int count) {
        return render(r, from, count).length;
    }

    @Override
    public int write(LogRecord r, int from, int count, byte[] dst, int pos) {
        byte[] b = render(r, from, count);
        System.arraycopy(b, 0, dst, pos, b.length);
        return b.length;
    }

    @Override
    public int fit(LogRecord r, int from, int budget) {
        int remaining = r.length() - from;
        if (size(r, from, 0) > budget) {
            return 0;
        }
        int count = Math.max(1, Math.min(remaining, budget));
        while (true) {
            count = LineEncoder.utf8Boundary(r, from, count);
            int size = size(r, from, count);
            if (size <= budget) {
                return count;
            }
            if (count == 1) {
                return 0;
            }
            // Escaping grows text unevenly; shrink in proportion, a little more to converge fast.
            long next = (long) count * budget / size;
            count = (int) Math.max(1, Math.min(count - 1, next - next / 32));
        }
    }

    @Override
    public LogRecord truncate(LogRecord r, int budget) {
        byte[] longestMarker = LineEncoder.truncationMarker(r.length());
        int keep = fit(r, 0, Math.max(0, budget - longestMarker.length));
        byte[] marker = LineEncoder.truncationMarker((long) r.length() - keep);
        byte[] out = new byte[keep + marker.length];
        r.copyTo(0, out, 0, keep);
        System.arraycopy(marker, 0, out, keep, marker.length);
        LogRecord cut = LogRecord.of(out, r.timestampMillis(), r.source(), r.requestId());
        // A budget too small for the marker gets as much of the marked line as fits.
        int fits = fit(cut, 0, budget);
        return fits == out.length ? cut : cut.subRecord(0, fits);
    }

    private byte[] render(LogRecord r, int from, int count) {
        if (r == cachedRecord && from == cachedFrom && count == cachedCount) {
            return cached;
        }
        StringBuilder sb = new StringBuilder(count + 160);
        sb.append("{\"time\":\"").append(Instant.ofEpochMilli(r.timestampMillis())).append("\",\"source\":\"")
                .append(r.source().label()).append('"');
        if (r.requestId() != null) {
            sb.append(",\"requestId\":");
            appendJsonString(sb, r.requestId());
        }
        String head = sb.toString();
        sb.setLength(0);
        sb.append(",\"message\":");
        byte[] raw = new byte[count];
        r.copyTo(from, raw, 0, count);
        appendJsonString(sb, new String(raw, StandardCharsets.UTF_8));
        sb.append("}\n");
        byte[] headBytes = head.getBytes(StandardCharsets.UTF_8);
        byte[] tailBytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(headBytes, headBytes.length + functionFields.length + tailBytes.length);
        System.arraycopy(functionFields, 0, out, headBytes.length, functionFields.length);
        System.arraycopy(tailBytes, 0, out, headBytes.length + functionFields.length, tailBytes.length);
        cachedRecord = r;
        cachedFrom = from;
        cachedCount = count;
        cached = out;
        return out;
    }

    static void appendJsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20 || c == 0x7f || (c >= 0x2028 && c <= 0x2029)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isSurrogate(c)) {
                        // Lone surrogates cannot be encoded as UTF-8; paired ones pass through.
                        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                            sb.append(c).append(s.charAt(++i));
                        } else {
                            sb.append('\uFFFD');
                        }
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
