package io.firetap.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.core.pipeline.OverflowPolicy;
import io.firetap.core.pipeline.PipelineConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The buffer lets go of a line once every lane has taken it, and frees its bytes only once every lane has settled it. */
class LineBufferReleaseTest {
    private static final int LINE = 10;
    private static final long COST = LINE + PipelineConfig.LINE_OVERHEAD_BYTES;

    private static List<LogLine> lines(int n) {
        List<LogLine> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(LogLine.ofUtf8(String.format("line %05d", i), Source.SOCKET));
        }
        return out;
    }

    private static long usedBytes(LineBuffer buffer) {
        return buffer.intakeCounters()[3];
    }

    @Test
    void aLineIsLetGoOnceEveryLaneHasTakenItAndCountedUntilEveryLaneHasSettledIt() {
        LineBuffer buffer = new LineBuffer(1L << 20, OverflowPolicy.DROP, 0, 2);
        List<LogLine> offered = lines(3);
        assertThat(buffer.offerAll(offered)).isEqualTo(3);
        assertThat(buffer.heldLines()).isEqualTo(3);

        LogLine[] lane0 = new LogLine[8];
        assertThat(buffer.poll(0, lane0, 0, 8)).isEqualTo(3);
        // the other lane has not taken them yet
        assertThat(buffer.heldLines()).isEqualTo(3);

        LogLine[] lane1 = new LogLine[8];
        assertThat(buffer.poll(1, lane1, 0, 2)).isEqualTo(2);
        assertThat(buffer.heldLines()).isEqualTo(1);
        assertThat(buffer.poll(1, lane1, 2, 6)).isEqualTo(1);
        assertThat(buffer.heldLines()).isZero();
        assertThat(lane0).startsWith(offered.toArray(new LogLine[0]));
        assertThat(lane1).startsWith(offered.toArray(new LogLine[0]));

        // taken is not settled: the bytes stay counted in the bound
        assertThat(usedBytes(buffer)).isEqualTo(3 * COST);
        buffer.settle(0, 3);
        assertThat(usedBytes(buffer)).isEqualTo(3 * COST);
        buffer.settle(1, 2);
        assertThat(usedBytes(buffer)).isEqualTo(COST);
        buffer.settle(1, 3);
        assertThat(usedBytes(buffer)).isZero();
        assertThat(buffer.pending(0)).isZero();
        assertThat(buffer.pending(1)).isZero();
    }

    @Test
    void linesTakenButNotSettledStillFillTheBound() {
        LineBuffer buffer = new LineBuffer(4 * COST, OverflowPolicy.DROP, 0, 1);
        assertThat(buffer.offerAll(lines(4))).isEqualTo(4);
        assertThat(buffer.poll(0, new LogLine[8], 0, 8)).isEqualTo(4);
        assertThat(buffer.heldLines()).isZero();

        // the four are in flight, not settled: no room yet
        assertThat(buffer.offerAll(lines(1))).isZero();
        buffer.settle(0, 4);
        assertThat(buffer.offerAll(lines(1))).isEqualTo(1);
    }

    @Test
    void linesSurviveTheRingGrowingWhileSomeAreReleasedAndSomeAreNot() {
        LineBuffer buffer = new LineBuffer(1L << 24, OverflowPolicy.DROP, 0, 1);
        List<LogLine> first = lines(1000);
        assertThat(buffer.offerAll(first)).isEqualTo(1000);
        LogLine[] taken = new LogLine[5000];
        assertThat(buffer.poll(0, taken, 0, 600)).isEqualTo(600);
        // more than the ring's first size: it grows with 600 released slots and 400 held ones in it
        List<LogLine> second = lines(3000);
        assertThat(buffer.offerAll(second)).isEqualTo(3000);
        assertThat(buffer.heldLines()).isEqualTo(3400);
        assertThat(buffer.poll(0, taken, 600, 4400)).isEqualTo(3400);
        assertThat(buffer.heldLines()).isZero();
        for (int i = 0; i < 1000; i++) {
            assertThat(taken[i]).isSameAs(first.get(i));
        }
        for (int i = 0; i < 3000; i++) {
            assertThat(taken[1000 + i]).isSameAs(second.get(i));
        }
        assertThat(usedBytes(buffer)).isEqualTo(4000 * COST);
        buffer.settle(0, 4000);
        assertThat(usedBytes(buffer)).isZero();
    }
}
