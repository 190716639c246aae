package io.firetap.extension.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.core.pipeline.DeliveryClass;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.extension.ExtensionEvent;
import io.firetap.extension.internal.InvocationBarrier.Hold;
import io.firetap.extension.internal.InvocationBarrier.Passage;
import io.firetap.extension.internal.OutputEndMarkers.Marker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The strict barrier: every line delivered to every guaranteed sink before it lets go, and no other sink waited for. */
@Timeout(60)
class DeliverBeforeNextTest {
    private static final Duration BUDGET = Duration.ofSeconds(10);
    private final OutputEndMarkers boundaries = new OutputEndMarkers();
    private ShippingPipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void aBestEffortSinkIsNeitherFlushedNorWaitedFor() {
        HeldSink primary = new HeldSink("primary", true);
        HeldSink archive = new HeldSink("archive", true);
        archive.hold();
        pipeline = ShippingPipeline.builder()
                .config(PipelineConfig.defaults().withFlushInterval(Duration.ofMinutes(10))
                        .withDelivery("archive", DeliveryClass.BEST_EFFORT))
                .sink(primary).sink(archive).build();
        DeliverBeforeNext barrier = new DeliverBeforeNext(pipeline, boundaries, () -> false, BUDGET);
        boundaries.runtimeAttached();

        Passage passage = barrier.pass(invocation("r1", "a1"));

        assertThat(passage.hold()).isEqualTo(Hold.DELIVERED);
        assertThat(passage.delivered()).isTrue();
        assertThat(passage.endSeen()).isTrue();
        assertThat(primary.lines()).containsExactly("a1");
        assertThat(archive.calls()).isZero();
        assertThat(barrier.overBudget()).isZero();
    }

    @Test
    void theFirstInvocationWaitsForTheSinksToStartThenDelivers() throws Exception {
        HeldSink primary = new HeldSink("primary", false);
        pipeline = ShippingPipeline.builder().config(PipelineConfig.defaults()).sink(primary).build();
        DeliverBeforeNext barrier = new DeliverBeforeNext(pipeline, boundaries, () -> false, BUDGET);
        boundaries.runtimeAttached();

        CompletableFuture<Passage> passage = CompletableFuture.supplyAsync(() -> barrier.pass(invocation("r1", "a1")));
        primary.finishStart();

        assertThat(passage.get(30, TimeUnit.SECONDS).delivered()).isTrue();
        assertThat(primary.lines()).containsExactly("a1");
    }

    private ExtensionEvent.Invoke invocation(String id, String... lines) {
        boundaries.invocationStarted(id);
        for (String line : lines) {
            pipeline.offer(LogLine.ofUtf8(line, Source.SOCKET));
        }
        boundaries.mark(Marker.OUTPUT_END, id);
        return new ExtensionEvent.Invoke(id, System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(10), "");
    }
}
