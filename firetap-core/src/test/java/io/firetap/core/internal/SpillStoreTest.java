package io.firetap.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.LogLine;
import io.firetap.core.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SpillStoreTest {
    private static final long CAP = 1L << 20;
    private static final long SEGMENT = 64L << 10;

    @TempDir
    Path tmp;

    private static LogLine line(int i) {
        return LogLine.of(("line " + i + " " + "x".repeat(i % 200)).getBytes(StandardCharsets.UTF_8), 1_000L + i,
                Source.values()[i % Source.values().length], i % 3 == 0 ? null : "req-" + i);
    }

    private static int write(SpillStore store, int from, int to) {
        int done = 0;
        for (int i = from; i < to; i++) {
            if (!store.stage(line(i))) {
                break;
            }
            if (store.stagedBytes() >= 16 * 1024) {
                done += store.commit();
            }
        }
        return done + store.commit();
    }

    private static void assertSame(LogLine got, LogLine want) {
        assertThat(got.toByteArray()).isEqualTo(want.toByteArray());
        assertThat(got.timestampMillis()).isEqualTo(want.timestampMillis());
        assertThat(got.source()).isEqualTo(want.source());
        assertThat(got.requestId()).isEqualTo(want.requestId());
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(SpillStore.SEGMENT_SUFFIX)).sorted().toList();
        }
    }

    @Test
    void eachLaneReadsEveryLineBackInOrderAcrossSegmentsWithItsMetadata() throws Exception {
        Path dir = tmp.resolve("spill");
        SpillStore store = SpillStore.open(dir, CAP, SEGMENT, 2);
        assertThat(dir).doesNotExist();
        assertThat(write(store, 0, 3_000)).isEqualTo(3_000);
        assertThat(segments(dir)).hasSizeGreaterThan(2);
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(segments(dir).get(0))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        for (int i = 0; i < 3_000; i++) {
            assertSame(store.read(0), line(i));
        }
        // the other lane reads at its own pace, interleaved with more writes
        for (int i = 0; i < 1_000; i++) {
            assertSame(store.read(1), line(i));
        }
        assertThat(write(store, 3_000, 3_100)).isEqualTo(100);
        for (int i = 1_000; i < 3_100; i++) {
            assertSame(store.read(1), line(i));
        }
        store.close();
    }

    @Test
    void aSegmentIsDeletedOnlyOnceEveryLaneSettledAllItsLinesNotWhenRead() throws Exception {
        Path dir = tmp.resolve("spill");
        SpillStore store = SpillStore.open(dir, CAP, SEGMENT, 1);
        write(store, 0, 3_000);
        int before = segments(dir).size();
        for (int i = 0; i < 3_000; i++) {
            store.read(0);
        }
        assertThat(segments(dir)).as("read, not settled").hasSize(before);
        store.release(1);
        assertThat(segments(dir)).hasSize(before);
        store.release(1_499);
        assertThat(segments(dir)).hasSizeBetween(1, before - 1);
        store.release(1_500);
        assertThat(segments(dir)).as("everything settled: even the segment being written is gone").isEmpty();
        assertThat(store.diskBytes()).isZero();
        assertThat(store.lines()).isZero();
        // and the store keeps working in a fresh segment
        assertThat(write(store, 0, 10)).isEqualTo(10);
        assertSame(store.read(0), line(0));
        store.close();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void theCapRefusesWhatDoesNotFitAndFreesRoomAsLinesAreSettled() throws Exception {
        Path dir = tmp.resolve("spill");
        SpillStore store = SpillStore.open(dir, CAP, SEGMENT, 1);
        int written = write(store, 0, 100_000);
        assertThat(written).isBetween(1_000, 99_999);
        assertThat(store.lastRefusal()).contains("cap");
        assertThat(store.diskBytes()).isLessThanOrEqualTo(CAP);
        assertThat(store.stage(line(written))).as("the line that did not fit still does not").isFalse();
        for (int i = 0; i < written; i++) {
            store.read(0);
        }
        store.release(written);
        assertThat(store.stage(line(0))).isTrue();
        assertThat(store.commit()).isEqualTo(1);
        store.close();
    }

    @Test
    void aDirectoryItCannotCreateRefusesLinesAndSaysWhy() throws Exception {
        // a regular file where the parent directory should be: no directory can be made under it, even by root
        Path notADirectory = Files.writeString(tmp.resolve("file"), "x");
        SpillStore store = SpillStore.open(notADirectory.resolve("spill"), CAP, SEGMENT, 1);
        assertThat(store.stage(line(1))).isFalse();
        assertThat(store.lastRefusal()).contains("not usable");
        store.close();
    }

    @Test
    void aFailedWriteRefusesItsBatchWholeAndKeepsWhatWasWrittenBefore() throws Exception {
        Path dir = tmp.resolve("spill");
        SpillStore store = SpillStore.open(dir, CAP, SEGMENT, 1);
        assertThat(write(store, 0, 10)).isEqualTo(10);
        int filled = fillSegment(store, 1_000);
        // the next batch needs a new file, and the directory is gone (a file stands in its place)
        for (Path f : segments(dir)) {
            Files.move(f, tmp.resolve(f.getFileName()));
        }
        Files.move(dir, tmp.resolve("moved"));
        Files.writeString(dir, "not a directory");
        for (int i = 0; i < 10; i++) {
            assertThat(store.stage(line(100 + i))).isTrue();
        }
        assertThat(store.commit()).isZero();
        assertThat(store.lastRefusal()).startsWith("spill write failed");
        // what was committed before is still read back, in order (the open file survives the move)
        Files.delete(dir);
        Files.move(tmp.resolve("moved"), dir);
        for (Path f : segmentsIn(tmp)) {
            Files.move(f, dir.resolve(f.getFileName()));
        }
        for (int i = 0; i < 10; i++) {
            assertSame(store.read(0), line(i));
        }
        for (int i = 0; i < filled; i++) {
            assertSame(store.read(0), line(1_000 + i));
        }
        assertThat(store.lines()).isEqualTo(10 + filled);
        store.close();
    }

    private static List<Path> segmentsIn(Path dir) throws IOException {
        return segments(dir);
    }

    /** Writes lines from {@code from} until the current segment is full, so the next commit starts a new file. */
    private static int fillSegment(SpillStore store, int from) {
        int i = from;
        while (store.stagedBytes() < SEGMENT) {
            store.stage(line(i++));
        }
        return store.commit();
    }

    @Test
    void aDirectoryAnotherLivePipelineHoldsIsLeftAloneAndTheSecondSpillsBesideIt() throws Exception {
        Path dir = tmp.resolve("spill");
        SpillStore owner = SpillStore.open(dir, CAP, SEGMENT, 1);
        assertThat(write(owner, 0, 10)).isEqualTo(10);
        List<Path> ownersFiles = segments(dir);
        // a second store in this JVM stands for a second process: the lock keeps it out of the directory
        SpillStore second = SpillStore.open(dir, CAP, SEGMENT, 1);
        assertThat(second.adoptedLines()).isZero();
        assertThat(second.unusableReason()).isNull();
        assertThat(write(second, 500, 510)).isEqualTo(10);
        assertThat(second.directory()).isNotEqualTo(dir).hasParent(tmp);
        assertThat(segments(dir)).isEqualTo(ownersFiles);
        assertSame(second.read(0), line(500));
        Path secondsOwn = second.directory();
        second.close();
        assertThat(secondsOwn).doesNotExist();
        assertSame(owner.read(0), line(0));
        owner.close();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void afterACrashTheNextProcessAdoptsTheLeftoverLinesInOrderAndIgnoresATornTail() throws Exception {
        Path dir = tmp.resolve("spill");
        SpillStore crashed = SpillStore.open(dir, CAP, SEGMENT, 1);
        assertThat(write(crashed, 0, 2_000)).isEqualTo(2_000);
        // the crash: nothing released, nothing closed; the last file gets a torn record
        List<Path> left = segments(dir);
        Files.write(left.get(left.size() - 1), new byte[] {0, 0, 1}, java.nio.file.StandardOpenOption.APPEND);
        releaseLockAsACrashWould(crashed, dir);

        SpillStore restarted = SpillStore.open(dir, CAP, SEGMENT, 2);
        assertThat(restarted.adoptedLines()).isEqualTo(2_000);
        assertThat(write(restarted, 2_000, 2_010)).isEqualTo(10);
        for (int lane = 0; lane < 2; lane++) {
            for (int i = 0; i < 2_010; i++) {
                assertSame(restarted.read(lane), line(i));
            }
        }
        restarted.release(2_010);
        assertThat(segments(dir)).isEmpty();
        restarted.close();
    }

    /** A dead process's lock is gone with it; this JVM has to drop it by hand. */
    private static void releaseLockAsACrashWould(SpillStore store, Path dir) {
        store.abandonLock();
    }
}
