package io.firetap.extension.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.testkit.aws.AcceptedStream;
import io.firetap.testkit.aws.AwsEndpoint;
import io.firetap.testkit.lambda.Invocation;
import io.firetap.testkit.lambda.LambdaEmulator;
import io.firetap.testkit.lambda.ShutdownReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default delivery mode with the real extension under the emulator, against an endpoint with a
 * realistic round trip: sparse invocations are held until delivered, steady ones are not, and no
 * line is lost across freezes, calls caught by a freeze, SHUTDOWN, or a best-effort sink that is down.
 */
@Timeout(180)
class AdaptiveDeliveryEndToEndTest {
    private static final int LINES = 100;
    /** The flush interval in these tests: steady below 200 ms between invocations, sparse above. */
    private static final String INTERVAL = "400ms";
    private static final Duration SPARSE_GAP = Duration.ofMillis(300);

    @TempDir
    Path dir;

    @BeforeEach
    void layOut() throws Exception {
        Environment.write(dir);
    }

    private LambdaEmulator.Builder adaptive(AwsEndpoint aws) {
        return Environment.withWrapper(dir, aws).env("FIRETAP_DELIVERY", "adaptive").env("FIRETAP_FLUSH_INTERVAL", INTERVAL);
    }

    /**
     * Lets {@code gap} pass with the environment frozen: the gap between invocations is what the
     * adaptive rule reads, so here the elapsed time itself is the condition waited for.
     */
    private static void idle(Duration gap) {
        long until = System.nanoTime() + gap.toNanos();
        for (long left = gap.toNanos(); left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    @Test
    void sparseInvocationsAreHeldUntilDeliveredSteadyOnesAreNotAndTheNextSparseOneDeliversTheRest() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").latency(Duration.ofMillis(20)).start()) {
            AcceptedStream logs = aws.deliveryStream("logs");
            Map<Integer, Long> whileFrozen = new ConcurrentHashMap<>();
            List<Invocation> steady = new ArrayList<>();
            long callsBeforeSteady;
            long callsAfterSteady;
            try (LambdaEmulator lambda = adaptive(aws).onFrozen(i -> whileFrozen.put(i.number(), logs.lineCount()))
                    .build().start()) {
                // the first invocation may let go while the clients start; sparse ones follow
                for (int k = 1; k <= 3; k++) {
                    assertThat(lambda.invoke("{\"lines\":" + LINES + "}").status()).isEqualTo(Invocation.Status.SUCCESS);
                    idle(SPARSE_GAP);
                }
                callsBeforeSteady = logs.calls();
                for (int k = 4; k <= 23; k++) {
                    steady.add(lambda.invoke("{\"lines\":" + LINES + "}"));
                }
                callsAfterSteady = logs.calls();
                idle(SPARSE_GAP);
                lambda.invoke("{\"lines\":" + LINES + "}");
                lambda.shutdown();
            }
            assertThat(whileFrozen.get(2)).as("sparse: all lines so far delivered while frozen after 2").isEqualTo(2L * LINES);
            assertThat(whileFrozen.get(3)).as("sparse: all lines so far delivered while frozen after 3").isEqualTo(3L * LINES);
            // the first two back-to-back invocations are sparse by the rule; the rest are steady. A strict
            // barrier holds every one of them for at least the 20 ms round trip; an adaptive one holds only
            // for lines that got overdue (on a busy machine, now and then)
            List<Duration> steadyHolds = steady.subList(2, steady.size()).stream().map(Invocation::hold).sorted().toList();
            assertThat(steadyHolds.get(steadyHolds.size() / 2)).as("median hold of the steady invocations %s", steadyHolds)
                    .isLessThan(Duration.ofMillis(20));
            assertThat(callsAfterSteady - callsBeforeSteady).as("calls for %d steady invocations", steady.size())
                    .isLessThan(steady.size() / 2);
            assertThat(whileFrozen.get(24)).as("the sparse invocation after steady traffic delivered everything")
                    .isEqualTo(24L * LINES);
            assertThat(logs.lineCount()).isEqualTo(24L * LINES);
            assertThat(new HashSet<>(logs.lines())).hasSize(24 * LINES);
        }
    }

    @Test
    void callsCaughtInFlightByFreezesLandAndShutdownAfterALongFreezeDeliversWhatWasPending() throws Exception {
        // a round trip longer than the gap between invocations (tens of milliseconds here): calls are in
        // flight when the environment freezes; short enough that SHUTDOWN's 2 s hold a few calls
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").latency(Duration.ofMillis(300)).start()) {
            AcceptedStream logs = aws.deliveryStream("logs");
            long whileFrozenAtTheEnd;
            ShutdownReport end;
            int invocations = 30;
            try (LambdaEmulator lambda = adaptive(aws).env("FIRETAP_FLUSH_INTERVAL", "1s")
                    .shutdownDeadline(Duration.ofSeconds(2)).build().start()) {
                for (int k = 1; k <= invocations; k++) {
                    assertThat(lambda.invoke("{\"lines\":" + LINES + "}").status()).isEqualTo(Invocation.Status.SUCCESS);
                }
                whileFrozenAtTheEnd = logs.lineCount();
                // a long freeze: longer than the interval and the round trip together
                idle(Duration.ofSeconds(3));
                end = lambda.shutdown();
            }
            assertThat(whileFrozenAtTheEnd).as("lines pending when the environment froze").isLessThan((long) invocations * LINES);
            assertThat(new HashSet<>(logs.lines())).as("every line, duplicates aside").hasSize(invocations * LINES);
            assertThat(end.process("firetap").exitCode()).isZero();
        }
    }

    @Test
    void aBestEffortSinkThatIsDownHoldsNoInvocationAndGetsEverythingOnceBack() throws Exception {
        try (AwsEndpoint primary = AwsEndpoint.builder().deliveryStream("logs").latency(Duration.ofMillis(20)).start();
             AwsEndpoint archive = AwsEndpoint.builder().dataStream("archive", 1).start()) {
            AcceptedStream firehose = primary.deliveryStream("logs");
            Map<Integer, Long> whileFrozen = new ConcurrentHashMap<>();
            List<Invocation> invocations = new ArrayList<>();
            ShutdownReport end;
            try (LambdaEmulator lambda = adaptive(primary)
                    .env("FIRETAP_SINK", "firehose,kinesis")
                    .env("FIRETAP_KINESIS_STREAM_NAME", "archive")
                    .env("FIRETAP_KINESIS_DELIVERY", "best-effort")
                    .env("AWS_ENDPOINT_URL_KINESIS", archive.endpointUri().toString())
                    .env("FIRETAP_FLUSH_BUDGET", "2s")
                    .shutdownDeadline(Duration.ofSeconds(10))
                    .onFrozen(i -> whileFrozen.put(i.number(), firehose.lineCount()))
                    .build().start()) {
                // the archive is down (every call refused) for longer than the test, until cleared below
                archive.faults().outageFor(Duration.ofMinutes(5));
                invocations.add(lambda.invoke("{\"lines\":" + LINES + "}"));
                for (int k = 2; k <= 4; k++) {
                    idle(SPARSE_GAP);
                    invocations.add(lambda.invoke("{\"lines\":" + LINES + "}"));
                }
                archive.faults().clear();
                end = lambda.shutdown();
            }
            for (int k = 2; k <= 4; k++) {
                assertThat(whileFrozen.get(k)).as("the primary had every line while frozen after %d", k).isEqualTo(k * (long) LINES);
            }
            // invocation 2 is the first held one and waits for the clients' start; after it, only the primary's calls count
            assertThat(invocations.subList(2, invocations.size())).allSatisfy(i -> assertThat(i.hold())
                    .as("invocation %d was not held for the archive (budget 2 s)", i.number()).isLessThan(Duration.ofSeconds(1)));
            assertThat(end.process("firetap").exitCode()).isZero();
            assertThat(archive.dataStream("archive").lineCount()).as("the archive got every line at SHUTDOWN")
                    .isGreaterThanOrEqualTo(4L * LINES);
            assertThat(new HashSet<>(archive.dataStream("archive").lines())).hasSize(4 * LINES);
        }
    }

    @Test
    void theFirstInvocationIsNotHeldForTheClientsWarmUpAndItsLinesArriveWithTheSecond() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").latency(Duration.ofMillis(20)).start()) {
            AcceptedStream logs = aws.deliveryStream("logs");
            Map<Integer, Long> whileFrozen = new ConcurrentHashMap<>();
            Invocation first;
            try (LambdaEmulator lambda = adaptive(aws).onFrozen(i -> whileFrozen.put(i.number(), logs.lineCount()))
                    .build().start()) {
                first = lambda.invoke("{\"lines\":" + LINES + "}");
                idle(SPARSE_GAP);
                lambda.invoke("{\"lines\":" + LINES + "}");
                lambda.shutdown();
            }
            assertThat(first.hold()).as("the first invocation's hold").isLessThan(Duration.ofMillis(
                    TimeUnit.SECONDS.toMillis(1)));
            assertThat(whileFrozen.get(2)).as("both invocations' lines delivered while frozen after the second")
                    .isEqualTo(2L * LINES);
        }
    }
}
