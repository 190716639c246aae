package io.firetap.extension.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.testkit.http.HttpReceiver;
import io.firetap.testkit.lambda.Invocation;
import io.firetap.testkit.lambda.LambdaEmulator;
import io.firetap.testkit.lambda.ShutdownReport;
import io.firetap.testkit.local.SampleFunction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Embedding firetap" example: {@link CollectorExtension} is the extension process under
 * the Lambda emulator (started by the layer's {@code extensions/firetap}, as Lambda would), the real sh
 * wrapper runs the sample function, and the custom sink must have every line the function wrote —
 * each invocation's before the environment freezes after it, as strict delivery promises.
 */
class EmbeddingExampleTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final String CLASSPATH = System.getProperty("java.class.path");
    private static final Path EXAMPLE = Path.of("src/test/java/io/firetap/extension/embedding/CollectorExtension.java");
    private static final Path README = Path.of("..", "README.md");
    private static final int INVOCATIONS = 3;
    private static final int LINES = 200;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theCustomSinkReceivesEveryLineTheFunctionWrote() throws Exception {
        script(dir.resolve("layer/extensions/firetap"), java("-Dfiretap.extension.name=firetap",
                CollectorExtension.class.getName()));
        script(dir.resolve("task/handler"), java(SampleFunction.class.getName()));
        Path bootstrap = dir.resolve("task/bootstrap");
        try (InputStream launcher = getClass().getResourceAsStream("/io/firetap/wrapper/firetap")) {
            Files.write(bootstrap, launcher.readAllBytes());
        }
        Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (HttpReceiver collector = HttpReceiver.start(20)) {
            Map<Integer, Integer> collectedWhileFrozen = new ConcurrentHashMap<>();
            try (LambdaEmulator lambda = LambdaEmulator.builder()
                    .layer(dir.resolve("layer"))
                    .taskRoot(dir.resolve("task"))
                    .runtime(List.of(bootstrap.toString()))
                    .handler("handler")
                    .functionName("checkout")
                    .env("COLLECTOR_URL", collector.uri() + "/ingest")
                    .env("FIRETAP_SOCKET_PATH", dir.resolve("firetap.sock").toString())
                    .env("FIRETAP_INTAKE_PATH", dir.resolve("firetap.fifo").toString())
                    .onFrozen(invocation -> collectedWhileFrozen.put(invocation.number(), collector.lines().size()))
                    .build().start()) {
                List<Invocation> invocations = new ArrayList<>();
                for (int i = 0; i < INVOCATIONS; i++) {
                    invocations.add(lambda.invoke("{\"lines\":" + LINES + "}"));
                }
                ShutdownReport end = lambda.shutdown();

                assertThat(invocations).allMatch(i -> i.status() == Invocation.Status.SUCCESS);
                for (int k = 1; k <= INVOCATIONS; k++) {
                    assertThat(collectedWhileFrozen.get(k)).as("lines collected while frozen after invocation %d", k)
                            .isEqualTo(k * LINES);
                }
                assertThat(collector.lines()).hasSize(INVOCATIONS * LINES);
                for (int k = 1; k <= INVOCATIONS; k++) {
                    for (int i = 1; i <= LINES; i++) {
                        assertThat(collector.lines().get((k - 1) * LINES + i - 1))
                                .endsWith("(invocation " + k + " line " + i + "/" + LINES + ")");
                    }
                }
                assertThat(end.process("firetap").exitCode()).as("%s", end).isZero();
                assertThat(collector.requests()).allMatch(r -> r.path().equals("/ingest"));
            }
        }
    }

    @Test
    @Timeout(10)
    void theReadmeShowsExactlyTheExampleThatRunsHere() throws IOException {
        String example = Files.readString(EXAMPLE, StandardCharsets.UTF_8);
        String readme = Files.readString(README, StandardCharsets.UTF_8);

        assertThat(readme).contains("## Embedding firetap").contains("```java\n" + example + "```\n");
    }

    private static String java(String... args) {
        StringBuilder command = new StringBuilder("exec '" + JAVA + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp '"
                + CLASSPATH + "'");
        for (String arg : args) {
            command.append(" '").append(arg).append('\'');
        }
        return command.append(" \"$@\"\n").toString();
    }

    private static void script(Path file, String body) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
