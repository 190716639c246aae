package io.firetap.bench;

import io.firetap.aws.internal.RecordsBody;
import io.firetap.core.sink.SinkRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code PutRecordBatch} body of one batch as the pipeline packs it by default: 100-byte lines
 * in records of up to 1,000 KiB, 1 MiB per call ({@code packed}), or one line per record, 500 per
 * call ({@code single}). One operation is one body; per line, divide by {@link #lines()}.
 *
 * <p>Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes allocated per body, which
 * does not depend on how busy the machine is. The extension runs the C1 compiler only; for its
 * figures add {@code -jvmArgsAppend -XX:TieredStopAtLevel=1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m", "-XX:+UseSerialGC"})
public class RecordsBodyBenchmark {
    private static final int LINE = 101;

    @Param({"packed", "single"})
    public String batch;

    private final RecordsBody body = new RecordsBody("DeliveryStreamName", "bench-stream");
    private List<SinkRecord> records;

    @Setup
    public void setUp() {
        records = new ArrayList<>();
        if (batch.equals("packed")) {
            int recordLines = 1000 * 1024 / LINE;
            int callLines = (1 << 20) / LINE;
            records.add(record(recordLines));
            records.add(record(callLines - recordLines));
        } else {
            for (int i = 0; i < 500; i++) {
                records.add(record(1));
            }
        }
    }

    private static SinkRecord record(int lines) {
        byte[] payload = new byte[lines * LINE];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = i % LINE == LINE - 1 ? (byte) '\n' : (byte) ('a' + i % 26);
        }
        return new SinkRecord(payload, lines, null, 0L);
    }

    /** Lines in one body. */
    public int lines() {
        return records.stream().mapToInt(SinkRecord::lineCount).sum();
    }

    @Benchmark
    public byte[] encode() {
        return body.encode(records);
    }
}
