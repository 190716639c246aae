package io.firetap.bench;

import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkLimits;
import io.firetap.core.sink.SinkRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Lines per second through the core — shared buffer, batching, packing — into a sink that
 * answers at once. One operation is one line. The producer hands lines over in groups of
 * {@value #GROUP} as a socket receiver does; with the default BLOCK policy the producer can only
 * run as fast as the lane packs and sends, so the figure is the pipeline's steady-state rate.
 *
 * <p>Run: {@code java -jar bench/jmh/target/firetap-jmh.jar CoreThroughput}; for the one-core
 * figure prefix {@code taskset -c 0}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m", "-XX:+UseSerialGC"})
public class CoreThroughputBenchmark {
    static final int GROUP = 1000;

    @Param({"100"})
    public int lineBytes;

    @Param({"true", "false"})
    public boolean packing;

    private ShippingPipeline pipeline;
    private List<LogLine> group;
    private CountingSink sink;

    @Setup(Level.Trial)
    public void setUp() {
        group = new ArrayList<>(GROUP);
        for (int i = 0; i < GROUP; i++) {
            byte[] line = new byte[lineBytes];
            java.util.Arrays.fill(line, (byte) ('a' + i % 26));
            group.add(LogLine.of(line, System.currentTimeMillis(), Source.WRAPPER, "req"));
        }
        sink = new CountingSink();
        PipelineConfig config = PipelineConfig.defaults().withPacking(packing);
        pipeline = ShippingPipeline.builder().config(config).sink(sink).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pipeline.shutdown(Duration.ofSeconds(30));
        if (pipeline.counters().lostLines() != 0) {
            throw new IllegalStateException("lines lost: " + pipeline.counters());
        }
    }

    @Benchmark
    @OperationsPerInvocation(GROUP)
    public int offerLines() {
        return pipeline.offerAll(group);
    }

    /** Firehose's limits; every send succeeds at once. */
    static final class CountingSink implements Sink {
        final LongAdder lines = new LongAdder();
        private static final CompletableFuture<SendResult> OK = CompletableFuture.completedFuture(SendResult.success());

        @Override
        public String name() {
            return "noop";
        }

        @Override
        public SinkLimits limits() {
            return new SinkLimits(500, 4L << 20, 1000 * 1024, 0);
        }

        @Override
        public CompletableFuture<SendResult> send(List<SinkRecord> batch) {
            for (SinkRecord r : batch) {
                lines.add(r.lineCount());
            }
            return OK;
        }

        @Override
        public CompletableFuture<Void> shutdown() {
            return CompletableFuture.completedFuture(null);
        }
    }
}
