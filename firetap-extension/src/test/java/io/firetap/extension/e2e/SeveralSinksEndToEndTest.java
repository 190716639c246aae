package io.firetap.extension.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.testkit.aws.AcceptedStream;
import io.firetap.testkit.aws.AwsEndpoint;
import io.firetap.testkit.lambda.LambdaEmulator;
import io.firetap.testkit.lambda.ShutdownReport;
import io.firetap.testkit.s3.S3Endpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One function shipping to Firehose and S3 at once while S3 is down for five invocations: Firehose keeps its
 * per-invocation guarantee, and S3 receives everything once it is back.
 */
class SeveralSinksEndToEndTest {
    private static final int LINES = 100;

    @TempDir
    Path dir;

    @Test
    void aFailingSinkDoesNotHoldUpTheOtherAndCatchesUpAfterwards() throws Exception {
        Environment.write(dir);
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start();
             S3Endpoint s3 = S3Endpoint.start(5, "logs-bucket")) {
            AcceptedStream firehose = aws.deliveryStream("logs");
            Map<Integer, Long> firehoseWhileFrozen = new ConcurrentHashMap<>();
            ShutdownReport end;
            try (LambdaEmulator lambda = Environment.withWrapper(dir, aws)
                    .env("FIRETAP_SINK", "firehose,s3")
                    .env("FIRETAP_S3_BUCKET", "logs-bucket")
                    .env("AWS_ENDPOINT_URL_S3", s3.endpointUri().toString())
                    .env("FIRETAP_FLUSH_BUDGET", "200ms")
                    .onFrozen(invocation -> firehoseWhileFrozen.put(invocation.number(), firehose.lineCount()))
                    .build().start()) {
                s3.faults().outage();
                for (int i = 0; i < 5; i++) {
                    lambda.invoke("{\"lines\":" + LINES + "}");
                }
                long s3DuringOutage = s3.objects().size();
                s3.faults().endOutage();
                lambda.invoke("{\"lines\":" + LINES + "}");
                end = lambda.shutdown();

                assertThat(s3DuringOutage).as("objects stored during the outage").isZero();
            }
            for (int k = 1; k <= 6; k++) {
                assertThat(firehoseWhileFrozen.get(k)).as("Firehose lines while frozen after invocation %d", k)
                        .isEqualTo((long) k * LINES);
            }
            List<String> s3Lines = new ArrayList<>();
            s3.objects().forEach(o -> s3Lines.addAll(List.of(o.text().split("\n"))));
            assertThat(s3Lines).as("S3 got every line, in order, once it was back").containsExactlyElementsOf(firehose.lines());
            assertThat(end.process("firetap").exitCode()).isZero();
        }
    }
}
