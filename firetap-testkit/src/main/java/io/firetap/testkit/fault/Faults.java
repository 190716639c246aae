package io.firetap.testkit.fault;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Faults an endpoint injects on demand: whole-call throttling, per-entry failures, HTTP 5xx,
 * added latency, dropped connections, lost responses and outages. One instance belongs to one
 * endpoint; every fake endpoint in the testkit ({@code AwsEndpoint} for Firehose and Kinesis,
 * {@code HttpReceiver}, {@code S3Endpoint}) uses this same API and maps each {@link FaultKind} to
 * its own wire shape.
 *
 * <pre>{@code
 * endpoint.faults().throttleCalls(0.2).failEntries(0.2).serverErrors(0.05);
 * endpoint.faults().clear();
 *
 * // an outage the test ends, rather than one it waits out
 * endpoint.faults().outage();
 * endpoint.faults().awaitInjected(FaultKind.OUTAGE, 3, Duration.ofSeconds(30)); // the client retried
 * endpoint.faults().endOutage();
 * }</pre>
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Deterministic: the decisions are drawn from one pseudo-random sequence seeded at
 *       construction (or by {@link #reseed}); the same calls in the same order meet the same faults.</li>
 *   <li>Per call, at most one failure is chosen, in this order: an open outage, then connection
 *       reset, lost response, server error, unavailable, throttled; probabilities apply in turn to
 *       what the earlier ones let through. Per entry of a call that went through: throttled, then
 *       internal failure.</li>
 *   <li>Every injected fault is counted ({@link #injected()}), so tests can relate them to the
 *       client's own counters.</li>
 *   <li>Thread-safe; settings take effect for calls that start after the setter returns.</li>
 * </ul>
 */
public final class Faults {
    private final ReentrantLock lock = new ReentrantLock();
    private final ConnectionGate gate;
    private final Map<FaultKind, AtomicLong> counts = new EnumMap<>(FaultKind.class);
    private Random random;
    private double throttleCalls;
    private double throttleEntries;
    private double failEntries;
    private double serverErrors;
    private double unavailable;
    private double resets;
    private double lostResponses;
    private Duration latency = Duration.ZERO;
    private final Condition injectedMore = lock.newCondition();
    private boolean outage;
    /** Whether an open outage ends by itself at {@link #outageUntilNanos}, or only when ended or cleared. */
    private boolean outageEnds;
    private long outageUntilNanos;

    /** Faults for an endpoint that cannot refuse connections. */
    public Faults(long seed) {
        this(seed, null);
    }

    /**
     * @param seed the seed of the decision sequence
     * @param gate how the endpoint refuses connections, or {@code null} if it cannot
     */
    public Faults(long seed, ConnectionGate gate) {
        this.random = new Random(seed);
        this.gate = gate;
        for (FaultKind kind : FaultKind.values()) {
            counts.put(kind, new AtomicLong());
        }
    }

    /** Refuse each call as throttled with probability {@code p}. */
    public Faults throttleCalls(double p) {
        set(() -> throttleCalls = probability(p));
        return this;
    }

    /** Fail each entry of a batch with the service's throttling code with probability {@code p}; the call itself succeeds. */
    public Faults failEntries(double p) {
        set(() -> throttleEntries = probability(p));
        return this;
    }

    /** Fail each entry of a batch with {@code InternalFailure} with probability {@code p}; the call itself succeeds. */
    public Faults failEntriesInternally(double p) {
        set(() -> failEntries = probability(p));
        return this;
    }

    /** Answer each call with HTTP 500 {@code InternalFailure} with probability {@code p}. */
    public Faults serverErrors(double p) {
        set(() -> serverErrors = probability(p));
        return this;
    }

    /** Answer each call with HTTP 503 with probability {@code p}. */
    public Faults unavailable(double p) {
        set(() -> unavailable = probability(p));
        return this;
    }

    /** Close the connection without a response, before the call takes effect, with probability {@code p}. */
    public Faults resetConnections(double p) {
        set(() -> resets = probability(p));
        return this;
    }

    /** Let the call take effect, then close the connection without a response, with probability {@code p}: the client cannot tell it worked. */
    public Faults dropResponses(double p) {
        set(() -> lostResponses = probability(p));
        return this;
    }

    /** Wait {@code delay} before answering every call (including failed ones). */
    public Faults latency(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency < 0: " + delay);
        }
        set(() -> latency = delay);
        return this;
    }

    /**
     * Answer every call with HTTP 503 for {@code duration} from now. Waiting out a wall-clock outage
     * makes a test slow; {@link #outage()} with {@link #endOutage()} lets the test end it once it has
     * seen what it needs.
     */
    public Faults outageFor(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("outage < 0: " + duration);
        }
        set(() -> {
            outage = true;
            outageEnds = true;
            outageUntilNanos = System.nanoTime() + duration.toNanos();
        });
        return this;
    }

    /** Answer every call with HTTP 503 from now until {@link #endOutage()} or {@link #clear()}. */
    public Faults outage() {
        set(() -> {
            outage = true;
            outageEnds = false;
        });
        return this;
    }

    /** End an outage now, if one is open; the other faults stay as they are. */
    public Faults endOutage() {
        set(() -> outage = false);
        return this;
    }

    /**
     * Refuse connections for {@code duration} from now: the port stops listening, so clients see
     * "connection refused", then listens again. Open connections are closed.
     *
     * @throws UnsupportedOperationException if this endpoint cannot refuse connections
     */
    public Faults refuseConnectionsFor(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("refusal < 0: " + duration);
        }
        if (gate == null) {
            throw new UnsupportedOperationException("this endpoint cannot refuse connections");
        }
        set(() -> count(FaultKind.CONNECTIONS_REFUSED));
        gate.refuseFor(duration);
        return this;
    }

    /** Start the decision sequence again from {@code seed}. */
    public Faults reseed(long seed) {
        set(() -> random = new Random(seed));
        return this;
    }

    /** Turn every fault off: probabilities to zero, no latency, any outage or refusal ended. Counts are kept. */
    public Faults clear() {
        set(() -> {
            throttleCalls = 0;
            throttleEntries = 0;
            failEntries = 0;
            serverErrors = 0;
            unavailable = 0;
            resets = 0;
            lostResponses = 0;
            latency = Duration.ZERO;
            outage = false;
        });
        if (gate != null) {
            gate.reopen();
        }
        return this;
    }

    /**
     * Waits until {@code kind} has been injected at least {@code count} times in all (counting from
     * the endpoint's start), so a test can end a fault once the client has met it often enough
     * instead of waiting a fixed time.
     *
     * @return {@code true} once the count is reached, {@code false} if {@code timeout} passed first
     */
    public boolean awaitInjected(FaultKind kind, long count, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(kind, "kind");
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (counts.get(kind).get() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                injectedMore.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The faults injected so far. */
    public InjectedFaults injected() {
        Map<FaultKind, Long> snapshot = new EnumMap<>(FaultKind.class);
        counts.forEach((kind, n) -> snapshot.put(kind, n.get()));
        return new InjectedFaults(snapshot);
    }

    /**
     * For endpoints: the fault for the call about to be answered, counted as injected. Call it
     * once per call that passed the endpoint's own validation.
     */
    public CallFault nextCall() {
        lock.lock();
        try {
            Duration delay = latency;
            FaultKind failure = null;
            if (outageOpen()) {
                failure = FaultKind.OUTAGE;
            } else {
                outage = false;
                if (draw(resets)) {
                    failure = FaultKind.CONNECTION_RESET;
                } else if (draw(lostResponses)) {
                    failure = FaultKind.RESPONSE_LOST;
                } else if (draw(serverErrors)) {
                    failure = FaultKind.SERVER_ERROR;
                } else if (draw(unavailable)) {
                    failure = FaultKind.UNAVAILABLE;
                } else if (draw(throttleCalls)) {
                    failure = FaultKind.THROTTLED_CALL;
                }
            }
            if (failure != null) {
                count(failure);
            }
            if (!delay.isZero()) {
                count(FaultKind.LATENCY);
            }
            return failure == null && delay.isZero() ? CallFault.NONE : new CallFault(failure, delay);
        } finally {
            lock.unlock();
        }
    }

    /**
     * For endpoints: the fault for the next entry of a call that went through, counted as
     * injected: {@link FaultKind#THROTTLED_ENTRY}, {@link FaultKind#FAILED_ENTRY} or {@code null}.
     */
    public FaultKind nextEntry() {
        lock.lock();
        try {
            FaultKind failure = null;
            if (draw(throttleEntries)) {
                failure = FaultKind.THROTTLED_ENTRY;
            } else if (draw(failEntries)) {
                failure = FaultKind.FAILED_ENTRY;
            }
            if (failure != null) {
                count(failure);
            }
            return failure;
        } finally {
            lock.unlock();
        }
    }

    /** Whether any entry fault is switched on, so endpoints can skip drawing per entry when none is. */
    public boolean entryFaultsOn() {
        lock.lock();
        try {
            return throttleEntries > 0 || failEntries > 0;
        } finally {
            lock.unlock();
        }
    }

    private boolean outageOpen() {
        return outage && (!outageEnds || System.nanoTime() - outageUntilNanos < 0);
    }

    /** Counts one injected fault; the caller holds the lock. */
    private void count(FaultKind kind) {
        counts.get(kind).incrementAndGet();
        injectedMore.signalAll();
    }

    private boolean draw(double p) {
        // Faults that are off draw nothing: the sequence depends only on the faults a test turned on.
        return p > 0 && random.nextDouble() < p;
    }

    private void set(Runnable change) {
        lock.lock();
        try {
            change.run();
        } finally {
            lock.unlock();
        }
    }

    private static double probability(double p) {
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("probability must be within [0, 1]: " + p);
        }
        return p;
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "Faults{throttleCalls=" + throttleCalls + ", failEntries=" + throttleEntries
                    + ", failEntriesInternally=" + failEntries + ", serverErrors=" + serverErrors
                    + ", unavailable=" + unavailable + ", resetConnections=" + resets
                    + ", dropResponses=" + lostResponses + ", latency=" + latency
                    + ", outage=" + outageOpen() + "}";
        } finally {
            lock.unlock();
        }
    }
}
