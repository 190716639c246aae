package io.firetap.bench.e2e;

import io.firetap.core.FunctionMetadata;
import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.core.config.Settings;
import io.firetap.core.pipeline.FlushResult;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.core.sink.SinkCatalog;
import io.firetap.core.sink.SinkContext;
import io.firetap.testkit.aws.AwsEndpoint;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** One sink, the real pipeline and the real SDK client, against its loopback endpoint, in this JVM. */
final class SinkRun {
    private SinkRun() {
    }

    static double linesPerSecond(String sink, boolean packing, long lines) {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("bench").dataStream("bench", 4)
                .retainRecords(false).start()) {
            Map<String, String> env = new HashMap<>();
            env.put("FIRETAP_SINK", sink);
            env.put("FIRETAP_STREAM_NAME", "bench");
            env.put("FIRETAP_PACKING", Boolean.toString(packing));
            env.put("AWS_REGION", "us-east-1");
            env.put("AWS_ACCESS_KEY_ID", "bench");
            env.put("AWS_SECRET_ACCESS_KEY", "bench");
            env.put("AWS_ENDPOINT_URL", aws.endpointUri().toString());
            Settings settings = Settings.of(env);
            FunctionMetadata function = FunctionMetadata.from(settings);
            ShippingPipeline pipeline = ShippingPipeline.builder()
                    .config(PipelineConfig.from(settings))
                    .function(function)
                    .sinks(SinkCatalog.load().create(new SinkContext(settings, function)))
                    .build();
            pipeline.awaitSinksStarted(Duration.ofSeconds(10));
            byte[] line = new byte[99];
            Arrays.fill(line, (byte) 'x');
            long start = System.nanoTime();
            for (long i = 0; i < lines; i++) {
                pipeline.offer(LogLine.of(line, 0L, Source.WRAPPER, null));
            }
            FlushResult result = pipeline.flush(Duration.ofMinutes(2));
            double seconds = (System.nanoTime() - start) / 1e9;
            pipeline.shutdown(Duration.ofSeconds(2));
            if (!result.complete() || pipeline.counters().lostLines() != 0) {
                throw new IllegalStateException(sink + " lost lines: " + result);
            }
            return lines / seconds;
        }
    }
}
