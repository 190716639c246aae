package io.firetap.extension.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import io.firetap.core.pipeline.DeliveryClass;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.core.sink.Sink;
import io.firetap.extension.ExtensionEvent;
import io.firetap.extension.internal.InvocationBarrier.Hold;
import io.firetap.extension.internal.InvocationBarrier.Passage;
import io.firetap.extension.internal.OutputEndMarkers.Marker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The adaptive barrier's rule, with time moved by the test: the barrier and the pipeline's arrival
 * stamps read one clock that runs ahead of real time by whatever the test adds. The flush interval
 * is ten minutes of real time, so no sink ever sends on its own here: every call a test sees was
 * asked for by a barrier.
 */
@Timeout(60)
class AdaptiveBarrierTest {
    private static final Duration INTERVAL = Duration.ofMinutes(10);
    /** Well under half the interval: counts toward steady traffic. */
    private static final Duration SHORT_GAP = Duration.ofMillis(10);
    /** Over half the interval: makes the next invocation sparse. */
    private static final Duration LONG_GAP = Duration.ofMinutes(6);
    private static final Duration BUDGET = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final AtomicLong ahead = new AtomicLong();
    private final LongSupplier clock = () -> System.nanoTime() + ahead.get();
    private final OutputEndMarkers boundaries = new OutputEndMarkers();
    private ShippingPipeline pipeline;
    private int invocations;

    @BeforeEach
    void wrapperConnected() {
        boundaries.runtimeAttached();
    }

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void sparseInvocationsHoldSteadyOnesLetGoAndALongGapMakesThemSparseAgain() {
        HeldSink sink = new HeldSink("primary", true);
        AdaptiveBarrier barrier = adaptive(PipelineConfig.defaults(), BUDGET, sink);
        assertThat(pipeline.awaitSinksStarted(WAIT)).isTrue();

        assertThat(invoke(barrier, "a1").hold()).isEqualTo(Hold.DELIVERED);
        assertThat(sink.lines()).containsExactly("a1");
        advance(SHORT_GAP);
        // one short gap may be a burst of two: still held
        assertThat(invoke(barrier, "a2").hold()).isEqualTo(Hold.DELIVERED);
        assertThat(sink.lines()).containsExactly("a1", "a2");

        advance(SHORT_GAP);
        Passage steady = invoke(barrier, "a3");
        assertThat(steady.hold()).isEqualTo(Hold.NONE);
        assertThat(steady.delivered()).isFalse();
        assertThat(steady.pendingLines()).isEqualTo(1);
        advance(SHORT_GAP);
        assertThat(invoke(barrier, "a4").hold()).isEqualTo(Hold.NONE);
        assertThat(sink.calls()).isEqualTo(2);

        advance(LONG_GAP);
        Passage sparse = invoke(barrier, "a5");
        assertThat(sparse.hold()).isEqualTo(Hold.DELIVERED);
        assertThat(sparse.delivered()).isTrue();
        assertThat(sink.lines()).containsExactly("a1", "a2", "a3", "a4", "a5");
        assertThat(sink.calls()).isEqualTo(3);
        advance(SHORT_GAP);
        assertThat(invoke(barrier, "a6").hold()).isEqualTo(Hold.DELIVERED);
        advance(SHORT_GAP);
        assertThat(invoke(barrier, "a7").hold()).isEqualTo(Hold.NONE);
    }

    @Test
    void underSteadyTrafficALineOlderThanTheBoundIsDeliveredBeforeTheNextFreeze() {
        HeldSink sink = new HeldSink("primary", true);
        AdaptiveBarrier barrier = adaptive(PipelineConfig.defaults(), BUDGET, sink);
        assertThat(barrier.bound()).isEqualTo(INTERVAL.multipliedBy(3).dividedBy(2));
        reachSteady(barrier, sink);
        assertThat(invoke(barrier, "old").hold()).isEqualTo(Hold.NONE);

        // gaps just under half the interval keep traffic steady while the line ages
        Duration gap = INTERVAL.dividedBy(2).minusSeconds(1);
        for (int i = 0; i < 3; i++) {
            advance(gap);
            // past the interval but within the bound: its sink sends it on its own, no hold
            assertThat(invoke(barrier).hold()).isEqualTo(Hold.NONE);
        }
        int calls = sink.calls();
        advance(gap);
        Passage overdue = invoke(barrier, "new");

        assertThat(overdue.hold()).isEqualTo(Hold.OVERDUE);
        assertThat(overdue.delivered()).isTrue();
        assertThat(sink.lines()).contains("old");
        assertThat(sink.calls()).isEqualTo(calls + 1);
        advance(SHORT_GAP);
        assertThat(invoke(barrier).hold()).isEqualTo(Hold.NONE);
    }

    @Test
    void theFirstInvocationLetsGoWhileTheSinksStartAndTheSecondDeliversItsLines() throws Exception {
        HeldSink sink = new HeldSink("primary", false);
        AdaptiveBarrier barrier = adaptive(PipelineConfig.defaults(), BUDGET, sink);

        Passage first = invoke(barrier, "first");
        assertThat(first.hold()).isEqualTo(Hold.COLD_START);
        assertThat(first.delivered()).isFalse();
        assertThat(first.pendingLines()).isEqualTo(1);
        assertThat(sink.calls()).isZero();

        advance(SHORT_GAP);
        CompletableFuture<Passage> second = CompletableFuture.supplyAsync(() -> invoke(barrier, "second"));
        sink.finishStart();
        Passage held = second.get(30, TimeUnit.SECONDS);

        assertThat(held.hold()).isEqualTo(Hold.DELIVERED);
        assertThat(held.delivered()).isTrue();
        assertThat(sink.lines()).containsExactly("first", "second");
    }

    @Test
    void aFirstInvocationAfterTheSinksStartedIsHeldLikeASparseOne() {
        HeldSink sink = new HeldSink("primary", true);
        AdaptiveBarrier barrier = adaptive(PipelineConfig.defaults(), BUDGET, sink);
        assertThat(pipeline.awaitSinksStarted(WAIT)).isTrue();

        Passage first = invoke(barrier, "first");

        assertThat(first.hold()).isEqualTo(Hold.DELIVERED);
        assertThat(sink.lines()).containsExactly("first");
    }

    @Test
    void aFirstInvocationWhoseFlushOutlastsItsShortBudgetLetsGoAndTheSecondDeliversTheRest() throws Exception {
        HeldSink sink = new HeldSink("primary", true);
        // a budget longer than the test may run: only the first invocation's own bound lets it go
        AdaptiveBarrier barrier = adaptive(PipelineConfig.defaults(), Duration.ofMinutes(5), sink);
        assertThat(pipeline.awaitSinksStarted(WAIT)).isTrue();
        sink.hold(); // the first call does not come back until released

        Passage first = invoke(barrier, "first");

        assertThat(first.delivered()).isFalse();
        assertThat(first.pendingLines()).isEqualTo(1);
        advance(SHORT_GAP);
        CompletableFuture<Passage> second = CompletableFuture.supplyAsync(() -> invoke(barrier, "second"));
        sink.release();
        assertThat(second.get(30, TimeUnit.SECONDS).delivered()).isTrue();
        assertThat(sink.lines()).containsExactly("first", "second");
    }

    @Test
    void aBestEffortSinkIsNeverAskedNorWaitedFor() {
        HeldSink primary = new HeldSink("primary", true);
        HeldSink archive = new HeldSink("archive", true);
        archive.hold();
        AdaptiveBarrier barrier = adaptive(PipelineConfig.defaults().withDelivery("archive", DeliveryClass.BEST_EFFORT),
                BUDGET, primary, archive);
        assertThat(pipeline.awaitSinksStarted(WAIT)).isTrue();

        Passage sparse = invoke(barrier, "a1");
        assertThat(sparse.hold()).isEqualTo(Hold.DELIVERED);
        assertThat(sparse.delivered()).isTrue();
        assertThat(primary.lines()).containsExactly("a1");
        assertThat(archive.calls()).isZero();

        // the archive's lines grow old; under steady traffic that is no reason to hold
        advance(SHORT_GAP);
        invoke(barrier);
        advance(SHORT_GAP);
        invoke(barrier);
        for (int i = 0; i < 4; i++) {
            advance(INTERVAL.dividedBy(2).minusSeconds(1));
            assertThat(invoke(barrier).hold()).isEqualTo(Hold.NONE);
        }
        assertThat(pipeline.pendingLines(DeliveryClass.BEST_EFFORT)).isEqualTo(1);
    }

    @Test
    void whenAHoldForOverdueLinesRunsOutOfBudgetSteadyInvocationsStopHoldingUntilTheSinksCatchUp() {
        HeldSink sink = new HeldSink("primary", true);
        AdaptiveBarrier barrier = adaptive(PipelineConfig.defaults(), Duration.ofMillis(200), sink);
        reachSteady(barrier, sink);
        invoke(barrier, "old");
        sink.hold();
        Duration gap = INTERVAL.dividedBy(2).minusSeconds(1);
        for (int i = 0; i < 3; i++) {
            advance(gap);
            invoke(barrier);
        }
        advance(gap);

        Passage overdue = invoke(barrier);
        assertThat(overdue.hold()).isEqualTo(Hold.OVERDUE);
        assertThat(overdue.delivered()).isFalse();
        advance(SHORT_GAP);
        assertThat(invoke(barrier).hold()).isEqualTo(Hold.BEHIND);
        assertThat(barrier.overBudget()).isEqualTo(1);

        sink.release();
        assertThat(awaitCondition(() -> pipeline.pendingLines(DeliveryClass.GUARANTEED) == 0)).isTrue();
        advance(SHORT_GAP);
        assertThat(invoke(barrier, "later").hold()).isEqualTo(Hold.NONE);
        for (int i = 0; i < 3; i++) {
            advance(gap);
            invoke(barrier);
        }
        advance(gap);
        Passage again = invoke(barrier);
        assertThat(again.hold()).isEqualTo(Hold.OVERDUE);
        assertThat(again.delivered()).isTrue();
        assertThat(sink.lines()).contains("old", "later");
    }

    @Test
    void withoutAWrapperSteadyInvocationsDoNotWaitForTelemetrysRuntimeDone() {
        OutputEndMarkers noWrapper = new OutputEndMarkers();
        HeldSink sink = new HeldSink("primary", true);
        pipeline = ShippingPipeline.builder().config(PipelineConfig.defaults().withFlushInterval(INTERVAL)).clock(clock)
                .sink(sink).build();
        AdaptiveBarrier barrier = new AdaptiveBarrier(pipeline, noWrapper, () -> true, BUDGET, clock);
        assertThat(pipeline.awaitSinksStarted(WAIT)).isTrue();

        for (int i = 1; i <= 2; i++) {
            String id = "t" + i;
            noWrapper.invocationStarted(id);
            noWrapper.mark(Marker.RUNTIME_DONE, id);
            Passage sparse = barrier.pass(new ExtensionEvent.Invoke(id, farDeadline(), ""));
            assertThat(sparse.hold()).isEqualTo(Hold.DELIVERED);
            assertThat(sparse.endSeen()).isTrue();
            advance(SHORT_GAP);
        }
        // no runtimeDone for t3 ever comes: a wait for it would last until the invocation's deadline
        noWrapper.invocationStarted("t3");
        Passage steady = barrier.pass(new ExtensionEvent.Invoke("t3", farDeadline(), ""));
        assertThat(steady.hold()).isEqualTo(Hold.NONE);
        assertThat(steady.endSeen()).isFalse();
    }

    @Test
    void theDeliveryVariableChoosesTheBarrier() {
        pipeline = ShippingPipeline.builder().config(PipelineConfig.defaults()).sink(new HeldSink("primary", true)).build();
        BooleanSupplier noTelemetry = () -> false;

        InvocationBarrier byDefault = InvocationBarrier.fromSettings(Settings.of(Map.of()), pipeline, boundaries, noTelemetry);
        assertThat(byDefault).isInstanceOf(AdaptiveBarrier.class);
        assertThat(((AdaptiveBarrier) byDefault).steadyGap()).isEqualTo(Duration.ofMillis(500));
        assertThat(((AdaptiveBarrier) byDefault).bound()).isEqualTo(Duration.ofMillis(1500));
        assertThat(InvocationBarrier.fromSettings(Settings.of(Map.of("FIRETAP_DELIVERY", "Strict")), pipeline, boundaries,
                noTelemetry)).isInstanceOf(DeliverBeforeNext.class);
        assertThat(InvocationBarrier.fromSettings(Settings.of(Map.of("FIRETAP_DELIVERY", "adaptive")), pipeline,
                boundaries, noTelemetry)).isInstanceOf(AdaptiveBarrier.class);
        assertThatThrownBy(() -> InvocationBarrier.fromSettings(Settings.of(Map.of("FIRETAP_DELIVERY", "sometimes")),
                pipeline, boundaries, noTelemetry))
                .isInstanceOf(ConfigException.class)
                .hasMessage("FIRETAP_DELIVERY='sometimes' is not valid: expected one of adaptive, strict");
        assertThatThrownBy(() -> InvocationBarrier.fromSettings(Settings.of(Map.of("FIRETAP_FLUSH_BUDGET", "0ms")),
                pipeline, boundaries, noTelemetry))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("FIRETAP_FLUSH_BUDGET='0ms' is not valid");
    }

    private AdaptiveBarrier adaptive(PipelineConfig config, Duration budget, Sink... sinks) {
        pipeline = ShippingPipeline.builder().config(config.withFlushInterval(INTERVAL)).clock(clock)
                .sinks(List.of(sinks)).build();
        return new AdaptiveBarrier(pipeline, boundaries, () -> false, budget, clock);
    }

    /** Two held invocations with short gaps after them: the next one is steady. */
    private void reachSteady(AdaptiveBarrier barrier, HeldSink sink) {
        assertThat(pipeline.awaitSinksStarted(WAIT)).isTrue();
        assertThat(invoke(barrier).hold()).isEqualTo(Hold.DELIVERED);
        advance(SHORT_GAP);
        assertThat(invoke(barrier).hold()).isEqualTo(Hold.DELIVERED);
        advance(SHORT_GAP);
    }

    /** One invocation: the function writes {@code lines}, the wrapper marks its end, the barrier passes. */
    private Passage invoke(InvocationBarrier barrier, String... lines) {
        return barrier.pass(startInvocation(lines));
    }

    private ExtensionEvent.Invoke startInvocation(String... lines) {
        String id = "r" + (++invocations);
        boundaries.invocationStarted(id);
        for (String line : lines) {
            pipeline.offer(LogLine.ofUtf8(line, Source.SOCKET));
        }
        boundaries.mark(Marker.OUTPUT_END, id);
        return new ExtensionEvent.Invoke(id, farDeadline(), "");
    }

    private static long farDeadline() {
        return System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(10);
    }

    private void advance(Duration d) {
        ahead.addAndGet(d.toNanos());
    }

    private static boolean awaitCondition(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }
}
