package io.firetap.extension.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.extension.internal.metrics.EmfValidator;
import io.firetap.testkit.aws.AcceptedStream;
import io.firetap.testkit.aws.AwsEndpoint;
import io.firetap.testkit.fault.InjectedFaults;
import io.firetap.testkit.lambda.Invocation;
import io.firetap.testkit.lambda.LambdaEmulator;
import io.firetap.testkit.lambda.ShutdownReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * firetap's own metrics from the real extension under the Lambda emulator: every EMF line it writes on
 * stderr, and every one it ships through the Firehose sink, is checked against the specification, and
 * the delivered counts are checked against what the testkit's Firehose endpoint accepted while it
 * throttled whole calls and failed single entries, with a round trip every delay must include.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MetricsEndToEndTest {
    private static final int INVOCATIONS = 5;
    private static final int LINES = 200;
    private static final Duration ROUND_TRIP = Duration.ofMillis(40);

    @TempDir
    Path dir;

    @BeforeEach
    void layOut() throws Exception {
        Environment.write(dir);
    }

    private static double sum(List<EmfValidator.Document> docs, String metric, Predicate<EmfValidator.Document> which) {
        return docs.stream().filter(which).mapToDouble(d -> d.value(metric)).sum();
    }

    private static Predicate<EmfValidator.Document> dimension(String name, String value) {
        return d -> value.equals(d.dimension(name));
    }

    @Test
    void everyMetricsLineIsEmfAndItsDeliveredCountsAgreeWithTheEndpoint() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").latency(ROUND_TRIP).start()) {
            AcceptedStream logs = aws.deliveryStream("logs");
            try (LambdaEmulator lambda = Environment.withWrapper(dir, aws)
                    .env("FIRETAP_METRICS", "stderr,sinks")
                    .env("FIRETAP_METRICS_INTERVAL", "0")   // an emission at every invocation
                    .env("FIRETAP_METRICS_NAMESPACE", "firetap/e2e")
                    // a record per line, so the injected entry failures surely hit some: RecordsRetried
                    .env("FIRETAP_PACKING", "false")
                    .env("FIRETAP_RETRY_MAX", "200ms")
                    .build().start()) {
                aws.faults().failEntries(0.1).throttleCalls(0.2);
                Instant started = Instant.now();
                List<Invocation> invocations = new ArrayList<>();
                for (int i = 0; i < INVOCATIONS; i++) {
                    invocations.add(lambda.invoke("{\"lines\":" + LINES + "}"));
                }
                aws.faults().clear();
                ShutdownReport end = lambda.shutdown();

                assertThat(invocations).allMatch(i -> i.status() == Invocation.Status.SUCCESS);
                assertThat(end.process("firetap").exitCode()).isZero();
                // every line firetap wrote is a metrics document or one of its JSON diagnostics: nothing that
                // merely resembles EMF slips past the validation below
                assertThat(lambda.output("firetap")).allSatisfy(line -> assertThat(EmfValidator.looksLikeEmf(line)
                        || line.startsWith("{\"time\":\"")).as("metrics or a diagnostic: %s", line).isTrue());
                List<String> emfOnStderr = lambda.output("firetap").stream().filter(EmfValidator::looksLikeEmf).toList();
                List<EmfValidator.Document> docs = emfOnStderr.stream().map(EmfValidator::validate).toList();

                // one emission per invocation and one at SHUTDOWN, each with the function's and the sink's document
                // and the wrapper's once it has had a line (the first emission, as the first invocation starts,
                // may come before the function wrote any); no client used the socket, and telemetry ships no
                // function line while the wrapper delivers them
                assertThat(docs.stream().filter(d -> d.metrics().containsKey("Invocations"))).hasSize(INVOCATIONS + 1);
                assertThat(docs.stream().filter(d -> d.metrics().containsKey("LinesDelivered"))).hasSize(INVOCATIONS + 1);
                List<EmfValidator.Document> received = docs.stream()
                        .filter(d -> d.metrics().containsKey("LinesReceived")).toList();
                assertThat(received).hasSizeBetween(INVOCATIONS, INVOCATIONS + 1).allMatch(dimension("Source", "wrapper"));
                assertThat(docs).hasSize((INVOCATIONS + 1) * 2 + received.size());
                assertThat(docs).allSatisfy(d -> {
                    assertThat(d.namespace()).isEqualTo("firetap/e2e");
                    assertThat(d.dimension("FunctionName")).isEqualTo("checkout");
                });
                assertThat(sum(docs, "Invocations", d -> true)).isEqualTo(INVOCATIONS);
                assertThat(sum(docs, "LinesReceived", dimension("Source", "wrapper"))).isEqualTo(INVOCATIONS * LINES);

                Predicate<EmfValidator.Document> firehose = dimension("Sink", "firehose");
                assertThat(sum(docs, "LinesDelivered", firehose)).as("lines the endpoint accepted")
                        .isEqualTo(logs.lineCount());
                assertThat(sum(docs, "RecordsDelivered", firehose)).isEqualTo(logs.recordCount());
                assertThat(sum(docs, "BytesDelivered", firehose)).isEqualTo(logs.payloadBytes());
                InjectedFaults injected = aws.faults().injected();
                assertThat(injected.failedEntries()).isPositive();
                if (injected.failedCalls() == 0) {
                    assertThat(sum(docs, "RecordsRetried", firehose)).as("entries the endpoint failed")
                            .isEqualTo(injected.failedEntries());
                } else {
                    // a throttled call's records are all retried: at least one each
                    assertThat(sum(docs, "RecordsRetried", firehose)).as("entries failed, and calls throttled")
                            .isGreaterThanOrEqualTo(injected.failedEntries() + injected.failedCalls());
                }
                assertThat(docs).noneMatch(d -> d.metrics().containsKey("LinesDropped"));
                // the buffer was never full: nothing went to the spill files
                assertThat(sum(docs, "LinesSpilled", firehose)).isZero();

                // every call that delivered took the endpoint's round trip at least (arrival stamps are at most a
                // millisecond early), and no line waited longer than the whole run
                List<EmfValidator.Document> sinkDocs = docs.stream().filter(firehose).toList();
                List<Double> delays = sinkDocs.stream()
                        .flatMap(d -> d.metrics().getOrDefault("DeliveryDelay", List.of()).stream()).toList();
                assertThat(delays).isNotEmpty().allMatch(ms -> ms >= ROUND_TRIP.toMillis() - 1
                        && ms <= Duration.between(started, Instant.now()).toMillis());
                assertThat(sinkDocs).allSatisfy(d -> {
                    assertThat(d.units()).containsEntry("LinesPendingHighWater", "Count");
                    assertThat(d.value("LinesPendingHighWater")).isGreaterThanOrEqualTo(d.value("LinesPending"));
                    if (d.metrics().containsKey("DeliveryDelay")) {
                        // what a call delivered was pending when it went out
                        assertThat(d.value("LinesPendingHighWater")).isPositive();
                    }
                });
                // the function wrote 200 lines per invocation, one record each: some call went out with all of them
                assertThat(sinkDocs.stream().mapToDouble(d -> d.value("LinesPendingHighWater")).max().orElse(0))
                        .isBetween((double) LINES, (double) INVOCATIONS * LINES + docs.size());
                List<EmfValidator.Document> functionDocs = docs.stream()
                        .filter(d -> d.metrics().containsKey("Invocations")).toList();
                assertThat(functionDocs).allSatisfy(d -> assertThat(d.value("BufferedBytesHighWater"))
                        .isGreaterThanOrEqualTo(d.value("BufferedBytes")));
                assertThat(functionDocs.stream().mapToDouble(d -> d.value("BufferedBytesHighWater")).max().orElse(0))
                        .as("200 lines of at least 48 bytes each were buffered at once").isGreaterThan(LINES * 48.0);

                // each invocation's hold, in order, within what the emulator measured from handing the event to the
                // runtime to firetap's /next: the barrier's clock starts once the result post has left the proxy,
                // the emulator's hold once it has read that post, which on a busy machine can be tens of
                // milliseconds later — but never before it handed the event over
                List<Double> holds = docs.stream().flatMap(d -> d.metrics().getOrDefault("Hold", List.of()).stream())
                        .toList();
                assertThat(holds).hasSize(INVOCATIONS);
                for (int k = 0; k < INVOCATIONS; k++) {
                    Invocation invocation = invocations.get(k);
                    double eventToNextMs = (invocation.runtimeTime().toNanos() + invocation.hold().toNanos()) / 1e6;
                    assertThat(holds.get(k)).as("hold of invocation %d", k + 1).isBetween(0.0, eventToNextMs + 1);
                }

                // what went through the sink: the function's lines exactly once, and the EMF copies, all valid
                List<String> shipped = logs.lines();
                List<EmfValidator.Document> viaSink = shipped.stream().filter(EmfValidator::looksLikeEmf)
                        .map(EmfValidator::validate).toList();
                assertThat(viaSink).hasSize(docs.size());
                assertThat(shipped.stream().filter(line -> !EmfValidator.looksLikeEmf(line)))
                        .hasSize(INVOCATIONS * LINES).doesNotHaveDuplicates();
                assertThat(sum(viaSink, "Invocations", d -> true)).isEqualTo(INVOCATIONS);
                assertThat(sum(viaSink, "LinesReceived", dimension("Source", "wrapper"))).isEqualTo(INVOCATIONS * LINES);
                assertThat(aws.violations()).isEmpty();
            }
        }
    }

    @Test
    void offByDefaultNoMetricsLineIsWritten() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start()) {
            try (LambdaEmulator lambda = Environment.withWrapper(dir, aws).build().start()) {
                lambda.invoke("{\"lines\":10}");
                lambda.shutdown();

                assertThat(lambda.output("firetap")).isNotEmpty().noneMatch(EmfValidator::looksLikeEmf);
                assertThat(aws.deliveryStream("logs").lines()).hasSize(10).noneMatch(EmfValidator::looksLikeEmf);
            }
        }
    }
}
