package io.firetap.testkit.fault;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * An immutable count of the faults an endpoint injected, by kind, since it started. Compare it
 * with what the client under test counted (retries, failed entries, timeouts).
 */
public final class InjectedFaults {
    private final Map<FaultKind, Long> counts;

    InjectedFaults(Map<FaultKind, Long> counts) {
        EnumMap<FaultKind, Long> copy = new EnumMap<>(FaultKind.class);
        for (FaultKind kind : FaultKind.values()) {
            copy.put(kind, counts.getOrDefault(kind, 0L));
        }
        this.counts = Collections.unmodifiableMap(copy);
    }

    /** How many times {@code kind} was injected. */
    public long count(FaultKind kind) {
        return counts.get(kind);
    }

    /** Calls that got no successful response because of an injected fault (refusal windows not included: those calls never arrive). */
    public long failedCalls() {
        long n = 0;
        for (Map.Entry<FaultKind, Long> e : counts.entrySet()) {
            if (e.getKey().failsCall() && e.getKey() != FaultKind.CONNECTIONS_REFUSED) {
                n += e.getValue();
            }
        }
        return n;
    }

    /** Entries answered with an error code inside an otherwise successful batch response. */
    public long failedEntries() {
        return count(FaultKind.THROTTLED_ENTRY) + count(FaultKind.FAILED_ENTRY);
    }

    /** Every count, by kind, including zeros. */
    public Map<FaultKind, Long> asMap() {
        return counts;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("InjectedFaults{");
        String sep = "";
        for (Map.Entry<FaultKind, Long> e : counts.entrySet()) {
            if (e.getValue() > 0) {
                sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
                sep = ", ";
            }
        }
        return sb.append('}').toString();
    }
}
