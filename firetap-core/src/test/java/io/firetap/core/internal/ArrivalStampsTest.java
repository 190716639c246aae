package io.firetap.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ArrivalStampsTest {
    private static final long MS = 1_000_000;
    private final ArrivalStamps stamps = new ArrivalStamps();

    @Test
    void linesWithinAMillisecondShareTheFirstOnesStamp() {
        stamps.mark(0, 100 * MS);
        stamps.mark(5, 100 * MS + MS / 2);
        stamps.mark(9, 102 * MS);

        assertThat(stamps.runs()).isEqualTo(2);
        assertThat(stamps.stampOf(0)).isEqualTo(100 * MS);
        assertThat(stamps.stampOf(8)).isEqualTo(100 * MS);
        assertThat(stamps.stampOf(9)).isEqualTo(102 * MS);
        assertThat(stamps.stampOf(40)).isEqualTo(102 * MS);
    }

    @Test
    void aRunThatGotNoLineTakesTheNextStamp() {
        stamps.mark(3, 100 * MS);
        stamps.mark(3, 250 * MS);

        assertThat(stamps.runs()).isEqualTo(1);
        assertThat(stamps.stampOf(3)).isEqualTo(250 * MS);
    }

    @Test
    void findsTheFirstLineThatArrivedAfterAMoment() {
        stamps.mark(0, 100 * MS);
        stamps.mark(10, 200 * MS);
        stamps.mark(20, 300 * MS);

        assertThat(stamps.firstArrivedAfter(50 * MS, 30)).isZero();
        assertThat(stamps.firstArrivedAfter(100 * MS, 30)).isEqualTo(10);
        assertThat(stamps.firstArrivedAfter(250 * MS, 30)).isEqualTo(20);
        assertThat(stamps.firstArrivedAfter(300 * MS, 30)).isEqualTo(30);
    }

    @Test
    void forgetsRunsBelowTheOldestKeptLineAndGrowsPastItsFirstArray() {
        for (int i = 0; i < 1000; i++) {
            stamps.mark(i * 10L, (i + 1) * 10 * MS);
        }
        stamps.dropBelow(9_995);

        assertThat(stamps.runs()).isEqualTo(1);
        assertThat(stamps.stampOf(9_995)).isEqualTo(10_000 * MS);
        stamps.mark(10_000, 10_020 * MS);
        assertThat(stamps.stampOf(10_001)).isEqualTo(10_020 * MS);
        assertThat(stamps.firstArrivedAfter(10_010 * MS, 10_005)).isEqualTo(10_000);
    }

    @Test
    void stampsNearTheEndOfTheClocksRangeCompareByDifference() {
        long start = Long.MAX_VALUE - 5 * MS;
        stamps.mark(0, start);
        stamps.mark(10, start + 10 * MS);

        assertThat(stamps.firstArrivedAfter(start + 2 * MS, 20)).isEqualTo(10);
        assertThat(stamps.stampOf(15)).isEqualTo(start + 10 * MS);
    }
}
