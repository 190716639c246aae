package io.firetap.testkit.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RoundTripTest {

    @Test
    void eachCallDrawsWithinBaseAndBasePlusJitter() {
        RoundTrip trip = new RoundTrip(Duration.ofMillis(20), Duration.ofMillis(5), 7);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            long n = trip.nextNanos();
            assertThat(n).isBetween(Duration.ofMillis(20).toNanos(), Duration.ofMillis(25).toNanos());
            seen.add(n);
        }
        assertThat(seen).hasSizeGreaterThan(900);
    }

    @Test
    void theSameSeedGivesTheSameDelays() {
        RoundTrip a = new RoundTrip(Duration.ofMillis(1), Duration.ofMillis(9), 42);
        RoundTrip b = new RoundTrip(Duration.ofMillis(1), Duration.ofMillis(9), 42);
        assertThat(LongStream.generate(a::nextNanos).limit(20).toArray())
                .containsExactly(LongStream.generate(b::nextNanos).limit(20).toArray());
    }

    @Test
    void withoutJitterEveryCallTakesTheBaseAndNoneIsFree() {
        assertThat(new RoundTrip(Duration.ofMillis(20), Duration.ZERO, 1).nextNanos()).isEqualTo(20_000_000L);
        assertThat(RoundTrip.NONE.nextNanos()).isZero();
        assertThat(RoundTrip.NONE.isZero()).isTrue();
        assertThatThrownBy(() -> new RoundTrip(Duration.ofMillis(-1), Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
