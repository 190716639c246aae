package io.firetap.testkit.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firetap.testkit.local.SampleFunction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emulator against real processes: a Java custom runtime and Java extensions started from a layer folder. */
class LambdaEmulatorTest {
    @TempDir
    Path dir;

    @Test
    void anInvocationRoundTripsThroughTheRuntimeAndEveryExtensionIsWaitedFor() throws Exception {
        extension("alpha", "alpha", "normal");
        try (LambdaEmulator lambda = emulator().build().start()) {
            Invocation first = lambda.invoke("{\"lines\":3}");
            Invocation second = lambda.invoke("{\"lines\":1}");

            assertThat(first.status()).isEqualTo(Invocation.Status.SUCCESS);
            assertThat(first.bodyText()).isEqualTo("{\"lines\":3}");
            assertThat(first.slowestExtension()).isEqualTo("alpha");
            assertThat(second.number()).isEqualTo(2);
            assertThat(second.requestId()).isNotEqualTo(first.requestId());
            awaitTrue(() -> lambda.output("runtime").size() == 4);
            assertThat(lambda.output("runtime").get(0)).endsWith("(invocation 1 line 1/3)");
            assertThat(lambda.output("alpha")).contains("registered alpha");
            assertThat(lambda.holds().invocations()).isEqualTo(2);
            assertThat(lambda.errorsReported()).isEmpty();
        }
    }

    @Test
    void anExtensionThatDoesNotCallNextHoldsTheFreezeAndTheHoldIsReported() throws Exception {
        extension("prompt", "prompt", "normal");
        extension("slow", "slow", "lazy:300");
        try (LambdaEmulator lambda = emulator().build().start()) {
            Invocation invocation = lambda.invoke("{\"lines\":1}");

            assertThat(invocation.slowestExtension()).isEqualTo("slow");
            // the extension waits 300 ms from INVOKE, which it got before the runtime ran
            assertThat(invocation.hold().plus(invocation.runtimeTime())).isGreaterThanOrEqualTo(Duration.ofMillis(250));
            assertThat(invocation.hold()).isGreaterThan(Duration.ofMillis(100));
            assertThat(lambda.frozen()).isTrue();
        }
    }

    @Test
    void frozenProcessesReallyStop() throws Exception {
        extension("chatty", "chatty", "chatty");
        AtomicReference<List<String>> states = new AtomicReference<>();
        List<int[]> ticks = new java.util.concurrent.CopyOnWriteArrayList<>();
        LambdaEmulator[] holder = new LambdaEmulator[1];
        try (LambdaEmulator lambda = emulator().onFrozen(invocation -> {
            LambdaEmulator self = holder[0];
            List<String> s = new ArrayList<>();
            for (long pid : self.pids()) {
                s.add(processState(pid));
            }
            states.set(s);
            // lines already in the pipe when the process stopped still arrive: let them, then watch
            observeFor(Duration.ofMillis(100));
            int before = self.output("chatty").size();
            observeFor(Duration.ofMillis(200));
            ticks.add(new int[] {before, self.output("chatty").size()});
        }).build()) {
            holder[0] = lambda;
            lambda.start();
            awaitTrue(() -> lambda.output("chatty").size() > 3);
            lambda.invoke("{\"lines\":1}");

            assertThat(states.get()).isNotEmpty().allMatch(state -> state.equals("T"), "stopped (T)");
            assertThat(ticks.get(0)[1]).as("lines written while frozen").isEqualTo(ticks.get(0)[0]);
            Invocation thawed = lambda.invoke("{\"lines\":1}");
            assertThat(thawed.status()).as("the runtime ran again once thawed").isEqualTo(Invocation.Status.SUCCESS);
            assertThat(thawed.slowestExtension()).as("the extension took the next INVOKE").isEqualTo("chatty");
        }
    }

    @Test
    void anExtensionRegisteringUnderAnotherNameIsRefusedAndInitFails() throws Exception {
        extension("beta", "not-beta", "normal");
        try (LambdaEmulator lambda = emulator().initTimeout(Duration.ofSeconds(5)).build()) {
            assertThatThrownBy(lambda::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("extension beta exited with 3");
            assertThat(lambda.output("beta")).anyMatch(line -> line.contains("Extension.InvalidExtensionName"));
        }
    }

    @Test
    void shutdownGivesTheDeadlineThenKillsStragglers() throws Exception {
        extension("good", "good", "normal");
        extension("stubborn", "stubborn", "stubborn");
        try (LambdaEmulator lambda = emulator().shutdownDeadline(Duration.ofMillis(700)).build().start()) {
            lambda.invoke("{\"lines\":1}");
            ShutdownReport report = lambda.shutdown();

            assertThat(report.process("good")).isEqualTo(new ProcessExit("good", 0, false));
            assertThat(report.process("stubborn").killed()).isTrue();
            assertThat(report.process("stubborn").exitCode()).isEqualTo(137);
            assertThat(report.allExitedInTime()).isFalse();
            assertThat(lambda.output("stubborn")).contains("shutdown received");
        }
    }

    @Test
    void telemetrySubscribersGetFunctionLinesAndRuntimeDoneBeforeTheFreeze() throws Exception {
        Path received = dir.resolve("telemetry.jsonl");
        extension("listener", "listener", "telemetry:" + received);
        AtomicReference<String> atFreeze = new AtomicReference<>();
        try (LambdaEmulator lambda = emulator().build().start()) {
            awaitTrue(() -> lambda.telemetrySubscribers().contains("listener"));
            Invocation invocation = lambda.invoke("{\"lines\":2}");
            String all = read(received);

            assertThat(all).contains("\"type\":\"platform.start\"")
                    .contains("\"type\":\"platform.runtimeDone\"")
                    .contains("\"requestId\":\"" + invocation.requestId() + "\"")
                    .contains("(invocation 1 line 2/2)");
            assertThat(all.indexOf("line 2/2")).isLessThan(all.indexOf("platform.runtimeDone"));
            atFreeze.set(all);
        }
        assertThat(atFreeze.get()).isNotNull();
    }

    @Test
    void aSubscriptionOutsideLambdasBufferingRangeIsRefusedWithAValidationError() throws Exception {
        extension("picky", "picky", "telemetry:" + dir.resolve("never.jsonl"));
        try (LambdaEmulator lambda = emulator().env("TEST_TELEMETRY_TIMEOUT_MS", "10").build().start()) {
            awaitTrue(() -> !lambda.telemetryRejections().isEmpty());

            LambdaEmulator.TelemetryRejection rejection = lambda.telemetryRejections().get(0);
            assertThat(rejection.status()).isEqualTo(400);
            assertThat(rejection.errorType()).isEqualTo("ValidationError");
            assertThat(rejection.message()).contains("timeoutMs must be 25-30000, got 10");
            assertThat(lambda.output("picky")).contains("subscribed 400");
        }
    }

    // ---------------------------------------------------------------- helpers

    private LambdaEmulator.Builder emulator() {
        return LambdaEmulator.builder()
                .layer(dir)
                .taskRoot(dir)
                .handler("sample")
                .runtime(javaCommand(SampleFunction.class.getName()));
    }

    private void extension(String fileName, String registersAs, String mode) throws IOException {
        Path extensions = Files.createDirectories(dir.resolve("extensions"));
        Path script = extensions.resolve(fileName);
        String command = String.join(" ", javaCommand(TestExtension.class.getName()).stream().map(a -> "'" + a + "'").toList());
        Files.writeString(script, "#!/bin/sh\nTEST_EXTENSION_NAME='" + registersAs + "' exec " + command + " '" + mode + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static List<String> javaCommand(String mainClass) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), mainClass);
    }

    private static String processState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException e) {
            return "gone";
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Watches for a while: used only to show that nothing happens while frozen. */
    private static void observeFor(Duration window) {
        try {
            new CountDownLatch(1).await(window.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        CountDownLatch never = new CountDownLatch(1);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 15 s");
            }
            never.await(10, TimeUnit.MILLISECONDS);
        }
    }
}
