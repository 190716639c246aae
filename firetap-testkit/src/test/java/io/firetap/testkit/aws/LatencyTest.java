package io.firetap.testkit.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The endpoints' round-trip latency, seen from real SDK clients. Time is only ever checked as a
 * lower bound (a call never answers before its latency has passed); everything else waits on latches.
 */
@Timeout(60)
class LatencyTest {
    private static final Duration LATENCY = Duration.ofMillis(200);

    @Test
    void everyCallAnswersNoSoonerThanItsLatencyWhateverItsOutcome() {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").dataStream("events", 1)
                .latency(LATENCY, Duration.ofMillis(50)).start();
                FirehoseAsyncClient firehose = SdkClients.firehose(aws.endpointUri());
                KinesisAsyncClient kinesis = SdkClients.kinesis(aws.endpointUri(), true)) {
            assertThat(aws.latency()).isEqualTo(LATENCY);
            assertThat(aws.jitter()).isEqualTo(Duration.ofMillis(50));

            long start = System.nanoTime();
            firehose.putRecordBatch(b -> b.deliveryStreamName("logs").records(record("a\n"))).join();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(LATENCY.toNanos());

            start = System.nanoTime();
            kinesis.putRecords(b -> b.streamName("events").records(r -> r.partitionKey("k")
                    .data(SdkBytes.fromUtf8String("b\n")))).join();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(LATENCY.toNanos());

            // a refused call travels the same network
            start = System.nanoTime();
            Throwable refused = catchThrowable(() -> firehose.putRecordBatch(b -> b.deliveryStreamName("missing")
                    .records(record("c\n"))).join());
            assertThat(refused).isNotNull();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(LATENCY.toNanos());

            // and so does an injected failure, with the injected latency on top
            aws.faults().throttleCalls(1.0).latency(Duration.ofMillis(100));
            start = System.nanoTime();
            assertThat(catchThrowable(() -> firehose.putRecordBatch(b -> b.deliveryStreamName("logs")
                    .records(record("d\n"))).join())).isNotNull();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(LATENCY.plusMillis(100).toNanos());
        }
    }

    @Test
    void aCallTakesEffectHalfWayAndAnswersAfterTheRest() {
        AtomicLong stored = new AtomicLong();
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").latency(LATENCY)
                .onAccepted(r -> stored.compareAndSet(0, System.nanoTime())).start();
                FirehoseAsyncClient firehose = SdkClients.firehose(aws.endpointUri())) {
            long start = System.nanoTime();
            firehose.putRecordBatch(b -> b.deliveryStreamName("logs").records(record("a\n"))).join();
            long answered = System.nanoTime();

            assertThat(stored.get() - start).isGreaterThanOrEqualTo(LATENCY.toNanos() / 2);
            assertThat(answered - stored.get()).isGreaterThanOrEqualTo(LATENCY.toNanos() / 2);
        }
    }

    @Test
    void aSlowCallDoesNotHoldBackACallOnAnotherConnection() throws Exception {
        CountDownLatch secondAnswered = new CountDownLatch(1);
        CountDownLatch firstStoring = new CountDownLatch(1);
        // the first call stays inside the endpoint until the second has been answered: if calls
        // waited for each other, the second could never be
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("first").deliveryStream("second").latency(LATENCY)
                .onAccepted(r -> {
                    if (r.streamName().equals("first")) {
                        firstStoring.countDown();
                        awaitQuietly(secondAnswered);
                    }
                }).start();
                FirehoseAsyncClient one = SdkClients.firehose(aws.endpointUri());
                FirehoseAsyncClient two = SdkClients.firehose(aws.endpointUri())) {
            CompletableFuture<PutRecordBatchResponse> first =
                    one.putRecordBatch(b -> b.deliveryStreamName("first").records(record("1\n")));
            assertThat(firstStoring.await(30, TimeUnit.SECONDS)).isTrue();

            PutRecordBatchResponse second = two.putRecordBatch(b -> b.deliveryStreamName("second")
                    .records(record("2\n"))).get(30, TimeUnit.SECONDS);
            assertThat(second.failedPutCount()).isZero();
            assertThat(first).isNotDone();
            secondAnswered.countDown();

            assertThat(first.get(30, TimeUnit.SECONDS).failedPutCount()).isZero();
        }
    }

    private static Record record(String data) {
        return Record.builder().data(SdkBytes.fromUtf8String(data)).build();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
