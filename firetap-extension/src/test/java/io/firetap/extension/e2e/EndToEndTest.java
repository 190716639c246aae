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
import org.junit.jupiter.api.io.TempDir;

/**
 * The real extension, wrapper and sample function under the Lambda emulator, shipping through the
 * real Firehose SDK client to the testkit's Firehose endpoint. The assertion that matters runs
 * while the environment is frozen after each invocation: by then every line of that invocation
 * (and all earlier ones) must be in the delivery stream.
 */
class EndToEndTest {
    private static final int INVOCATIONS = 6;
    private static final int LINES = 300;

    @TempDir
    Path dir;

    @BeforeEach
    void layOut() throws Exception {
        Environment.write(dir);
    }

    @Test
    void throughTheWrapperEveryLineOfAnInvocationIsDeliveredBeforeTheFreeze() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start()) {
            Map<Integer, Long> deliveredWhileFrozen = new ConcurrentHashMap<>();
            AcceptedStream logs = aws.deliveryStream("logs");
            try (LambdaEmulator lambda = Environment.withWrapper(dir, aws)
                    .onFrozen(invocation -> deliveredWhileFrozen.put(invocation.number(), logs.lineCount()))
                    .build().start()) {
                List<Invocation> invocations = new ArrayList<>();
                for (int i = 0; i < INVOCATIONS; i++) {
                    invocations.add(lambda.invoke("{\"lines\":" + LINES + "}"));
                }
                ShutdownReport end = lambda.shutdown();

                assertThat(invocations).allMatch(i -> i.status() == Invocation.Status.SUCCESS);
                for (int k = 1; k <= INVOCATIONS; k++) {
                    assertThat(deliveredWhileFrozen.get(k)).as("lines delivered while frozen after invocation %d", k)
                            .isEqualTo((long) k * LINES);
                }
                assertThat(logs.lines()).containsExactlyElementsOf(expectedLines(INVOCATIONS, LINES));
                assertThat(end.allExitedInTime()).as("%s", end).isTrue();
                assertThat(end.process("firetap").exitCode()).isZero();
                assertThat(lambda.output("runtime")).as("the function's stdout went to firetap, not to Lambda")
                        .noneMatch(line -> line.contains("(invocation"));
                assertThat(aws.violations()).isEmpty();
            }
        }
    }

    @Test
    void withTelemetryOnlyEveryLineIsDeliveredBeforeTheFreezeToo() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start()) {
            Map<Integer, Long> deliveredWhileFrozen = new ConcurrentHashMap<>();
            AcceptedStream logs = aws.deliveryStream("logs");
            try (LambdaEmulator lambda = Environment.withoutWrapper(dir, aws)
                    .onFrozen(invocation -> deliveredWhileFrozen.put(invocation.number(), logs.lineCount()))
                    .build().start()) {
                for (int i = 0; i < INVOCATIONS; i++) {
                    lambda.invoke("{\"lines\":" + LINES + "}");
                }
                lambda.shutdown();

                for (int k = 1; k <= INVOCATIONS; k++) {
                    assertThat(deliveredWhileFrozen.get(k)).as("lines delivered while frozen after invocation %d", k)
                            .isEqualTo((long) k * LINES);
                }
                assertThat(logs.lines()).containsExactlyElementsOf(expectedLines(INVOCATIONS, LINES));
            }
        }
    }

    @Test
    void atShutdownTenThousandPendingLinesAreDeliveredAndTheExtensionExitsInTime() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start()) {
            AcceptedStream logs = aws.deliveryStream("logs");
            try (LambdaEmulator lambda = Environment.withWrapper(dir, aws)
                    // a flush budget too short for a slow endpoint: the lines stay pending into the freeze
                    .env("FIRETAP_FLUSH_BUDGET", "1ms")
                    .env("FIRETAP_BATCH_MAX_RECORDS", "1")
                    .env("FIRETAP_RECORD_MAX_BYTES", "128KiB")
                    .build().start()) {
                aws.faults().latency(Duration.ofMillis(60));
                lambda.invoke("{\"lines\":10000}");
                long whileFrozen = logs.lineCount();
                ShutdownReport end = lambda.shutdown();

                assertThat(whileFrozen).as("lines still pending when frozen").isLessThan(10_000);
                assertThat(logs.lineCount()).isEqualTo(10_000);
                assertThat(end.process("firetap").killed()).as("%s", end).isFalse();
                assertThat(end.process("firetap").exitCode()).isZero();
                assertThat(end.took()).isLessThan(end.deadline());
            }
        }
    }

    private static List<String> expectedLines(int invocations, int lines) {
        List<String> expected = new ArrayList<>();
        String[] messages = {
            "INFO  checkout: order accepted",
            "DEBUG inventory: reserved 2 items",
            "INFO  payment: authorised",
            "WARN  shipping: carrier quote took longer than usual",
            "INFO  checkout: confirmation queued",
        };
        for (int k = 1; k <= invocations; k++) {
            for (int i = 1; i <= lines; i++) {
                expected.add(messages[i % messages.length] + " (invocation " + k + " line " + i + "/" + lines + ")");
            }
        }
        return expected;
    }
}
