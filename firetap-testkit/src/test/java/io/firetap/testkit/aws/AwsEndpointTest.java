package io.firetap.testkit.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.firetap.testkit.aws.internal.Cbor;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/** The endpoint as a server: one port for both services, the raw protocol, and its lifecycle. */
class AwsEndpointTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void bothServicesShareOnePort() throws InterruptedException {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").dataStream("events", 3).start();
                FirehoseAsyncClient firehose = SdkClients.firehose(aws.endpointUri());
                KinesisAsyncClient kinesis = SdkClients.kinesis(aws.endpointUri(), true)) {
            firehose.putRecordBatch(b -> b.deliveryStreamName("logs")
                    .records(Record.builder().data(SdkBytes.fromUtf8String("to firehose\n")).build())).join();
            kinesis.putRecords(b -> b.streamName("events")
                    .records(PutRecordsRequestEntry.builder().partitionKey("k").data(SdkBytes.fromUtf8String("to kinesis\n")).build()))
                    .join();

            assertThat(aws.deliveryStream("logs").awaitLines(1, Duration.ofSeconds(10))).isTrue();
            assertThat(aws.deliveryStream("logs").lines()).containsExactly("to firehose");
            assertThat(aws.dataStream("events").lines()).containsExactly("to kinesis");
            assertThat(aws.streams()).extracting(AcceptedStream::name).containsExactly("logs", "events");
            assertThat(aws.violations()).isEmpty();
        }
    }

    @Test
    void answersJsonErrorsInTheServiceShape() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start()) {
            HttpResponse<String> unknown = post(aws, "Firehose_20150804.DescribeDeliveryStream", "application/x-amz-json-1.1", "{}");
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.1");
            assertThat(unknown.headers().firstValue("x-amzn-ErrorType")).hasValue("UnknownOperationException");
            assertThat(unknown.body()).contains("\"__type\":\"UnknownOperationException\"");

            HttpResponse<String> malformed = post(aws, "Firehose_20150804.PutRecordBatch", "application/x-amz-json-1.1", "{\"Records\": [");
            assertThat(malformed.statusCode()).isEqualTo(400);
            assertThat(malformed.body()).contains("\"__type\":\"SerializationException\"");

            HttpResponse<String> notBase64 = post(aws, "Firehose_20150804.PutRecordBatch", "application/x-amz-json-1.1",
                    "{\"DeliveryStreamName\":\"logs\",\"Records\":[{\"Data\":\"%%%\"}]}");
            assertThat(notBase64.body()).contains("\"__type\":\"SerializationException\"");

            assertThat(aws.violations()).extracting(Violation::errorCode)
                    .containsExactly("UnknownOperationException", "SerializationException", "SerializationException");
            assertThat(aws.violations().get(0).service()).isEqualTo(AwsService.FIREHOSE);
            assertThat(aws.violations().get(0).operation()).isEqualTo("DescribeDeliveryStream");
            assertThat(aws.deliveryStream("logs").violations()).hasSize(1);
        }
    }

    @Test
    void answersCborRequestsInCbor() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().dataStream("events", 1).start()) {
            byte[] request = Cbor.encode(Map.of("StreamName", "events",
                    "Records", List.of(Map.of("PartitionKey", "k", "Data", new byte[] {0, 1, 2}))));
            HttpResponse<byte[]> ok = HTTP.send(HttpRequest.newBuilder(aws.endpointUri())
                    .header("X-Amz-Target", "Kinesis_20131202.PutRecords")
                    .header("Content-Type", "application/x-amz-cbor-1.1")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(), HttpResponse.BodyHandlers.ofByteArray());

            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/x-amz-cbor-1.1");
            @SuppressWarnings("unchecked")
            Map<Object, Object> body = (Map<Object, Object>) Cbor.decode(ok.body());
            assertThat(body.get("FailedRecordCount")).isEqualTo(0L);
            assertThat(aws.dataStream("events").records()).singleElement()
                    .satisfies(r -> assertThat(r.data()).containsExactly(0, 1, 2));

            HttpResponse<byte[]> bad = HTTP.send(HttpRequest.newBuilder(aws.endpointUri())
                    .header("X-Amz-Target", "Kinesis_20131202.PutRecords")
                    .header("Content-Type", "application/x-amz-cbor-1.1")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xBF})).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(Cbor.decode(bad.body())).isInstanceOf(Map.class)
                    .satisfies(m -> assertThat(((Map<?, ?>) m).get("__type")).isEqualTo("SerializationException"));
        }
    }

    @Test
    void aGetShowsTheEndpointIsUp() throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").start()) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(aws.endpointUri()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("firetap");
        }
    }

    @Test
    void theKinesisClientsHttp2DefaultCannotReachAPlainHttpEndpoint() {
        // Why every Kinesis client in these tests (and in the sink) asks for HTTP/1.1.
        try (AwsEndpoint aws = AwsEndpoint.builder().dataStream("events", 1).start();
                KinesisAsyncClient kinesis = KinesisAsyncClient.builder()
                        .endpointOverride(aws.endpointUri())
                        .region(Region.US_EAST_1)
                        .credentialsProvider(SdkClients.FAKE_CREDENTIALS)
                        .httpClientBuilder(SdkClients.netty())
                        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(30)))
                        .build()) {
            Throwable error = catchThrowable(() -> kinesis.putRecords(b -> b.streamName("events")
                    .records(PutRecordsRequestEntry.builder().partitionKey("k").data(SdkBytes.fromUtf8String("x")).build())).join());

            assertThat(error).cause().isInstanceOf(SdkClientException.class).hasMessageContaining("First received frame was not SETTINGS");
            assertThat(aws.dataStream("events").recordCount()).isZero();
        }
    }

    @Test
    void lifecycleIsCleanAndIdempotent() {
        AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").build();
        assertThatThrownBy(aws::endpointUri).isInstanceOf(IllegalStateException.class);
        aws.start();
        aws.start();
        URI uri = aws.endpointUri();
        assertThat(uri.getScheme()).isEqualTo("http");
        assertThat(uri.getHost()).isEqualTo("127.0.0.1");
        assertThat(uri.getPort()).isEqualTo(aws.port()).isPositive();
        aws.close();
        aws.close();
        assertThat(catchThrowable(() -> HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString())))
                .isInstanceOf(ConnectException.class);
        assertThatThrownBy(aws::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void retainRecordsOffKeepsOnlyCounters() {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("bench").retainRecords(false).start();
                FirehoseAsyncClient firehose = SdkClients.firehose(aws.endpointUri())) {
            firehose.putRecordBatch(b -> b.deliveryStreamName("bench")
                    .records(Record.builder().data(SdkBytes.fromUtf8String("a\nb\n")).build())).join();
            assertThat(aws.deliveryStream("bench").lineCount()).isEqualTo(2);
            assertThatThrownBy(() -> aws.deliveryStream("bench").records()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("retainRecords(false)");
        }
    }

    @Test
    void builderRejectsWhatTheServiceWouldNotCreate() {
        assertThatThrownBy(() -> AwsEndpoint.builder().deliveryStream("has space")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AwsEndpoint.builder().deliveryStream("x".repeat(65))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AwsEndpoint.builder().deliveryStream("a").deliveryStream("a")).hasMessageContaining("twice");
        assertThatThrownBy(() -> AwsEndpoint.builder().dataStream("events", 0)).hasMessageContaining("shardCount");
        assertThatThrownBy(() -> DataStreamSpec.of("events", 1).withMaxRecordBytes(11 * 1024 * 1024))
                .hasMessageContaining("maxRecordBytes");
        assertThatThrownBy(() -> AwsEndpoint.builder().accountId("123")).hasMessageContaining("12 digits");
        assertThatThrownBy(() -> AwsEndpoint.builder().port(-1)).isInstanceOf(IllegalArgumentException.class);
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").build()) {
            assertThatThrownBy(() -> aws.dataStream("logs")).hasMessageContaining("no data stream named 'logs'");
        }
    }

    private static HttpResponse<String> post(AwsEndpoint aws, String target, String contentType, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(aws.endpointUri())
                .header("X-Amz-Target", target)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
