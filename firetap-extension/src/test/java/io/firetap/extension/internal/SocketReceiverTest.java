package io.firetap.extension.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.LogLine;
import io.firetap.core.Source;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketReceiverTest {
    private static final int MAX_LINE = 256 * 1024;

    @TempDir
    Path dir;

    private final CollectingIntake intake = new CollectingIntake();
    private final OutputEndMarkers boundaries = new OutputEndMarkers();
    private SocketReceiver receiver;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private SocketReceiver start(int maxClients) throws IOException {
        receiver = SocketReceiver.start(dir.resolve("firetap.sock"), MAX_LINE, maxClients, intake, boundaries);
        return receiver;
    }

    private SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(receiver.path()));
        return ch;
    }

    private void send(byte[] bytes) throws IOException {
        try (SocketChannel ch = connect()) {
            write(ch, bytes);
        }
    }

    private static void write(SocketChannel ch, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void plainClientLinesArriveTaggedWithTheCurrentInvocation() throws Exception {
        start(8);
        boundaries.invocationStarted("req-1");
        send(utf8("hello\nworld\n"));
        assertThat(intake.awaitCount(2, 10)).isTrue();
        assertThat(intake.texts()).containsExactly("hello", "world");
        assertThat(intake.records()).allSatisfy(r -> {
            assertThat(r.source()).isEqualTo(Source.SOCKET);
            assertThat(r.requestId()).isEqualTo("req-1");
        });
    }

    @Test
    void unfinishedLastLineIsDeliveredWhenTheClientDisconnects() throws Exception {
        start(8);
        send(utf8("complete\nhalf a li"));
        assertThat(intake.awaitCount(2, 10)).isTrue();
        assertThat(intake.texts()).containsExactly("complete", "half a li");
    }

    @Test
    void socketFileIsOwnerOnlyAndReplacesAStaleFile() throws Exception {
        Path path = dir.resolve("firetap.sock");
        Files.writeString(path, "stale");
        receiver = SocketReceiver.start(path, MAX_LINE, 8, intake, boundaries);
        assertThat(Files.getPosixFilePermissions(path))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.isRegularFile(path)).isFalse();
        // Nothing of the private staging directory is left behind.
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("firetap.sock");
        }
        send(utf8("after replace\n"));
        assertThat(intake.awaitCount(1, 10)).isTrue();

        // A second receiver replaces the first one's (now stale) socket the same way.
        receiver.close();
        receiver = SocketReceiver.start(path, MAX_LINE, 8, intake, boundaries);
        send(utf8("second\n"));
        assertThat(intake.awaitCount(2, 10)).isTrue();
        assertThat(intake.texts()).containsExactly("after replace", "second");
    }

    @Test
    void closeDeliversWhatConnectedClientsWroteAndRemovesTheSocketFile() throws Exception {
        start(8);
        try (SocketChannel ch = connect()) {
            write(ch, utf8("written before close\nno newline yet"));
            receiver.close();
        }
        assertThat(intake.texts()).containsExactly("written before close", "no newline yet");
        assertThat(Files.exists(dir.resolve("firetap.sock"))).isFalse();
    }

    @Test
    void manyConcurrentClientsEachKeepTheirOrder() throws Exception {
        start(64);
        int clients = 16;
        int lines = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    go.await(10, TimeUnit.SECONDS);
                    try (SocketChannel ch = connect(); OutputStream out = Channels.newOutputStream(ch)) {
                        for (int i = 0; i < lines; i++) {
                            out.write(utf8("c" + client + " " + i + "\n"));
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(intake.awaitCount(clients * lines, 30)).isTrue();
        List<String> texts = intake.texts();
        assertThat(texts).hasSize(clients * lines);
        for (int c = 0; c < clients; c++) {
            String prefix = "c" + c + " ";
            List<String> mine = texts.stream().filter(t -> t.startsWith(prefix)).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < lines; i++) {
                expected.add(prefix + i);
            }
            assertThat(mine).isEqualTo(expected);
        }
    }



    @Test
    void aLeadingNulByteIsPartOfTheLine() throws Exception {
        start(8);
        byte[] bytes = {0, 'f', 'i', 'r', 'e', 'x', '\n', 'n', 'e', 'x', 't', '\n'};
        send(bytes);
        assertThat(intake.awaitCount(2, 10)).isTrue();
        assertThat(intake.records().get(0).toByteArray()).isEqualTo(new byte[] {0, 'f', 'i', 'r', 'e', 'x'});
        assertThat(intake.texts().get(1)).isEqualTo("next");
        assertThat(intake.records()).allSatisfy(r -> assertThat(r.source()).isEqualTo(Source.SOCKET));
    }



    @Test
    void badInputLosesNothingElse() throws Exception {
        start(16);
        byte[] invalidUtf8 = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 'x'};
        byte[] withNul = {'a', 0, 'b', 0};
        byte[] big = new byte[3 * 1024 * 1024 + 100];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('A' + i % 23);
        }
        int flood = 100_000;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> floodDone = pool.submit(() -> {
                try (SocketChannel ch = connect(); OutputStream out = Channels.newOutputStream(ch)) {
                    byte[] tiny = new byte[flood * 2];
                    for (int i = 0; i < flood; i++) {
                        tiny[2 * i] = 't';
                        tiny[2 * i + 1] = '\n';
                    }
                    out.write(tiny);
                }
                return null;
            });
            Future<?> awkwardDone = pool.submit(() -> {
                try (SocketChannel ch = connect()) {
                    write(ch, join(join(join(invalidUtf8, new byte[] {'\n'}), join(withNul, new byte[] {'\n'})),
                            join(big, new byte[] {'\n'})));
                }
                return null;
            });
            try (SocketChannel midLine = connect()) {
                write(midLine, utf8("cut off mid-li"));
            }
            floodDone.get(30, TimeUnit.SECONDS);
            awkwardDone.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        int bigPieces = (big.length + MAX_LINE - 1) / MAX_LINE;
        int expected = flood + 1 + 2 + bigPieces;
        assertThat(intake.awaitCount(expected, 30)).isTrue();
        List<LogLine> records = intake.records();
        assertThat(records).hasSize(expected);
        assertThat(records.stream().filter(r -> r.length() == 1 && r.byteAt(0) == 't')).hasSize(flood);
        assertThat(intake.texts()).contains("cut off mid-li");
        List<LogLine> awkward = records.stream().filter(r -> !(r.length() == 1 && r.byteAt(0) == 't'))
                .filter(r -> !new String(r.toByteArray(), StandardCharsets.ISO_8859_1).equals("cut off mid-li")).toList();
        assertThat(awkward).hasSize(2 + bigPieces);
        assertThat(awkward.get(0).toByteArray()).isEqualTo(invalidUtf8);
        assertThat(awkward.get(1).toByteArray()).isEqualTo(withNul);
        List<LogLine> pieces = awkward.subList(2, awkward.size());
        assertThat(pieces).allSatisfy(r -> assertThat(r.length()).isLessThanOrEqualTo(MAX_LINE));
        assertThat(CollectingIntake.join(pieces)).isEqualTo(big);
    }

    private static byte[] join(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void randomGarbageNeverStopsTheReceiver() throws Exception {
        start(64);
        java.util.Random random = new java.util.Random(42);
        for (int c = 0; c < 60; c++) {
            byte[] junk = new byte[1 + random.nextInt(20_000)];
            random.nextBytes(junk);
            try (SocketChannel ch = connect()) {
                write(ch, junk);
            }
        }
        try (SocketChannel good = connect()) {
            write(good, utf8("still serving\n"));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!intake.texts().contains("still serving") && System.nanoTime() < deadline) {
            intake.awaitCount(intake.records().size() + 1, 1);
        }
        assertThat(intake.texts()).contains("still serving");
        assertThat(receiver.stats().connections()).isEqualTo(61);
    }

    @Test
    void worksWithNetcat() throws Exception {
        Path nc = Path.of("/usr/bin/nc");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(nc), "netcat-openbsd is not installed");
        start(8);
        // -N: close the connection at the end of input (netcat-openbsd).
        Process p = new ProcessBuilder("sh", "-c", "printf 'hello\\nfrom nc' | nc -N -U \"$0\"",
                receiver.path().toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(intake.awaitCount(2, 10)).isTrue();
        assertThat(intake.texts()).containsExactly("hello", "from nc");
    }
}
