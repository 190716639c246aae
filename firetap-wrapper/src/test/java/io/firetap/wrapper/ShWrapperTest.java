package io.firetap.wrapper;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.wrapper.internal.StdoutIntake;
import io.firetap.wrapper.internal.WrapperEndpoints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher in wrapper mode (POSIX sh, no JVM): with the extension's endpoints open it execs the
 * runtime pointed at the proxy with stdout into the intake; without them it execs the runtime
 * unchanged with one warning.
 */
@Timeout(60)
class ShWrapperTest {
    @TempDir
    Path dir;

    private Path launcher;
    private Path intakePath;
    private WrapperEndpoints endpoints;
    private final ByteArrayOutputStream intake = new ByteArrayOutputStream();

    @BeforeEach
    void layOut() throws IOException {
        launcher = dir.resolve("layer/extensions/firetap");
        Files.createDirectories(launcher.getParent());
        try (InputStream in = ShWrapperTest.class.getResourceAsStream("firetap")) {
            assertThat(in).as("the launcher is on the class path").isNotNull();
            Files.write(launcher, in.readAllBytes());
        }
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        intakePath = dir.resolve("firetap.fifo");
    }

    @AfterEach
    void close() {
        if (endpoints != null) {
            endpoints.close();
        }
    }

    private void openEndpoints() throws IOException {
        List<String> warnings = new CopyOnWriteArrayList<>();
        endpoints = WrapperEndpoints.open(intakePath, warnings::add);
        endpoints.intake().start(new StdoutIntake.Receiver() {
            @Override
            public void data(byte[] bytes, int offset, int length) {
                synchronized (intake) {
                    intake.write(bytes, offset, length);
                }
            }

            @Override
            public void outputEnd() {
            }
        });
    }

    private String intakeText() {
        assertThat(endpoints.intake().drain()).isTrue();
        synchronized (intake) {
            return intake.toString(StandardCharsets.UTF_8);
        }
    }

    private record Result(long pid, int status, String stdout, String stderr) {
    }

    private Result run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        Map<String, String> values = new HashMap<>();
        values.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        values.put("FIRETAP_INTAKE_PATH", intakePath.toString());
        values.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001");
        values.put("_LAMBDA_TELEMETRY_LOG_FD", "3");
        values.putAll(env);
        builder.environment().putAll(values);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = builder.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.pid(), p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A handler that reports what it sees: its pid, its Runtime API, the guard and the log fd. */
    private Path handler() throws IOException {
        Path h = dir.resolve("task/handler");
        Files.createDirectories(h.getParent());
        Files.writeString(h, "#!/bin/sh\necho \"pid=$$ api=$AWS_LAMBDA_RUNTIME_API wrapped=${FIRETAP_WRAPPED:-}"
                + " fd=${_LAMBDA_TELEMETRY_LOG_FD:-unset} py=${PYTHONUNBUFFERED:-} args=$*\"\n"
                + "echo 'to stderr' >&2\nexit 3\n");
        Files.setPosixFilePermissions(h, PosixFilePermissions.fromString("rwxr-xr-x"));
        return h;
    }

    @Test
    void bootstrapModeExecsTheHandlerPointedAtTheProxyWithStdoutIntoTheIntake() throws Exception {
        openEndpoints();
        Path handler = handler();
        Result r = run(Map.of("_HANDLER", "handler", "LAMBDA_TASK_ROOT", handler.getParent().toString()));

        assertThat(r.stdout).as("stdout goes to the intake, not to Lambda").isEmpty();
        assertThat(intakeText()).isEqualTo("pid=" + r.pid + " api=" + endpoints.proxy().address()
                + " wrapped=1 fd=unset py=1 args=\n");
        assertThat(r.stderr).as("stderr is the runtime's own").isEqualTo("to stderr\n");
        assertThat(r.status).as("the runtime's exit status: it is the same process").isEqualTo(3);
    }

    @Test
    void execWrapperModeRunsTheRuntimesCommandLine() throws Exception {
        openEndpoints();
        Path handler = handler();
        Result r = run(Map.of(), handler.toString(), "-Xshare:auto", "two words");

        assertThat(intakeText()).isEqualTo("pid=" + r.pid + " api=" + endpoints.proxy().address()
                + " wrapped=1 fd=unset py=1 args=-Xshare:auto two words\n");
        assertThat(r.status).isEqualTo(3);
    }

    @Test
    void withoutTheExtensionTheRuntimeRunsUnchangedWithOneWarning() throws Exception {
        Path handler = handler();
        Result r = run(Map.of("_HANDLER", handler.toString()));

        assertThat(r.stdout).isEqualTo("pid=" + r.pid + " api=127.0.0.1:9001 wrapped= fd=3 py= args=\n");
        assertThat(r.stderr.lines()).hasSize(2).first(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("firetap: the firetap extension is not running");
        assertThat(r.status).isEqualTo(3);
    }

    @Test
    void insideAWrappedFunctionTheLauncherNeverWrapsAgain() throws Exception {
        openEndpoints();
        Path handler = handler();
        Result r = run(Map.of("_HANDLER", handler.toString(), "FIRETAP_WRAPPED", "1"));

        assertThat(r.stdout).isEqualTo("pid=" + r.pid + " api=127.0.0.1:9001 wrapped=1 fd=3 py= args=\n");
        assertThat(r.stderr).isEqualTo("to stderr\n");
    }

    @Test
    void aPythonUnbufferedSettingOfTheFunctionsOwnIsKept() throws Exception {
        openEndpoints();
        Path handler = handler();
        run(Map.of("_HANDLER", handler.toString(), "PYTHONUNBUFFERED", "0"));

        assertThat(intakeText()).contains(" py=0 ");
    }

    @Test
    void aHandlerThatIsMissingFailsAsAShellWould() throws Exception {
        Result r = run(Map.of("_HANDLER", "nope", "LAMBDA_TASK_ROOT", dir.toString()));
        assertThat(r.status).isEqualTo(127);
    }
}
