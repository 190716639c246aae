package io.firetap.extension.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.LogLine;
import io.firetap.core.pipeline.Intake;
import io.firetap.extension.internal.OutputEndMarkers.Marker;
import io.firetap.wrapper.internal.WrapperEndpoints;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The end of an invocation is marked only once the runtime's output up to its result is in the intake. */
@Timeout(60)
class RuntimeOutputTest {
    @TempDir
    Path dir;

    /** An intake that holds its first hand-over until released: a pipeline pushing back. */
    private static final class HeldIntake implements Intake {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public boolean offer(LogLine record) {
            return offerAll(List.of(record)) == 1;
        }

        @Override
        public int offerAll(List<LogLine> records) {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (LogLine r : records) {
                lines.add(new String(r.toByteArray(), StandardCharsets.UTF_8));
            }
            return records.size();
        }
    }

    @Test
    void theEndIsMarkedOnlyAfterTheLinesBeforeTheResultAreHandedOverEvenWhenTheReaderIsHeldUp() throws Exception {
        HeldIntake pipeline = new HeldIntake();
        OutputEndMarkers boundaries = new OutputEndMarkers();
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (WrapperEndpoints endpoints = WrapperEndpoints.open(dir.resolve("intake"), warnings::add);
                OutputStream runtime = new FileOutputStream(dir.resolve("intake").toFile())) {
            RuntimeOutput output = new RuntimeOutput(endpoints.intake(), boundaries, 1024, pipeline);
            endpoints.intake().start(output);
            output.nextRequested();
            output.invocationStarted("r1");
            runtime.write("first\n".getBytes(StandardCharsets.UTF_8));
            assertThat(pipeline.entered.await(30, TimeUnit.SECONDS)).isTrue();
            // written while the reader is held: still in the pipe when the result goes out
            runtime.write("second\nunfinished".getBytes(StandardCharsets.UTF_8));

            Thread proxy = new Thread(() -> output.resultSent("r1"), "proxy");
            proxy.start();
            awaitBlockedOrDone(proxy);
            assertThat(boundaries.reached(Marker.OUTPUT_END, "r1"))
                    .as("not marked while lines written before the result are still in the pipe").isFalse();

            pipeline.release.countDown();
            proxy.join(30_000);
            assertThat(boundaries.reached(Marker.OUTPUT_END, "r1")).isTrue();
            assertThat(pipeline.lines).containsExactly("first", "second", "unfinished");
            assertThat(boundaries.isRuntimeAttached()).isTrue();
        }
        assertThat(warnings).isEmpty();
    }

    /** Waits (bounded) until {@code t} waits for something or has ended. */
    private static void awaitBlockedOrDone(Thread t) throws InterruptedException {
        List<Thread.State> settled = new ArrayList<>(List.of(Thread.State.WAITING, Thread.State.TIMED_WAITING,
                Thread.State.TERMINATED));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!settled.contains(t.getState()) && System.nanoTime() < deadline) {
            t.join(1);
        }
    }
}
