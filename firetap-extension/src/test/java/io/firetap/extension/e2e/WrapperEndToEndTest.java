package io.firetap.extension.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.testkit.aws.AcceptedRecord;
import io.firetap.testkit.aws.AwsEndpoint;
import io.firetap.testkit.lambda.Invocation;
import io.firetap.testkit.lambda.LambdaEmulator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wrapper as a function sees it: awkward bytes, exit statuses, signals, and no extension at all. */
class WrapperEndToEndTest {
    @TempDir
    Path dir;

    @BeforeEach
    void layOut() throws Exception {
        Environment.write(dir);
    }

    @Test
    void invalidUtf8NulBytesAndAThreeMebibyteLineWithoutNewlineArriveIntactBeforeTheFreeze() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start()) {
            List<byte[]> frozen = new ArrayList<>();
            try (LambdaEmulator lambda = Environment.withWrapper(dir, aws).handler("bytes")
                    // the first call of a cold SDK client with 3 MiB to marshal can outlast the default budget
                    .env("FIRETAP_FLUSH_BUDGET", "10s")
                    .onFrozen(i -> frozen.add(joined(aws.deliveryStream("logs").records())))
                    .build().start()) {
                lambda.invoke("{}");
                lambda.invoke("{}");
            }
            byte[] expected = withoutNewlines(BytesFunction.output());
            byte[] first = withoutNewlines(frozen.get(0));
            byte[] both = withoutNewlines(frozen.get(1));

            assertThat(first.length).as("bytes of invocation 1 delivered while frozen, newlines aside").isEqualTo(expected.length);
            assertThat(java.util.Arrays.equals(first, expected)).as("the same bytes").isTrue();
            assertThat(both.length).isEqualTo(2 * expected.length);
            List<String> lines = List.of(new String(frozen.get(0), StandardCharsets.ISO_8859_1).split("\n"));
            assertThat(lines.get(0).getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(
                    java.util.Arrays.copyOf(BytesFunction.INVALID_UTF8, BytesFunction.INVALID_UTF8.length - 1));
            assertThat(lines.get(1)).isEqualTo("nul\0inside");
            assertThat(lines.subList(2, lines.size())).as("the 3 MiB line, cut into 256 KiB pieces")
                    .hasSize(12).allMatch(piece -> piece.length() == 256 * 1024);
        }
    }

    @Test
    void withoutAnExtensionEveryInvocationSucceedsAndEveryLineIsOnTheWrappersStdout() throws Exception {
        Files.delete(dir.resolve("layer/extensions/firetap"));
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start();
             LambdaEmulator lambda = Environment.withWrapper(dir, aws).build().start()) {
            for (int i = 0; i < 3; i++) {
                assertThat(lambda.invoke("{\"lines\":50}").status()).isEqualTo(Invocation.Status.SUCCESS);
            }
            lambda.shutdown();

            List<String> output = lambda.output("runtime");
            assertThat(output.stream().filter(l -> l.contains("(invocation ")).count()).isEqualTo(150);
            assertThat(output).contains("INFO  checkout: order accepted (invocation 3 line 50/50)");
            assertThat(output).anyMatch(l -> l.contains("not reachable"));
        }
    }

    @Test
    void theHandlersExitStatusBecomesTheWrappers() throws Exception {
        Path handler = Environment.shell(dir.resolve("task/fails"), "echo 'about to fail'\nexit 3\n");
        Process wrapper = wrapper(handler);
        assertThat(wrapper.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(wrapper.exitValue()).isEqualTo(3);
        assertThat(new String(wrapper.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .as("stdout passed through without an extension").isEqualTo("about to fail\n");
    }

    @Test
    void deathBySignalBecomes128PlusTheSignal() throws Exception {
        Path handler = Environment.shell(dir.resolve("task/killed"), "kill -KILL $$\n");
        Process wrapper = wrapper(handler);
        assertThat(wrapper.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(wrapper.exitValue()).isEqualTo(128 + 9);
    }

    @Test
    void sigtermReachesTheHandler() throws Exception {
        Path handler = Environment.shell(dir.resolve("task/patient"),
                "trap 'echo got TERM; exit 7' TERM\necho ready\nwhile true; do sleep 0.05; done\n");
        Path out = dir.resolve("patient.out");
        Process wrapper = wrapper(handler, out);
        awaitContent(out, "ready\n");

        wrapper.destroy();
        assertThat(wrapper.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(Files.readString(out)).isEqualTo("ready\ngot TERM\n");
        assertThat(wrapper.exitValue()).isEqualTo(7);
    }

    private static void awaitContent(Path file, String content) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        while (!(Files.exists(file) && Files.readString(file).equals(content))) {
            assertThat(System.nanoTime()).as("waiting for %s to hold %s", file, content).isLessThan(deadline);
            never.await(10, TimeUnit.MILLISECONDS);
        }
    }

    private Process wrapper(Path handler, Path stdout) throws Exception {
        ProcessBuilder builder = builder(handler);
        builder.redirectOutput(stdout.toFile());
        return builder.start();
    }

    private Process wrapper(Path handler) throws Exception {
        return builder(handler).start();
    }

    private ProcessBuilder builder(Path handler) {
        ProcessBuilder builder = new ProcessBuilder(Environment.wrapperCommand());
        builder.environment().remove("AWS_LAMBDA_RUNTIME_API");
        builder.environment().remove("FIRETAP_WRAPPED");
        builder.environment().put("_HANDLER", handler.getFileName().toString());
        builder.environment().put("LAMBDA_TASK_ROOT", handler.getParent().toString());
        builder.environment().put("FIRETAP_SOCKET_PATH", dir.resolve("nobody-listens.sock").toString());
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        return builder;
    }

    private static byte[] joined(List<AcceptedRecord> records) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        records.forEach(r -> all.writeBytes(r.data()));
        return all.toByteArray();
    }

    private static byte[] withoutNewlines(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        for (byte b : bytes) {
            if (b != '\n') {
                out.write(b);
            }
        }
        return out.toByteArray();
    }
}
