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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wrapper as a function sees it: awkward bytes, and no extension at all. */
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
            assertThat(output).filteredOn(l -> l.contains("firetap extension is not running")).hasSize(1);
        }
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
