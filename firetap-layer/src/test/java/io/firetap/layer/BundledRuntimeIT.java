package io.firetap.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.firetap.testkit.aws.AcceptedStream;
import io.firetap.testkit.aws.AwsEndpoint;
import io.firetap.testkit.lambda.Invocation;
import io.firetap.testkit.lambda.LambdaEmulator;
import io.firetap.testkit.lambda.ShutdownReport;
import io.firetap.testkit.local.LayerZip;
import io.firetap.testkit.local.SampleFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built {@code firetap-layer-jre-<arch>.zip} unzipped into a temporary folder — not where the
 * build trained its class-data archive — runs on its own runtime and uses that archive, also with a
 * jar of the user's added to {@code firetap/lib}; an archive the JVM cannot use costs start-up time,
 * never the extension.
 */
class BundledRuntimeIT {
    private static final Path PLAIN_ZIP = Path.of(System.getProperty("firetap.layer.zip", "target/firetap-layer.zip"));
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path dir;
    Path layer;
    Path archive;

    @BeforeEach
    void unzip() throws IOException {
        Path zip;
        try (Stream<Path> built = Files.list(PLAIN_ZIP.toAbsolutePath().getParent())) {
            zip = built.filter(p -> p.getFileName().toString().matches("firetap-layer-jre-.*\\.zip")).findFirst().orElse(null);
        }
        assumeTrue(zip != null, "SKIPPED: no firetap-layer-jre-<arch>.zip next to " + PLAIN_ZIP
                + ": the build found no JDK 21+ (see its '[firetap-layer]' line) or ran with -Dfiretap.jre.skip");
        layer = LayerZip.unzip(zip, dir.resolve("opt"));
        try (Stream<Path> files = Files.list(layer.resolve("firetap/jre/lib"))) {
            archive = files.filter(p -> p.getFileName().toString().matches("firetap\\.(aot|jsa)")).findFirst().orElse(null);
        }
    }

    @Test
    void theExtensionRunsOnTheBundledRuntimeWithTheArchiveTheBuildTrainedElsewhere() throws Exception {
        assertThat(archive).as("the class-data archive in firetap/jre/lib").isNotNull();
        Path classLog = dir.resolve("class-load.log");
        // a user's own jar, sorted before all of firetap's: it goes on the class path after them
        Files.copy(layer.resolve("firetap/lib").resolve(Files.readAllLines(archive.resolveSibling("firetap.classpath")).get(0)),
                layer.resolve("firetap/lib/aaa-my-sink.jar"));

        Result run = run(Map.of("FIRETAP_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog));

        String option = archive.getFileName().toString().endsWith(".aot") ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=";
        assertThat(run.commandLine).startsWith(layer.resolve("firetap/jre/bin/java").toString())
                .contains(option + archive).contains("aaa-my-sink.jar io.firetap.extension.ExtensionMain");
        List<String> loaded = Files.readAllLines(classLog);
        // firetap's own classes and the default AWS transport's, the JDK's HttpURLConnection: from the archive, not from the jars
        assertThat(loaded).anyMatch(l -> l.contains(" io.firetap.extension.ExtensionMain source: shared objects file"))
                .anyMatch(l -> l.contains(" io.firetap.wrapper.internal.WrapperEndpoints source: shared objects file"))
                .anyMatch(l -> l.contains(" io.firetap.aws.internal.AwsJsonCall source: shared objects file"))
                .anyMatch(l -> l.contains(" sun.net.www.protocol.http.HttpURLConnection source: shared objects file"));
        long fromJars = loaded.stream().filter(l -> l.contains("source: file:")).count();
        assertThat(fromJars).as("classes read from the layer's jars instead of the archive").isLessThan(100);
    }

    @Test
    void anArchiveTheJvmCannotUseOnlyCostsStartUpTime() throws Exception {
        assertThat(archive).isNotNull();
        Files.write(archive, new byte[] {'n', 'o', 't', ' ', 'a', 'n', ' ', 'a', 'r', 'c', 'h', 'i', 'v', 'e'});

        Result run = run(Map.of());

        assertThat(run.commandLine).contains(archive.toString());
    }

    private record Result(String commandLine) {
    }

    /** Three invocations of the layer's extension and wrapper; every line is delivered before each freeze. */
    private Result run(Map<String, String> env) throws Exception {
        Path task = Files.createDirectories(dir.resolve("task"));
        script(task.resolve("bootstrap"), "exec '" + layer.resolve("extensions/firetap") + "'\n");
        script(task.resolve("handler"), "exec '" + JAVA + "' -cp '" + System.getProperty("java.class.path") + "' "
                + SampleFunction.class.getName() + "\n");
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start()) {
            AcceptedStream logs = aws.deliveryStream("logs");
            Map<Integer, Long> whileFrozen = new ConcurrentHashMap<>();
            String commandLine;
            ShutdownReport end;
            try (LambdaEmulator lambda = LambdaEmulator.builder()
                    .layer(layer)
                    .taskRoot(task)
                    .handler("handler")
                    .runtime(List.of(task.resolve("bootstrap").toString()))
                    .env("FIRETAP_STREAM_NAME", "logs")
                    // the test asserts each invocation's lines are in the sink while frozen after it
                    .env("FIRETAP_DELIVERY", "strict")
                    .env("FIRETAP_SOCKET_PATH", dir.resolve("firetap.sock").toString())
                    .env("FIRETAP_INTAKE_PATH", dir.resolve("firetap.fifo").toString())
                    .env("AWS_ENDPOINT_URL_FIREHOSE", aws.endpointUri().toString())
                    .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
                    .env("AWS_SECRET_ACCESS_KEY", "not-a-secret")
                    // another Java is there too: the launcher must still take the layer's
                    .env("JAVA_HOME", System.getProperty("java.home"))
                    .environment(env)
                    .onFrozen(i -> whileFrozen.put(i.number(), logs.lineCount()))
                    .build().start()) {
                commandLine = Files.readString(Path.of("/proc/" + lambda.pid("firetap") + "/cmdline")).replace('\0', ' ');
                for (int i = 0; i < 3; i++) {
                    assertThat(lambda.invoke("{\"lines\":100}").status()).isEqualTo(Invocation.Status.SUCCESS);
                }
                end = lambda.shutdown();
            }
            assertThat(whileFrozen).containsEntry(1, 100L).containsEntry(2, 200L).containsEntry(3, 300L);
            assertThat(end.process("firetap").exitCode()).isZero();
            return new Result(commandLine);
        }
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }
}
