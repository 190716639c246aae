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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sh wrapper and the extension's proxy and intake, with runtimes that write from several
 * places, AWS's own Java runtime client, and a destination that never answers.
 */
@Timeout(120)
class WrappedRuntimeEndToEndTest {
    @TempDir
    Path dir;

    @BeforeEach
    void layOut() throws Exception {
        Environment.write(dir);
    }

    @Test
    void linesFromAChildProcessAndTheLastLineBeforeAResponsePostedFromAnotherThreadAreDeliveredBeforeTheFreeze()
            throws Exception {
        int invocations = 4;
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start()) {
            AcceptedStream logs = aws.deliveryStream("logs");
            Map<Integer, List<String>> whileFrozen = new ConcurrentHashMap<>();
            try (LambdaEmulator lambda = Environment.withWrapper(dir, aws).handler("threads")
                    .onFrozen(i -> whileFrozen.put(i.number(), logs.lines()))
                    .build().start()) {
                for (int k = 1; k <= invocations; k++) {
                    assertThat(lambda.invoke("{}").status()).isEqualTo(Invocation.Status.SUCCESS);
                }
                lambda.shutdown();
            }
            List<String> expected = new ArrayList<>();
            for (int k = 1; k <= invocations; k++) {
                expected.addAll(ThreadsFunction.lines(k));
                assertThat(whileFrozen.get(k)).as("lines in the sink while frozen after invocation %d", k)
                        .containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void awsJavaRuntimeInterfaceClientRunsBehindTheProxyAndEveryLineArrivesBeforeTheFreeze() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start()) {
            AcceptedStream logs = aws.deliveryStream("logs");
            Map<Integer, List<String>> whileFrozen = new ConcurrentHashMap<>();
            List<Invocation> invocations = new ArrayList<>();
            try (LambdaEmulator lambda = Environment
                    .withJavaRuntimeClient(dir, aws, RicHandler.class.getName() + "::handleRequest")
                    .onFrozen(i -> whileFrozen.put(i.number(), logs.lines()))
                    .build().start()) {
                for (int n = 1; n <= 3; n++) {
                    invocations.add(lambda.invoke("{\"n\":" + n + "}"));
                }
                lambda.shutdown();
            }
            List<String> expected = new ArrayList<>();
            for (int k = 1; k <= 3; k++) {
                Invocation invocation = invocations.get(k - 1);
                assertThat(invocation.status()).isEqualTo(Invocation.Status.SUCCESS);
                assertThat(invocation.bodyText()).isEqualTo("\"handled " + k + "\"");
                String id = invocation.requestId();
                for (int i = 1; i <= RicHandler.LINES; i++) {
                    expected.add("ric " + id + " stdout line " + i);
                }
                expected.add("ric " + id + " logger line");
                assertThat(whileFrozen.get(k)).as("lines in the sink while frozen after invocation %d", k)
                        .filteredOn(line -> line.startsWith("ric ")).containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void aDestinationThatNeverAnswersHoldsNoInvocationAndTheLossIsCounted() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start()) {
            // every call hangs far longer than the test: the buffer fills and stays full
            aws.faults().latency(Duration.ofMinutes(5));
            List<Invocation> invocations = new ArrayList<>();
            ShutdownReport end;
            List<String> diagnostics;
            try (LambdaEmulator lambda = Environment.withWrapper(dir, aws)
                    .timeout(Duration.ofSeconds(20))
                    .env("FIRETAP_BUFFER_BYTES", "64KiB")
                    .env("FIRETAP_BLOCK_TIMEOUT", "200ms")
                    .env("FIRETAP_FLUSH_BUDGET", "100ms")
                    .build().start()) {
                for (int k = 1; k <= 3; k++) {
                    invocations.add(lambda.invoke("{\"lines\":3000}"));
                }
                end = lambda.shutdown();
                diagnostics = lambda.output("firetap");
            }
            assertThat(invocations).allSatisfy(i -> {
                assertThat(i.status()).isEqualTo(Invocation.Status.SUCCESS);
                // without the block timeout the function's writes would wait for the 5-minute calls
                assertThat(i.runtimeTime()).as("invocation %d's run", i.number()).isLessThan(Duration.ofSeconds(10));
                assertThat(i.hold()).as("invocation %d's hold", i.number()).isLessThan(Duration.ofSeconds(10));
            });
            assertThat(end.process("firetap").exitCode()).isZero();
            assertThat(diagnostics).as("the loss is counted and said")
                    .anyMatch(line -> line.contains("firetap stopped") && line.matches(".*\\b[1-9][0-9]* lost\\b.*"));
        }
    }
}
