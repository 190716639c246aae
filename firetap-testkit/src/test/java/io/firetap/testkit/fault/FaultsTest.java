package io.firetap.testkit.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FaultsTest {

    @Test
    void noFaultsByDefault() {
        Faults faults = new Faults(7);
        for (int i = 0; i < 100; i++) {
            assertThat(faults.nextCall()).isSameAs(CallFault.NONE);
            assertThat(faults.nextEntry()).isNull();
        }
        assertThat(faults.injected().asMap().values()).containsOnly(0L);
    }

    @Test
    void sameSeedSameDecisions() {
        assertThat(decisions(new Faults(42))).isEqualTo(decisions(new Faults(42)));
    }

    @Test
    void reseedRestartsTheSequence() {
        Faults faults = new Faults(42);
        List<String> first = decisions(faults);
        faults.reseed(42);
        assertThat(decisions(faults)).isEqualTo(first);
    }

    @Test
    void differentSeedsDiffer() {
        assertThat(decisions(new Faults(1))).isNotEqualTo(decisions(new Faults(2)));
    }

    @Test
    void probabilitiesShapeTheMix() {
        Faults faults = new Faults(3).throttleCalls(0.2).serverErrors(0.05).failEntries(0.2);
        int calls = 10_000;
        for (int i = 0; i < calls; i++) {
            faults.nextCall();
            faults.nextEntry();
        }
        InjectedFaults injected = faults.injected();
        // Server errors are drawn first, throttling on what is left: 0.95 * 0.2 = 0.19 of calls.
        assertThat(injected.count(FaultKind.SERVER_ERROR)).isBetween(400L, 600L);
        assertThat(injected.count(FaultKind.THROTTLED_CALL)).isBetween(1_650L, 2_150L);
        assertThat(injected.count(FaultKind.THROTTLED_ENTRY)).isBetween(1_750L, 2_250L);
        assertThat(injected.failedCalls()).isEqualTo(injected.count(FaultKind.SERVER_ERROR) + injected.count(FaultKind.THROTTLED_CALL));
        assertThat(injected.failedEntries()).isEqualTo(injected.count(FaultKind.THROTTLED_ENTRY));
    }

    @Test
    void certainFaultsAlwaysHappen() {
        Faults faults = new Faults(5).resetConnections(1.0);
        assertThat(faults.nextCall().failure()).isEqualTo(FaultKind.CONNECTION_RESET);
        faults.clear().dropResponses(1.0);
        assertThat(faults.nextCall().failure()).isEqualTo(FaultKind.RESPONSE_LOST);
        faults.clear().unavailable(1.0);
        assertThat(faults.nextCall().failure()).isEqualTo(FaultKind.UNAVAILABLE);
        faults.clear().failEntriesInternally(1.0);
        assertThat(faults.nextCall()).isSameAs(CallFault.NONE);
        assertThat(faults.nextEntry()).isEqualTo(FaultKind.FAILED_ENTRY);
        assertThat(faults.injected().count(FaultKind.CONNECTION_RESET)).isOne();
        assertThat(faults.injected().count(FaultKind.RESPONSE_LOST)).isOne();
        assertThat(faults.injected().count(FaultKind.UNAVAILABLE)).isOne();
        assertThat(faults.injected().count(FaultKind.FAILED_ENTRY)).isOne();
    }

    @Test
    void outageFailsEveryCallUntilItEnds() {
        Faults faults = new Faults(9).outageFor(Duration.ofHours(1));
        for (int i = 0; i < 5; i++) {
            assertThat(faults.nextCall().failure()).isEqualTo(FaultKind.OUTAGE);
        }
        faults.outageFor(Duration.ZERO);
        assertThat(faults.nextCall()).isSameAs(CallFault.NONE);
        assertThat(faults.injected().count(FaultKind.OUTAGE)).isEqualTo(5);
    }

    @Test
    void anOpenOutageLastsUntilTheTestEndsItAndOnlyTheOutageEnds() {
        Faults faults = new Faults(9).outage().latency(Duration.ofMillis(5));
        for (int i = 0; i < 5; i++) {
            assertThat(faults.nextCall().failure()).isEqualTo(FaultKind.OUTAGE);
        }
        faults.endOutage();
        CallFault after = faults.nextCall();
        assertThat(after.fails()).isFalse();
        assertThat(after.latency()).as("latency stays on").isEqualTo(Duration.ofMillis(5));
        assertThat(faults.injected().count(FaultKind.OUTAGE)).isEqualTo(5);
    }

    @Test
    void awaitInjectedReturnsOnceTheEndpointHasRefusedEnoughCalls() throws Exception {
        Faults faults = new Faults(9).outage();
        Thread client = new Thread(() -> {
            for (int i = 0; i < 3; i++) {
                faults.nextCall();
            }
        });
        client.start();
        try {
            assertThat(faults.awaitInjected(FaultKind.OUTAGE, 3, Duration.ofSeconds(30))).isTrue();
        } finally {
            client.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(faults.injected().count(FaultKind.OUTAGE)).isEqualTo(3);
    }

    @Test
    void awaitInjectedGivesUpAtItsTimeout() throws Exception {
        Faults faults = new Faults(9).outage();
        faults.nextCall();
        assertThat(faults.awaitInjected(FaultKind.OUTAGE, 2, Duration.ofMillis(20))).isFalse();
        assertThat(faults.awaitInjected(FaultKind.OUTAGE, 1, Duration.ZERO)).isTrue();
    }

    @Test
    void clearEndsAnOutageAndKeepsCounts() {
        Faults faults = new Faults(9).outageFor(Duration.ofHours(1)).latency(Duration.ofMillis(5));
        CallFault during = faults.nextCall();
        assertThat(during.failure()).isEqualTo(FaultKind.OUTAGE);
        assertThat(during.latency()).isEqualTo(Duration.ofMillis(5));
        faults.clear();
        assertThat(faults.nextCall()).isSameAs(CallFault.NONE);
        assertThat(faults.injected().count(FaultKind.OUTAGE)).isOne();
        assertThat(faults.injected().count(FaultKind.LATENCY)).isOne();
    }

    @Test
    void refusingConnectionsGoesThroughTheGate() {
        AtomicReference<String> seen = new AtomicReference<>("");
        ConnectionGate gate = new ConnectionGate() {
            @Override
            public void refuseFor(Duration duration) {
                seen.set(seen.get() + "refuse " + duration + ";");
            }

            @Override
            public void reopen() {
                seen.set(seen.get() + "reopen;");
            }
        };
        Faults faults = new Faults(1, gate).refuseConnectionsFor(Duration.ofSeconds(10));
        faults.clear();
        assertThat(seen.get()).isEqualTo("refuse PT10S;reopen;");
        assertThat(faults.injected().count(FaultKind.CONNECTIONS_REFUSED)).isOne();
        assertThat(faults.injected().failedCalls()).isZero();
    }

    @Test
    void anEndpointWithoutAGateCannotRefuse() {
        assertThatThrownBy(() -> new Faults(1).refuseConnectionsFor(Duration.ofSeconds(1)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsNonsense() {
        Faults faults = new Faults(1);
        assertThatThrownBy(() -> faults.throttleCalls(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> faults.failEntries(-0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> faults.serverErrors(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> faults.latency(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> faults.outageFor(null)).isInstanceOf(NullPointerException.class);
    }

    private static List<String> decisions(Faults faults) {
        faults.throttleCalls(0.3).failEntries(0.3).serverErrors(0.1).resetConnections(0.05);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            out.add(faults.nextCall().failure() + "/" + faults.nextEntry());
        }
        return out;
    }
}
