package io.firetap.testkit.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Child JVMs configured only through the environment reach the endpoint, the way the extension's
 * sinks will when a user sets {@code AWS_ENDPOINT_URL*}.
 */
class EnvironmentConfigurationTest {
    /** Well inside the test's own timeout (junit-platform.properties), so a stuck child is killed, not left behind. */
    private static final Duration CHILD_LIMIT = Duration.ofSeconds(45);

    private static AwsEndpoint aws;

    @BeforeAll
    static void start() {
        aws = AwsEndpoint.builder().deliveryStream("child-logs").dataStream("child-events", 2).start();
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @Test
    void aChildReachesFirehoseThroughTheServiceSpecificVariable() throws Exception {
        ChildRun run = runChild(Map.of("AWS_ENDPOINT_URL_FIREHOSE", aws.endpointUri().toString()),
                "firehose", "child-logs", "from the child\n");

        assertThat(run.exitCode).as(run.output).isZero();
        assertThat(run.output).contains("firehose failed=0");
        assertThat(aws.deliveryStream("child-logs").lines()).contains("from the child");
    }

    @Test
    void theGeneralVariableServesKinesisOnTheSamePort() throws Exception {
        ChildRun run = runChild(Map.of("AWS_ENDPOINT_URL", aws.endpointUri().toString()),
                "kinesis", "child-events", "kinesis child\n");

        assertThat(run.exitCode).as(run.output).isZero();
        assertThat(run.output).contains("kinesis failed=0");
        assertThat(aws.dataStream("child-events").records()).singleElement()
                .satisfies(r -> assertThat(r.partitionKey()).isEqualTo("child"));
        assertThat(aws.calls(true)).as("the child's default Kinesis encoding is CBOR").isPositive();
    }

    private record ChildRun(int exitCode, String output) {
    }

    private static ChildRun runChild(Map<String, String> endpointVariables, String... args)
            throws IOException, InterruptedException {
        // output to a file, not a pipe: reading a pipe would wait for a stuck child without bound
        Path output = Files.createTempFile("child-", ".out");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), EnvConfiguredClientMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        // Nothing inherited: the endpoint, region and credentials come only from these variables.
        builder.environment().clear();
        builder.environment().put("AWS_REGION", "us-east-1");
        builder.environment().put("AWS_ACCESS_KEY_ID", "AKIDCHILDTEST");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "not-a-secret");
        builder.environment().putAll(endpointVariables);
        Process child = builder.start();
        try {
            child.getOutputStream().close();
            if (!child.waitFor(CHILD_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("child did not finish within " + CHILD_LIMIT + ": "
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new ChildRun(child.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            child.destroyForcibly();
            Files.deleteIfExists(output);
        }
    }
}
