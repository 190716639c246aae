package io.firetap.extension.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.extension.internal.OutputEndMarkers.Marker;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutputEndMarkersTest {
    private final OutputEndMarkers b = new OutputEndMarkers();

    @Test
    void aMarkThatCameBeforeTheWaitIsFound() {
        b.runtimeAttached();
        b.mark(Marker.OUTPUT_END, "r1");
        var outcome = b.await("r1", EnumSet.of(Marker.OUTPUT_END), 0, TimeUnit.SECONDS);
        assertThat(outcome.complete()).isTrue();
        assertThat(outcome.reached()).containsExactly(Marker.OUTPUT_END);
    }

    @Test
    void aWaitEndsAtItsDeadlineWithWhatWasReached() {
        b.runtimeAttached();
        b.mark(Marker.RUNTIME_DONE, "r1");
        var outcome = b.await("r1", EnumSet.of(Marker.OUTPUT_END, Marker.RUNTIME_DONE), System.nanoTime());
        assertThat(outcome.complete()).isFalse();
        assertThat(outcome.reached()).containsExactly(Marker.RUNTIME_DONE);
    }

    @Test
    void aMarkWakesAWaiter() throws Exception {
        b.runtimeAttached();
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<OutputEndMarkers.Outcome> f = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            return b.await("r2", EnumSet.of(Marker.OUTPUT_END), 30, TimeUnit.SECONDS);
        });
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        b.mark(Marker.OUTPUT_END, "other");
        b.mark(Marker.OUTPUT_END, "r2");
        assertThat(f.get(10, TimeUnit.SECONDS).complete()).isTrue();
    }

    @Test
    void aRuntimeIsAttachedOnceTheProxySawItWait() {
        assertThat(b.isRuntimeAttached()).isFalse();
        b.runtimeAttached();
        assertThat(b.isRuntimeAttached()).isTrue();
    }

    @Test
    void onlyTheMostRecentMarksAreRemembered() {
        for (int i = 0; i <= OutputEndMarkers.REMEMBERED; i++) {
            b.mark(Marker.RUNTIME_DONE, "r" + i);
        }
        assertThat(b.reached(Marker.RUNTIME_DONE, "r0")).isFalse();
        assertThat(b.reached(Marker.RUNTIME_DONE, "r1")).isTrue();
        assertThat(b.reached(Marker.OUTPUT_END, "r1")).isFalse();
    }

    @Test
    void currentRequestIdFollowsInvocations() {
        assertThat(b.currentRequestId()).isNull();
        b.invocationStarted("a");
        b.invocationStarted("b");
        assertThat(b.currentRequestId()).isEqualTo("b");
        b.invocationFinished("a");
        assertThat(b.currentRequestId()).isEqualTo("b");
        b.invocationFinished("b");
        assertThat(b.currentRequestId()).isNull();
    }
}
