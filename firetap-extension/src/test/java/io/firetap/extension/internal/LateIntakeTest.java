package io.firetap.extension.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.core.pipeline.Intake;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LateIntakeTest {

    /** Collects what it is given, like a pipeline with room for everything. */
    private static final class Collecting implements Intake {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public boolean offer(LogLine record) {
            lines.add(new String(record.toByteArray(), StandardCharsets.UTF_8));
            return true;
        }

        @Override
        public int offerAll(List<LogLine> records) {
            records.forEach(this::offer);
            return records.size();
        }
    }

    private static LogLine line(String text) {
        return LogLine.of(text.getBytes(StandardCharsets.UTF_8), 0L, Source.TELEMETRY_FUNCTION, null);
    }

    @Test
    void anOfferBeforeThePipelineWaitsForItAndIsDeliveredToIt() throws Exception {
        LateIntake late = new LateIntake();
        Collecting pipeline = new Collecting();
        AtomicInteger accepted = new AtomicInteger(-1);
        Thread receiver = new Thread(() -> accepted.set(late.offerAll(List.of(line("init 1"), line("init 2")))));
        receiver.start();
        while (receiver.getState() != Thread.State.TIMED_WAITING && receiver.isAlive()) {
            Thread.onSpinWait();
        }
        assertThat(accepted.get()).as("still waiting for the pipeline").isEqualTo(-1);

        late.set(pipeline);
        receiver.join();

        assertThat(accepted.get()).isEqualTo(2);
        assertThat(pipeline.lines).containsExactly("init 1", "init 2");
        assertThat(late.offer(line("later"))).isTrue();
        assertThat(pipeline.lines).containsExactly("init 1", "init 2", "later");
    }
}
