package io.firetap.testkit.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.testkit.aws.AcceptedRecord;
import io.firetap.testkit.aws.AwsService;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class StreamLedgerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void countsLinesLikeItSplitsThem() {
        String[] cases = {"", "\n", "a", "a\n", "a\nb", "a\nb\n", "\n\n", "a\n\nb\n"};
        long[] expected = {0, 1, 1, 1, 2, 2, 2, 3};
        for (int i = 0; i < cases.length; i++) {
            byte[] bytes = cases[i].getBytes(StandardCharsets.UTF_8);
            List<byte[]> lines = new ArrayList<>();
            StreamLedger.splitLines(ByteBuffer.wrap(bytes), lines);
            AcceptedRecord record = new AcceptedRecord(AwsService.FIREHOSE, "logs", bytes, null, null, "id", Instant.now());
            assertThat(record.lineCount()).as("lines in %s", cases[i].replace("\n", "\\n"))
                    .isEqualTo(expected[i]).isEqualTo(lines.size());
        }
    }

    @Test
    void awaitReturnsOnceAnotherThreadDeliversEnough() throws Exception {
        StreamLedger ledger = new StreamLedger(AwsService.FIREHOSE, "logs", true);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch waiting = new CountDownLatch(1);
            Future<?> writes = writer.submit(() -> {
                waiting.await();
                for (int i = 0; i < 10; i++) {
                    ledger.accepted(List.of(record("x\ny\n")), 0);
                }
                return null;
            });
            waiting.countDown();
            assertThat(ledger.awaitLines(20, WAIT)).isTrue();
            assertThat(ledger.awaitRecords(10, WAIT)).isTrue();
            writes.get();
            assertThat(ledger.stats().lines()).isEqualTo(20);
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void awaitGivesUpWhenNothingComes() throws InterruptedException {
        StreamLedger ledger = new StreamLedger(AwsService.KINESIS, "events", true);
        ledger.accepted(List.of(record("one\n")), 0);
        assertThat(ledger.awaitLines(2, Duration.ofMillis(20))).isFalse();
        assertThat(ledger.awaitLines(1, Duration.ZERO)).isTrue();
    }

    @Test
    void withoutRetentionOnlyCountersRemain() {
        StreamLedger ledger = new StreamLedger(AwsService.FIREHOSE, "bench", false);
        ledger.accepted(List.of(record("a\nb\n"), record("c")), 3);
        assertThat(ledger.records()).isEmpty();
        assertThat(ledger.stats().records()).isEqualTo(2);
        assertThat(ledger.stats().lines()).isEqualTo(3);
        assertThat(ledger.stats().failedEntries()).isEqualTo(3);
        assertThat(ledger.stats().billedBytes()).isEqualTo(2 * 5_120);
    }

    private static AcceptedRecord record(String text) {
        return new AcceptedRecord(AwsService.FIREHOSE, "logs", text.getBytes(StandardCharsets.UTF_8), null, null, "id", Instant.now());
    }
}
