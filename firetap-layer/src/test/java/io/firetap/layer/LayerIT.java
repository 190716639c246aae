package io.firetap.layer;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built {@code firetap-layer.zip}, unzipped into a temporary folder, as Lambda would use it. */
class LayerIT {
    private static final Path ZIP = Path.of(System.getProperty("firetap.layer.zip", "target/firetap-layer.zip"));
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path dir;
    Path layer;

    @BeforeEach
    void unzip() throws IOException {
        layer = LayerZip.unzip(ZIP, dir.resolve("opt"));
    }

    @Test
    void theZipHoldsAnExecutableLauncherAndTheExtensionWithBothSinks() throws IOException {
        Map<String, Integer> modes = LayerZip.unixModes(ZIP);

        assertThat(modes.get("extensions/firetap") & 0777).isEqualTo(0755);
        assertThat(modes.keySet()).anyMatch(n -> n.matches("firetap/lib/firetap-extension-.*\\.jar"))
                .anyMatch(n -> n.matches("firetap/lib/firetap-sink-firehose-.*\\.jar"))
                .anyMatch(n -> n.matches("firetap/lib/firetap-sink-kinesis-.*\\.jar"))
                .anyMatch(n -> n.matches("firetap/lib/firetap-wrapper-.*\\.jar"))
                .noneMatch(n -> n.startsWith("firetap/wrapper/"))
                .noneMatch(n -> n.contains("apache-client") || n.contains("apache5-client"))
                .anyMatch(n -> n.matches("firetap/lib/url-connection-client-.*\\.jar"));
        // the netty transport's jars only in a layer built with -Dlayer.netty=true
        boolean netty = Boolean.getBoolean("firetap.layer.netty");
        assertThat(modes.keySet().stream().filter(n -> n.startsWith("firetap/lib/netty-")).count() > 0)
                .as("netty jars in firetap/lib").isEqualTo(netty);
        assertThat(modes.keySet().stream().filter(n -> n.startsWith("firetap/lib/netty-nio-client-")).count() > 0)
                .as("the SDK's netty client in firetap/lib").isEqualTo(netty);
    }

    @Test
    void underTheEmulatorTheLayersExtensionAndWrapperDeliverEveryLineBeforeTheFreeze() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start()) {
            AcceptedStream logs = aws.deliveryStream("logs");
            Map<Integer, Long> whileFrozen = new ConcurrentHashMap<>();
            ShutdownReport end;
            try (LambdaEmulator lambda = wrapped(SampleFunction.class, aws)
                    .onFrozen(i -> whileFrozen.put(i.number(), logs.lineCount()))
                    .build().start()) {
                for (int i = 0; i < 3; i++) {
                    assertThat(lambda.invoke("{\"lines\":100}").status()).isEqualTo(Invocation.Status.SUCCESS);
                }
                // the sh wrapper exec'd the handler: the runtime's process is the handler, with no firetap JVM in its tree
                long runtime = lambda.pid("runtime");
                assertThat(commandLine(runtime)).contains(SampleFunction.class.getName()).doesNotContain("io.firetap.wrapper");
                assertThat(children(runtime)).isEmpty();
                end = lambda.shutdown();
            }
            assertThat(whileFrozen).containsEntry(1, 100L).containsEntry(2, 200L).containsEntry(3, 300L);
            assertThat(end.process("firetap").exitCode()).isZero();
            assertThat(end.process("runtime").killed()).isFalse();
        }
    }

    @Test
    void sixMebibyteResponsesAndOnesPostedWithExpect100ContinueReachLambdaWholeThroughTheWrapper() throws Exception {
        // the proxy runs in the extension's JVM, whose heap is 32 MiB: it must stream a 6 MB response, not hold it
        int sixMiB = 6 * 1024 * 1024;
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start();
             LambdaEmulator lambda = wrapped(LargeResponseFunction.class, aws).build().start()) {
            for (String event : new String[] {"{\"bytes\":" + sixMiB + "}", "{\"bytes\":" + sixMiB + ",\"expect\":true}",
                    "{\"bytes\":2000000,\"expect\":true}"}) {
                Invocation invocation = lambda.invoke(event);
                int size = Integer.parseInt(event.replaceAll("\\D*(\\d+).*", "$1"));
                assertThat(invocation.status()).as(event).isEqualTo(Invocation.Status.SUCCESS);
                assertThat(invocation.body()).as(event).isEqualTo(LargeResponseFunction.body(size));
            }
            ShutdownReport end = lambda.shutdown();
            assertThat(end.process("runtime").killed()).as("the runtime lived to the end").isFalse();
        }
    }

    @Test
    void theModeComesFromFiretapModeOrTheHandlerOrTheArguments() throws Exception {
        Path handler = script(dir.resolve("hello"), "echo \"hello from the handler $*\"\n");

        Result bootstrap = launch(layer.resolve("extensions/firetap"), Map.of("_HANDLER", handler.toString()));
        Result execWrapper = launch(layer.resolve("extensions/firetap"), Map.of(), handler.toString(), "arg1");
        Result invalid = launch(layer.resolve("extensions/firetap"), Map.of("FIRETAP_MODE", "sidecar"));

        assertThat(bootstrap.stdout).isEqualTo("hello from the handler \n");
        assertThat(execWrapper.stdout).isEqualTo("hello from the handler arg1\n");
        assertThat(invalid.status).isEqualTo(2);
        assertThat(invalid.stderr).contains("FIRETAP_MODE='sidecar' is not valid: expected extension or wrapper");
    }

    @Test
    void theWrapperStartsNoJvmWhateverTheJavaOptionsSayAndRunsTheHandlerUnwrappedWithoutAnExtension() throws Exception {
        Path handler = script(dir.resolve("hello"), "echo \"pid $$ wrapped: ${FIRETAP_WRAPPED:-no}\"\n");

        // an option no JVM knows: it would stop a JVM, and the wrapper must not start one
        Result result = launch(layer.resolve("extensions/firetap"),
                Map.of("_HANDLER", handler.toString(), "FIRETAP_JAVA_OPTS", "-XX:+NoSuchFiretapOption"), true);
        Result extension = launch(layer.resolve("extensions/firetap"),
                Map.of("FIRETAP_MODE", "extension", "FIRETAP_JAVA_OPTS", "-XX:+NoSuchFiretapOption"));

        assertThat(result.status).isZero();
        assertThat(result.stdout).as("no extension is running: the handler runs as it is").endsWith(" wrapped: no\n");
        assertThat(result.stderr.lines()).hasSize(1).first(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("firetap: the firetap extension is not running");
        assertThat(extension.status).isNotZero();
        assertThat(extension.stderr).contains("NoSuchFiretapOption");
    }

    @Test
    void extensionModeWithoutTheLambdaApiFailsWithAClearMessage() throws Exception {
        Result extension = launch(layer.resolve("extensions/firetap"), Map.of("FIRETAP_MODE", "extension"));

        assertThat(extension.status).isEqualTo(1);
        assertThat(extension.stderr).contains("AWS_LAMBDA_RUNTIME_API is not set");
    }

    @Test
    void itWorksFromAnyFolderAndThroughASymlink() throws Exception {
        Path handler = script(dir.resolve("hello"), "echo linked\n");
        Path elsewhere = Files.createDirectories(dir.resolve("somewhere/else"));
        Path link = Files.createSymbolicLink(elsewhere.resolve("firetap"), layer.resolve("extensions/firetap"));

        Result result = launch(link, Map.of("_HANDLER", handler.toString()));

        assertThat(result.stdout).isEqualTo("linked\n");
        assertThat(result.status).isZero();
    }

    @Test
    void javaIsLookedForInTheLayerFirstThenJavaHomeThenPath() throws Exception {
        Path home = dir.resolve("home");
        script(home.resolve("bin/java"), "echo from JAVA_HOME\n");
        Path bin = dir.resolve("bin");
        script(bin.resolve("java"), "echo from PATH\n");
        String path = bin + ":/usr/bin:/bin";

        Result onPath = launch(layer.resolve("extensions/firetap"), Map.of("FIRETAP_MODE", "extension", "PATH", path),
                true);
        Result fromHome = launch(layer.resolve("extensions/firetap"),
                Map.of("FIRETAP_MODE", "extension", "PATH", path, "JAVA_HOME", home.toString()), true);
        script(layer.resolve("firetap/jre/bin/java"), "echo from the layer\n");
        Result bundled = launch(layer.resolve("extensions/firetap"),
                Map.of("FIRETAP_MODE", "extension", "PATH", path, "JAVA_HOME", home.toString()), true);

        assertThat(onPath.stdout).isEqualTo("from PATH\n");
        assertThat(fromHome.stdout).isEqualTo("from JAVA_HOME\n");
        assertThat(bundled.stdout).isEqualTo("from the layer\n");
    }

    @Test
    void withoutJavaTheExtensionSaysSoInOneLineAndTheWrapperStillRunsTheHandler() throws Exception {
        Path handler = script(dir.resolve("hello"), "echo still running\n");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        String path = empty.toString();
        Path noJava = Files.createDirectories(dir.resolve("no-java"));

        Result extension = launch(layer.resolve("extensions/firetap"), Map.of("PATH", path, "JAVA_HOME", noJava.toString()),
                true);
        Result wrapper = launch(layer.resolve("extensions/firetap"),
                Map.of("PATH", path, "JAVA_HOME", noJava.toString(), "_HANDLER", handler.toString()), true);

        assertThat(extension.status).isEqualTo(1);
        assertThat(extension.stderr.lines().count()).isEqualTo(1);
        assertThat(extension.stderr).startsWith("firetap: no Java runtime found");
        assertThat(wrapper.status).isZero();
        assertThat(wrapper.stdout).isEqualTo("still running\n");
    }

    // ---------------------------------------------------------------- helpers

    private static String commandLine(long pid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
    }

    /** The pids of the process's children, from every thread's {@code children} list. */
    private static List<String> children(long pid) throws IOException {
        List<String> all = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                String list = Files.readString(task.resolve("children")).trim();
                if (!list.isEmpty()) {
                    all.addAll(List.of(list.split("\\s+")));
                }
            }
        }
        return all;
    }

    /**
     * The layer's extension, and its wrapper as the runtime ({@code task/bootstrap}) running
     * {@code function}'s {@code main} as the handler.
     */
    private LambdaEmulator.Builder wrapped(Class<?> function, AwsEndpoint aws) throws IOException {
        Path task = Files.createDirectories(dir.resolve("task"));
        script(task.resolve("bootstrap"), "exec '" + layer.resolve("extensions/firetap") + "'\n");
        script(task.resolve("handler"), "exec '" + JAVA + "' -cp '" + System.getProperty("java.class.path") + "' "
                + function.getName() + "\n");
        return LambdaEmulator.builder()
                .layer(layer)
                .taskRoot(task)
                .handler("handler")
                .runtime(List.of(task.resolve("bootstrap").toString()))
                .env("FIRETAP_STREAM_NAME", "logs")
                // the tests assert each invocation's lines are in the sink while frozen after it
                .env("FIRETAP_DELIVERY", "strict")
                .env("FIRETAP_SOCKET_PATH", dir.resolve("firetap.sock").toString())
                .env("FIRETAP_INTAKE_PATH", dir.resolve("firetap.fifo").toString())
                .env("AWS_ENDPOINT_URL_FIREHOSE", aws.endpointUri().toString())
                .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
                .env("AWS_SECRET_ACCESS_KEY", "not-a-secret")
                .env("JAVA_HOME", System.getProperty("java.home"));
    }

    private record Result(int status, String stdout, String stderr) {
    }

    private Result launch(Path launcher, Map<String, String> env, String... args) throws Exception {
        return launch(launcher, env, false, args);
    }

    /** Runs the launcher with a clean environment plus {@code env}; {@code hideJava} keeps java off PATH. */
    private Result launch(Path launcher, Map<String, String> env, boolean hideJava, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.clear();
        Map<String, String> values = new HashMap<>();
        values.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        if (!hideJava) {
            values.put("JAVA_HOME", System.getProperty("java.home"));
        }
        values.put("FIRETAP_SOCKET_PATH", dir.resolve("nobody.sock").toString());
        values.put("FIRETAP_INTAKE_PATH", dir.resolve("nobody.fifo").toString());
        values.putAll(env);
        environment.putAll(values);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the launcher finished").isTrue();
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Path script(Path file, String body) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE));
        return file;
    }
}
