package io.firetap.extension.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.firetap.extension.ExtensionMain;
import io.firetap.testkit.aws.AcceptedStream;
import io.firetap.testkit.aws.AwsEndpoint;
import io.firetap.testkit.fault.FaultKind;
import io.firetap.testkit.lambda.Invocation;
import io.firetap.testkit.lambda.LambdaEmulator;
import io.firetap.testkit.lambda.ShutdownReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The destination is down while the function writes far more than the memory bound: the real
 * extension (with the launcher's JVM options), the real Firehose SDK client and the testkit's
 * Firehose endpoint with an outage. Lines beyond {@code FIRETAP_BUFFER_BYTES} go to disk and come
 * back, in order, once the endpoint answers again; the extension's memory stays where it rested.
 */
class SpillEndToEndTest {
    private static final int LINES_PER_INVOCATION = 20_000;
    private static final long WRITTEN_BYTES = 20L << 20;
    private static final long RSS_ALLOWANCE_KIB = 16 * 1024;
    /** The outage: the longest the endpoint stays down; the test ends it once the function has written its 20 MiB. */
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern LOST = Pattern.compile("(\\d+) lines? lost: (.*)");
    private static final String[] MESSAGES = {
        "INFO  checkout: order accepted",
        "DEBUG inventory: reserved 2 items",
        "INFO  payment: authorised",
        "WARN  shipping: carrier quote took longer than usual",
        "INFO  checkout: confirmation queued",
    };

    @TempDir
    Path dir;

    @BeforeEach
    void layOut() throws Exception {
        Environment.write(dir);
        // the extension with the heap the layer's launcher gives it, so its RSS is the one users get
        Path extension = dir.resolve("layer/extensions/firetap");
        Files.writeString(extension, "#!/bin/sh\nexec '" + Environment.JAVA + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
                + " -XX:CICompilerCount=1 -XX:-UsePerfData -Xss512k -Xms16m -Xmx48m -XX:MaxMetaspaceSize=64m"
                + " -XX:ReservedCodeCacheSize=24m -XX:MaxDirectMemorySize=32m -cp '" + Environment.CLASSPATH + "'"
                + " -Dfiretap.extension.name=firetap '" + ExtensionMain.class.getName() + "' \"$@\"\n");
        Files.setPosixFilePermissions(extension, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private LambdaEmulator.Builder spilling(AwsEndpoint aws) {
        return Environment.withWrapper(dir, aws)
                .env("FIRETAP_BUFFER_BYTES", "256KiB")
                .env("FIRETAP_OVERFLOW", "spill")
                .env("FIRETAP_SPILL_DIR", dir.resolve("spill").toString())
                // an invocation during the outage holds the environment briefly, then leaves its lines pending
                .env("FIRETAP_FLUSH_BUDGET", "100ms")
                .env("FIRETAP_RETRY_MAX", "200ms");
    }

    @Test
    @Timeout(240)
    void throughAnOutageTwentyMiBWrittenWithA256KiBBoundAreDeliveredInOrderAndMemoryStaysFlat() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start()) {
            AcceptedStream logs = aws.deliveryStream("logs");
            try (LambdaEmulator lambda = spilling(aws).build().start()) {
                List<Integer> perInvocation = new ArrayList<>();
                // warm up every path a delivery takes, full 1 MiB calls included (as any busy function's are),
                // then take the resting figure while frozen
                for (int i = 0; i < 3; i++) {
                    perInvocation.add(invoke(lambda, LINES_PER_INVOCATION));
                }
                assertThat(logs.lineCount()).isEqualTo(3L * LINES_PER_INVOCATION);
                long pid = lambda.pid("firetap");
                long resting = rssKiB(pid);

                aws.faults().outageFor(OUTAGE);
                long written = 0;
                long peak = resting;
                while (written < WRITTEN_BYTES) {
                    int k = perInvocation.size() + 1;
                    perInvocation.add(invoke(lambda, LINES_PER_INVOCATION));
                    written += bytesOf(k, LINES_PER_INVOCATION);
                    peak = Math.max(peak, rssKiB(pid));
                }
                long refused = aws.faults().injected().count(FaultKind.OUTAGE);
                assertThat(refused).as("the client met the outage").isPositive();
                assertThat(spillFiles()).as("the backlog went to disk").isNotEmpty();
                aws.faults().endOutage();

                long expected = perInvocation.stream().mapToLong(Integer::longValue).sum();
                long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
                // the environment runs only while invoked: small invocations let the extension catch up
                // (a line the endpoint has is deleted from disk once the extension has its answer: the next
                // invocation's hold waits for that)
                while ((logs.lineCount() < expected || !spillFiles().isEmpty()) && System.nanoTime() < deadline) {
                    perInvocation.add(invoke(lambda, 1));
                    expected++;
                    peak = Math.max(peak, rssKiB(pid));
                }
                assertThat(logs.lineCount()).as("delivered after recovery").isEqualTo(expected);
                assertThat(spillFiles()).as("every spilled line delivered: its file deleted").isEmpty();
                System.out.printf("spill: %d lines in %d invocations, outage refused %d calls; RSS resting %d KiB, peak %d KiB%n",
                        expected, perInvocation.size(), refused, resting, peak);
                assertThat(peak - resting).as("RSS peak %d KiB over resting %d KiB", peak, resting)
                        .isLessThanOrEqualTo(RSS_ALLOWANCE_KIB);

                ShutdownReport end = lambda.shutdown();
                assertThat(end.process("firetap").exitCode()).as("%s", end).isZero();
                assertSameLines(logs.lines(), expectedLines(perInvocation));
                assertThat(aws.violations()).isEmpty();
                assertThat(lostLines(lambda)).as("nothing reported lost").isZero();
                assertThat(dir.resolve("spill")).as("nothing left behind").isEmptyDirectory();
            }
        }
    }

    @Test
    @Timeout(180)
    void withTheDiskCapReachedTheOverflowIsCountedAndNothingElseIsLost() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start()) {
            AcceptedStream logs = aws.deliveryStream("logs");
            try (LambdaEmulator lambda = spilling(aws).env("FIRETAP_SPILL_MAX_BYTES", "1MiB").build().start()) {
                List<Integer> perInvocation = new ArrayList<>();
                perInvocation.add(invoke(lambda, 100));
                aws.faults().outageFor(OUTAGE);
                // 4 MiB against a 256 KiB bound and a 1 MiB disk cap
                for (int i = 0; i < 3; i++) {
                    perInvocation.add(invoke(lambda, LINES_PER_INVOCATION));
                }
                aws.faults().endOutage();
                ShutdownReport end = lambda.shutdown();
                assertThat(end.process("firetap").exitCode()).as("%s", end).isZero();

                List<String> written = expectedLines(perInvocation);
                List<String> delivered = logs.lines();
                long lost = lostLines(lambda);
                assertThat(lost).as("the overflow beyond the cap").isPositive();
                assertThat(lostReasons(lambda)).allMatch(r -> r.contains("spill cap reached"));
                assertThat(delivered.size() + lost).as("every line delivered or counted").isEqualTo(written.size());
                assertThat(isInOrderSubsequence(delivered, written)).as("delivered in order, no duplicates").isTrue();
                assertThat(dir.resolve("spill")).isEmptyDirectory();
            }
        }
    }

    private static int invoke(LambdaEmulator lambda, int lines) {
        Invocation invocation = lambda.invoke("{\"lines\":" + lines + "}");
        assertThat(invocation.status()).isEqualTo(Invocation.Status.SUCCESS);
        return lines;
    }

    private static long bytesOf(int invocation, int lines) {
        long bytes = 0;
        for (int i = 1; i <= lines; i++) {
            bytes += line(invocation, i, lines).length() + 1;
        }
        return bytes;
    }

    private static String line(int invocation, int i, int lines) {
        return MESSAGES[i % MESSAGES.length] + " (invocation " + invocation + " line " + i + "/" + lines + ")";
    }

    private static List<String> expectedLines(List<Integer> perInvocation) {
        List<String> expected = new ArrayList<>();
        for (int k = 1; k <= perInvocation.size(); k++) {
            int lines = perInvocation.get(k - 1);
            for (int i = 1; i <= lines; i++) {
                expected.add(line(k, i, lines));
            }
        }
        return expected;
    }

    /**
     * Every line written, delivered once, in order. AssertJ's element-wise comparison of 380,000 lines
     * takes tens of seconds; this names the first line that differs just as well.
     */
    private static void assertSameLines(List<String> delivered, List<String> written) {
        int common = Math.min(delivered.size(), written.size());
        for (int i = 0; i < common; i++) {
            if (!delivered.get(i).equals(written.get(i))) {
                fail("line %d of %d written: delivered '%s', written '%s'", i + 1, written.size(), delivered.get(i), written.get(i));
            }
        }
        assertThat(delivered.size()).as("lines delivered (every line written, once)").isEqualTo(written.size());
    }

    private static boolean isInOrderSubsequence(List<String> part, List<String> whole) {
        Iterator<String> w = whole.iterator();
        for (String p : part) {
            boolean found = false;
            while (w.hasNext()) {
                if (w.next().equals(p)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    /** The sum of the extension's "N lines lost: why" reports. */
    private static long lostLines(LambdaEmulator lambda) {
        long lost = 0;
        for (String line : lambda.output("firetap")) {
            Matcher m = LOST.matcher(line);
            if (m.find()) {
                lost += Long.parseLong(m.group(1));
            }
        }
        return lost;
    }

    private static List<String> lostReasons(LambdaEmulator lambda) {
        List<String> reasons = new ArrayList<>();
        for (String line : lambda.output("firetap")) {
            Matcher m = LOST.matcher(line);
            if (m.find()) {
                reasons.add(m.group(2));
            }
        }
        return reasons;
    }

    private List<Path> spillFiles() throws IOException {
        Path spill = dir.resolve("spill");
        if (!Files.isDirectory(spill)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(spill)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".spill")).toList();
        }
    }

    /** VmRSS of {@code pid} from /proc, in KiB. */
    private static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for pid " + pid);
    }
}
