package io.firetap.core.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;

/**
 * Says how many lines were lost and why, at most once per interval per reason, so a flood of
 * drops yields one line every few seconds with the total, not one line per drop. Counts that
 * have not been said yet are said on {@link #report()} (the pipeline calls it on every flush and
 * at shutdown), so no loss goes unreported.
 */
public final class LossReporter {
    private final Logger log;
    private final long intervalNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, long[]> unsaid = new LinkedHashMap<>();
    private final Map<String, Long> lastSaid = new LinkedHashMap<>();

    public LossReporter(Logger log, long intervalNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
    }

    /** Adds {@code lines} lost for {@code reason}; says it now unless this reason was said within the interval. */
    public void add(String reason, long lines) {
        if (lines <= 0) {
            return;
        }
        long now = System.nanoTime();
        long toSay = 0;
        lock.lock();
        try {
            long[] count = unsaid.computeIfAbsent(reason, r -> new long[1]);
            count[0] += lines;
            Long last = lastSaid.get(reason);
            if (last == null || now - last >= intervalNanos) {
                toSay = count[0];
                count[0] = 0;
                lastSaid.put(reason, now);
            }
        } finally {
            lock.unlock();
        }
        if (toSay > 0) {
            say(reason, toSay);
        }
    }

    /** Says every count not said yet. */
    public void report() {
        Map<String, Long> toSay = new LinkedHashMap<>();
        long now = System.nanoTime();
        lock.lock();
        try {
            for (Map.Entry<String, long[]> e : unsaid.entrySet()) {
                if (e.getValue()[0] > 0) {
                    toSay.put(e.getKey(), e.getValue()[0]);
                    e.getValue()[0] = 0;
                    lastSaid.put(e.getKey(), now);
                }
            }
        } finally {
            lock.unlock();
        }
        toSay.forEach(this::say);
    }

    private void say(String reason, long lines) {
        log.warn("{} {} lost: {}", lines, lines == 1 ? "line" : "lines", reason);
    }
}
