package io.firetap.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.FunctionMetadata;
import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.core.config.Settings;
import io.firetap.core.pipeline.PipelineConfig;
import io.firetap.core.pipeline.ShippingPipeline;
import io.firetap.core.sink.SinkContext;
import io.firetap.testkit.s3.S3Endpoint;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class S3SinkTest {

    @Test
    void objectsAreGzippedUnderATimeOrderedKey() throws Exception {
        try (S3Endpoint s3 = S3Endpoint.start(1, "logs-bucket")) {
            Settings settings = S3SinkCompatibilityTest.against(s3, Settings.of(Map.of(
                    "FIRETAP_S3_GZIP", "true", "FIRETAP_S3_PREFIX", "app/", "AWS_LAMBDA_FUNCTION_NAME", "checkout")));
            ShippingPipeline pipeline = ShippingPipeline.builder().config(PipelineConfig.from(settings))
                    .function(FunctionMetadata.from(settings))
                    .sink(new S3SinkProvider().create(SinkContext.of(settings))).build();
            pipeline.offer(LogLine.ofUtf8("one", Source.WRAPPER));
            pipeline.offer(LogLine.ofUtf8("two", Source.WRAPPER));
            assertThat(pipeline.flush(Duration.ofSeconds(10)).complete()).isTrue();
            pipeline.shutdown(Duration.ofSeconds(2));

            S3Endpoint.StoredObject object = s3.objects().get(0);
            assertThat(object.key()).matches("app/\\d{4}/\\d{2}/\\d{2}/\\d{2}/checkout-\\d{8}T\\d{6}\\.\\d{3}Z-000000\\.log\\.gz");
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(object.body()))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("one\ntwo\n");
            }
        }
    }

    @Test
    void keysSortInTimeOrder() {
        S3Sink sink = (S3Sink) new S3SinkProvider().create(SinkContext.of(Settings.of(Map.of("FIRETAP_S3_BUCKET", "b-1",
                "AWS_REGION", "us-east-1", "AWS_LAMBDA_FUNCTION_NAME", "f"))));
        String early = sink.key(Instant.parse("2026-01-02T03:04:05.006Z"), 7);
        String later = sink.key(Instant.parse("2026-01-02T03:04:05.007Z"), 8);

        assertThat(early).isEqualTo("logs/2026/01/02/03/f-20260102T030405.006Z-000007.log");
        assertThat(early).isLessThan(later);
    }
}
