package io.firetap.extension.internal;

import io.firetap.core.LogLine;
import io.firetap.core.pipeline.Intake;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An intake whose pipeline arrives a little after the receiver starts: so the Telemetry listener
 * can start and subscribe while the sinks are still being created. A record offered before then
 * waits for the pipeline (tens of milliseconds at a cold start), at most {@link #WAIT_SECONDS};
 * if init fails and no pipeline ever comes, the process is exiting and the record is refused.
 */
public final class LateIntake implements Intake {
    static final long WAIT_SECONDS = 10;

    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile Intake target;

    /** Sets the pipeline; offers from now on go straight to it. */
    public void set(Intake pipeline) {
        target = pipeline;
        ready.countDown();
    }

    private Intake target() {
        Intake t = target;
        if (t != null) {
            return t;
        }
        try {
            ready.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return target;
    }

    @Override
    public boolean offer(LogLine record) {
        Intake t = target();
        return t != null && t.offer(record);
    }

    @Override
    public int offerAll(List<LogLine> records) {
        Intake t = target();
        return t == null ? 0 : t.offerAll(records);
    }
}
