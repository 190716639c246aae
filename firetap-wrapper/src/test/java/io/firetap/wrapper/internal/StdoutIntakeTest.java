package io.firetap.wrapper.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The stdout intake on a real FIFO, written as a runtime would write its stdout. */
@Timeout(60)
class StdoutIntakeTest {
    @TempDir
    Path dir;

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Collected collected = new Collected();
    private StdoutIntake intake;

    /** What the receiver got: the bytes, and where each end of output fell in them. */
    private static final class Collected implements StdoutIntake.Receiver {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> ends = new CopyOnWriteArrayList<>();

        @Override
        public synchronized void data(byte[] b, int offset, int length) {
            bytes.write(b, offset, length);
        }

        @Override
        public synchronized void outputEnd() {
            ends.add(bytes.size());
        }

        synchronized byte[] all() {
            return bytes.toByteArray();
        }
    }

    @AfterEach
    void close() {
        if (intake != null) {
            intake.close();
        }
    }

    private OutputStream openIntake() throws IOException {
        intake = StdoutIntake.open(dir.resolve("intake"), warnings::add);
        intake.start(collected);
        return new FileOutputStream(intake.path().toFile());
    }

    @Test
    void aDrainReturnsOnceEveryByteWrittenBeforeItWasPassedOnAndTheMarkerNeverIs() throws Exception {
        try (OutputStream runtime = openIntake()) {
            byte[] first = "line one\nnul\0inside\n\0\u001bftd not a marker\nunfinished".getBytes(StandardCharsets.ISO_8859_1);
            runtime.write(first);
            assertThat(intake.drain()).isTrue();
            assertThat(collected.all()).isEqualTo(first);
            assertThat(collected.ends).containsExactly(first.length);

            byte[] second = " line\n".getBytes(StandardCharsets.US_ASCII);
            runtime.write(second);
            assertThat(intake.drain()).isTrue();
            assertThat(collected.all()).hasSize(first.length + second.length);
            assertThat(collected.ends).containsExactly(first.length, first.length + second.length);
        }
        assertThat(warnings).isEmpty();
    }

    @Test
    void bytesAroundAMarkerThatStraddlesTwoReadsArriveWhole() throws Exception {
        try (OutputStream runtime = openIntake()) {
            // fill the reader's 64 KiB chunk but for a few bytes, so the marker is cut across two reads
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (int round = 0; round < 20; round++) {
                byte[] blob = new byte[64 * 1024 - 7 - round];
                for (int i = 0; i < blob.length; i++) {
                    blob[i] = (byte) (i % 251 == 0 ? 0 : 'a' + i % 26);
                }
                runtime.write(blob);
                expected.write(blob);
                assertThat(intake.drain()).as("round %d", round).isTrue();
                assertThat(collected.all()).as("round %d", round).isEqualTo(expected.toByteArray());
            }
        }
    }

    @Test
    void aChildProcessWritingToTheSameStdoutIsDrainedToo() throws Exception {
        openIntake().close();
        Process child = new ProcessBuilder("sh", "-c", "printf 'from a child\\n' >\"$0\"", intake.path().toString())
                .start();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(intake.drain()).isTrue();
        assertThat(new String(collected.all(), StandardCharsets.US_ASCII)).isEqualTo("from a child\n");
    }

    @Test
    void theFifoIsMadeWhenMissingAndIsOwnerOnly() throws Exception {
        openIntake().close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(intake.path()))).isEqualTo("rw-------");
        assertThat(Files.isRegularFile(intake.path())).isFalse();
    }

    @Test
    void aRegularFileInItsPlaceIsRefusedWithThePath() throws Exception {
        Path file = Files.writeString(dir.resolve("intake"), "not a pipe");
        assertThatThrownBy(() -> StdoutIntake.open(file, warnings::add)).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not a named pipe");
        assertThat(Files.readString(file)).isEqualTo("not a pipe");
    }

    @Test
    void closingPassesOnWhatWasWrittenAndEndsTheReader() throws Exception {
        try (OutputStream runtime = openIntake()) {
            runtime.write("last words\n".getBytes(StandardCharsets.US_ASCII));
            intake.close();
        }
        assertThat(new String(collected.all(), StandardCharsets.US_ASCII)).isEqualTo("last words\n");
        assertThat(intake.drain()).as("nothing to drain after close").isFalse();
    }

    @Test
    void withoutAReaderADrainReturnsAtOnce() throws Exception {
        intake = StdoutIntake.open(dir.resolve("intake"), warnings::add);
        assertThat(intake.drain()).isFalse();
    }

    @Test
    void aDrainsActionRunsOnceOnTheReaderAfterEveryByteWrittenBeforeIt() throws Exception {
        try (OutputStream runtime = openIntake()) {
            byte[] written = "first\nsecond\nunfinished".getBytes(StandardCharsets.US_ASCII);
            runtime.write(written);
            List<byte[]> seenByAction = new CopyOnWriteArrayList<>();
            List<String> threads = new CopyOnWriteArrayList<>();
            assertThat(intake.drain(() -> {
                seenByAction.add(collected.all());
                threads.add(Thread.currentThread().getName());
            })).isTrue();
            assertThat(seenByAction).hasSize(1);
            assertThat(seenByAction.get(0)).isEqualTo(written);
            assertThat(collected.ends).containsExactly(written.length);
            assertThat(threads).containsExactly("firetap-stdout");
        }
        assertThat(warnings).isEmpty();
    }

    @Test
    void aFailingActionIsReportedAndTheReaderGoesOn() throws Exception {
        try (OutputStream runtime = openIntake()) {
            runtime.write("before\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(intake.drain(() -> {
                throw new IllegalStateException("boom");
            })).isTrue();
            runtime.write("after\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(intake.drain()).isTrue();
            assertThat(new String(collected.all(), StandardCharsets.US_ASCII)).isEqualTo("before\nafter\n");
        }
        assertThat(warnings).singleElement().asString().contains("boom");
    }

    @Test
    void aDrainThatCannotCompleteRunsItsActionOnTheCaller() throws Exception {
        intake = StdoutIntake.open(dir.resolve("intake"), warnings::add);
        List<String> threads = new CopyOnWriteArrayList<>();
        assertThat(intake.drain(() -> threads.add(Thread.currentThread().getName()))).isFalse();
        assertThat(threads).containsExactly(Thread.currentThread().getName());

        intake.start(collected);
        intake.close();
        assertThat(intake.drain(() -> threads.add("after close"))).isFalse();
        assertThat(threads).containsExactly(Thread.currentThread().getName(), "after close");
    }
}
