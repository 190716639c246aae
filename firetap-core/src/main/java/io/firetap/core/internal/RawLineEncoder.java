package io.firetap.core.internal;

import io.firetap.core.LogLine;

/** The line's bytes exactly as written, then {@code '\n'}. */
final class RawLineEncoder implements LineEncoder {
    static final RawLineEncoder INSTANCE = new RawLineEncoder();

    private RawLineEncoder() {
    }

    @Override
    public int size(LogLine r, int from, int count) {
        return count + 1;
    }

    @Override
    public int write(LogLine r, int from, int count, byte[] dst, int pos) {
        r.copyTo(from, dst, pos, count);
        dst[pos + count] = '\n';
        return count + 1;
    }

    @Override
    public int fit(LogLine r, int from, int budget) {
        int count = Math.min(r.length() - from, budget - 1);
        if (count <= 0) {
            return 0;
        }
        return LineEncoder.utf8Boundary(r, from, count);
    }

    @Override
    public LogLine truncate(LogLine r, int budget) {
        int room = budget - 1;
        // The marker's length depends on how many bytes go; it is longest when all of them do.
        int longestMarker = LineEncoder.truncationMarker(r.length()).length;
        int keep = Math.min(r.length(), Math.max(0, room - longestMarker));
        if (keep > 0) {
            keep = LineEncoder.utf8Boundary(r, 0, keep);
        }
        byte[] marker = LineEncoder.truncationMarker((long) r.length() - keep);
        byte[] out = new byte[Math.min(room, keep + marker.length)];
        r.copyTo(0, out, 0, keep);
        System.arraycopy(marker, 0, out, keep, out.length - keep);
        return LogLine.of(out, r.timestampMillis(), r.source(), r.requestId());
    }
}
