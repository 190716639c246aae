package io.firetap.core.internal;

import io.firetap.core.FunctionMetadata;
import io.firetap.core.LogLine;
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
    private LogLine cachedRecord;
    private int cachedFrom = -1;
    private int cachedCount = -1;
    private byte[] cached;

    JsonLineEncoder(FunctionMetadata function) {
        StringBuilder sb = new StringBuilder();
        sb.append(",\"function\":");
        JsonStrings.append(sb, function.name());
        sb.append(",\"functionVersion\":");
        JsonStrings.append(sb, function.version());
        this.functionFields = sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int size(LogLine r, int from, int count) {
        return render(r, from, count).length;
    }

    @Override
    public int write(LogLine r, int from, int count, byte[] dst, int pos) {
        byte[] b = render(r, from, count);
        System.arraycopy(b, 0, dst, pos, b.length);
        return b.length;
    }

    @Override
    public int fit(LogLine r, int from, int budget) {
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
    public LogLine truncate(LogLine r, int budget) {
        byte[] longestMarker = LineEncoder.truncationMarker(r.length());
        int keep = fit(r, 0, Math.max(0, budget - longestMarker.length));
        byte[] marker = LineEncoder.truncationMarker((long) r.length() - keep);
        byte[] out = new byte[keep + marker.length];
        r.copyTo(0, out, 0, keep);
        System.arraycopy(marker, 0, out, keep, marker.length);
        LogLine cut = LogLine.of(out, r.timestampMillis(), r.source(), r.requestId());
        // A budget too small for the marker gets as much of the marked line as fits.
        int fits = fit(cut, 0, budget);
        return fits == out.length ? cut : cut.subRecord(0, fits);
    }

    private byte[] render(LogLine r, int from, int count) {
        if (r == cachedRecord && from == cachedFrom && count == cachedCount) {
            return cached;
        }
        StringBuilder sb = new StringBuilder(count + 160);
        sb.append("{\"time\":\"").append(Instant.ofEpochMilli(r.timestampMillis())).append("\",\"source\":\"")
                .append(r.source().label()).append('"');
        if (r.requestId() != null) {
            sb.append(",\"requestId\":");
            JsonStrings.append(sb, r.requestId());
        }
        String head = sb.toString();
        sb.setLength(0);
        sb.append(",\"message\":");
        byte[] raw = new byte[count];
        r.copyTo(from, raw, 0, count);
        JsonStrings.append(sb, new String(raw, StandardCharsets.UTF_8));
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
}
