package io.firetap.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firetap.core.config.ConfigException;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The typed builder's argument checks, and a whole extension run in this JVM against a fake Extensions API. */
@Timeout(30)
class FiretapExtensionTest {
    @TempDir
    Path dir;

    private final ExecutorService runner = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        runner.shutdownNow();
    }

    @Test
    void everySetterRefusesWhatFiretapCannotUseAndSaysWhatIsAllowed() {
        FiretapExtension.Builder b = FiretapExtension.builder();
        assertThatThrownBy(() -> b.socketPath(Path.of("relative.sock"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absolute file path of at most 96 bytes");
        assertThatThrownBy(() -> b.socketPath(Path.of("/" + "s".repeat(100)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.intakePath(Path.of("/"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absolute file path");
        assertThatThrownBy(() -> b.maxLineBytes(1023)).hasMessageContaining("from 1024 to 16777216");
        assertThatThrownBy(() -> b.maxSocketClients(0)).hasMessageContaining("from 1 to 4096");
        assertThatThrownBy(() -> b.telemetryPort(9001)).hasMessageContaining("other than 9001");
        assertThatThrownBy(() -> b.telemetryPort(80)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.flushBudget(Duration.ZERO)).hasMessageContaining("from 1ms to 10000ms");
        assertThatThrownBy(() -> b.name(" ")).hasMessageContaining("blank");
        assertThatThrownBy(() -> b.sink(null)).isInstanceOf(NullPointerException.class).hasMessage("sink");
        assertThatThrownBy(() -> b.delivery(null)).isInstanceOf(NullPointerException.class).hasMessage("delivery");
    }

    @Test
    void aCustomSinkGetsEveryLineAndShutdownEndsTheRunWithZero() throws Exception {
        try (FakeExtensionsApi lambda = new FakeExtensionsApi()) {
            CollectingSink sink = new CollectingSink();
            Path socket = dir.resolve("s.sock");
            FiretapExtension extension = inProcess(lambda).socketPath(socket).sink(sink).build();
            Future<Integer> run = runner.submit(extension::run);

            awaitTrue(() -> lambda.last("/event/next") != null);
            write(socket, "one\ntwo\nthree\n");
            awaitTrue(() -> sink.lines().size() == 3);
            lambda.events.add(shutdown());

            assertThat(run.get(20, TimeUnit.SECONDS)).isZero();
            assertThat(sink.lines()).containsExactly("one", "two", "three");
            assertThat(sink.shutDown).isTrue();
            assertThatThrownBy(extension::run).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void valuesSetInCodeWinOverTheConfigurationReadAfterRegistering() throws Exception {
        try (FakeExtensionsApi lambda = new FakeExtensionsApi()) {
            CollectingSink sink = new CollectingSink();
            Path fromCode = dir.resolve("code.sock");
            Path late = dir.resolve("late.sock");
            Future<Integer> run = runner.submit(inProcess(lambda).socketPath(fromCode).sink(sink)
                    .configureAfterRegistering(b -> b.socketPath(late).sink(new CollectingSink()))
                    .build()::run);

            awaitTrue(() -> lambda.last("/event/next") != null);
            assertThat(late).doesNotExist();
            write(fromCode, "from code\n");
            awaitTrue(() -> sink.lines().size() == 1);
            lambda.events.add(shutdown());
            assertThat(run.get(20, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void aBadValueFoundAfterRegisteringIsReportedToLambdaAndTheRunEndsWithOne() throws Exception {
        try (FakeExtensionsApi lambda = new FakeExtensionsApi()) {
            Path socket = dir.resolve("s.sock");
            int status = inProcess(lambda).socketPath(socket).sink(new CollectingSink())
                    .configureAfterRegistering(b -> {
                        throw ConfigException.invalid("FIRETAP_EXAMPLE", "sometimes", "always or never");
                    })
                    .build().run();

            assertThat(status).isEqualTo(1);
            FakeExtensionsApi.Request error = lambda.last("/init/error");
            assertThat(error).isNotNull();
            assertThat(error.header("Lambda-Extension-Function-Error-Type")).isEqualTo("Extension.InvalidConfiguration");
            assertThat(error.body()).contains("FIRETAP_EXAMPLE='sometimes' is not valid: expected always or never");
            assertThat(socket).doesNotExist();
        }
    }

    private FiretapExtension.Builder inProcess(FakeExtensionsApi lambda) {
        return FiretapExtension.builder()
                .api(ExtensionsApiClient.create(lambda.hostPort(), Duration.ofSeconds(5)))
                .withoutWrapper()
                .telemetry(Set.of())
                .delivery(DeliveryMode.STRICT);
    }

    private static String shutdown() {
        return "{\"eventType\":\"SHUTDOWN\",\"shutdownReason\":\"spindown\",\"deadlineMs\":"
                + (System.currentTimeMillis() + 2_000) + "}";
    }

    private static void write(Path socket, String text) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }

    /** Waits for a condition another thread makes true, up to ten seconds. */
    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition not met within 10 s").isNegative();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    /** Keeps every line it is sent. */
    private static final class CollectingSink implements Sink {
        private final List<String> lines = new CopyOnWriteArrayList<>();
        volatile boolean shutDown;

        @Override
        public String name() {
            return "collecting";
        }

        @Override
        public SinkLimits limits() {
            return SinkLimits.generous();
        }

        @Override
        public CompletableFuture<SendResult> send(List<SinkRecord> batch) {
            List<String> sent = new ArrayList<>();
            for (SinkRecord r : batch) {
                for (String line : new String(r.payload(), StandardCharsets.UTF_8).split("\n")) {
                    sent.add(line);
                }
            }
            lines.addAll(sent);
            return CompletableFuture.completedFuture(SendResult.success());
        }

        @Override
        public CompletableFuture<Void> shutdown() {
            shutDown = true;
            return CompletableFuture.completedFuture(null);
        }

        List<String> lines() {
            return List.copyOf(lines);
        }
    }
}
