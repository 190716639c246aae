package io.firetap.testkit.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AcceptedRecordTest {
    private static AcceptedRecord record(byte[] data) {
        return new AcceptedRecord(AwsService.FIREHOSE, "s", data, null, null, "id", Instant.EPOCH);
    }

    /** Lines as the endpoint documents them, counted one byte at a time. */
    private static int expectedLines(byte[] data) {
        int n = 0;
        for (byte b : data) {
            if (b == '\n') {
                n++;
            }
        }
        return data.length > 0 && data[data.length - 1] != '\n' ? n + 1 : n;
    }

    @Test
    void countsEveryNewlineWhateverTheBytesAroundIt() {
        Random random = new Random(7);
        byte[] alphabet = {'\n', 0, (byte) 0x0b, (byte) 0x09, (byte) 0x8a, (byte) 0xff, 'a', ' '};
        for (int length = 0; length <= 70; length++) {
            for (int round = 0; round < 50; round++) {
                byte[] data = new byte[length];
                for (int i = 0; i < length; i++) {
                    data[i] = alphabet[random.nextInt(alphabet.length)];
                }
                assertThat(record(data).lineCount()).as("length %d", length).isEqualTo(expectedLines(data));
            }
        }
        assertThat(record("a\nb\nc".getBytes()).lineCount()).isEqualTo(3);
        assertThat(record("a\nb\n".getBytes()).lineCount()).isEqualTo(2);
        assertThat(record(new byte[0]).lineCount()).isZero();
    }
}
