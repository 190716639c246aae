package io.firetap.core.internal;

import io.firetap.core.LogLine;
import java.nio.file.Path;
import java.util.List;

/** Leaves spill files behind as a process that crashed would, for tests outside this package. */
public final class SpillStoreAccess {
    private SpillStoreAccess() {
    }

    /** Spills {@code lines} into {@code dir} and lets go of the directory without delivering or deleting them. */
    public static void leaveBehind(Path dir, List<LogLine> lines) {
        SpillStore store = SpillStore.open(dir, 64L << 20, 256L << 10, 1);
        for (LogLine line : lines) {
            if (!store.stage(line)) {
                throw new IllegalStateException(store.lastRefusal());
            }
        }
        if (store.commit() != lines.size()) {
            throw new IllegalStateException(store.lastRefusal());
        }
        store.abandonLock();
    }
}
