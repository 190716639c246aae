package io.firetap.testkit.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.firetap.testkit.fault.FaultKind;
import io.firetap.testkit.fault.InjectedFaults;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.PutRecordResponse;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.firehose.model.ServiceUnavailableException;

/** Firehose as the real {@link FirehoseAsyncClient} sees it: data, limits and faults. */
class FirehoseEndpointTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int KIB = 1024;

    private static AwsEndpoint aws;
    private static FirehoseAsyncClient firehose;

    @BeforeAll
    static void start() {
        aws = AwsEndpoint.builder()
                .deliveryStream("bytes").deliveryStream("single").deliveryStream("limits")
                .deliveryStream("faults").deliveryStream("seeded")
                .seed(20_150_804)
                .start();
        firehose = SdkClients.firehose(aws.endpointUri());
    }

    @AfterAll
    static void stop() {
        firehose.close();
        aws.close();
    }

    @AfterEach
    void clearFaults() {
        aws.faults().clear();
    }

    @Test
    void acceptedDataRoundTripsByteForByte() {
        byte[][] payloads = {
            "plain line\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            {'n', 'u', 'l', 0, 0, 'x', '\n'},
            {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE, '\n', 'a', '\n'},
            {'\r', '\n', '\n'},
            {'n', 'o', ' ', 'n', 'e', 'w', 'l', 'i', 'n', 'e'},
            {},
        };
        List<Record> records = Arrays.stream(payloads).map(p -> record(p)).collect(Collectors.toList());

        PutRecordBatchResponse response = firehose.putRecordBatch(b -> b.deliveryStreamName("bytes").records(records)).join();

        assertThat(response.failedPutCount()).isZero();
        assertThat(response.encrypted()).isFalse();
        AcceptedStream stream = aws.deliveryStream("bytes");
        List<AcceptedRecord> stored = stream.records();
        assertThat(stored).hasSize(payloads.length);
        for (int i = 0; i < payloads.length; i++) {
            assertThat(stored.get(i).data()).containsExactly(payloads[i]);
            assertThat(stored.get(i).id()).isEqualTo(response.requestResponses().get(i).recordId());
            assertThat(stored.get(i).partitionKey()).isNull();
        }
        assertThat(stream.lineBytes()).containsExactly(
                "plain line".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                new byte[] {'n', 'u', 'l', 0, 0, 'x'},
                new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE},
                new byte[] {'a'},
                new byte[] {'\r'},
                new byte[] {},
                "no newline".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(stream.lines()).hasSize(7).startsWith("plain line").contains("\r", "", "no newline");
        assertThat(response.requestResponses()).extracting(PutRecordBatchResponseEntry::recordId).doesNotHaveDuplicates();
        StreamStats stats = stream.stats();
        assertThat(stats.calls()).isOne();
        assertThat(stats.records()).isEqualTo(payloads.length);
        assertThat(stats.lines()).isEqualTo(7);
        assertThat(stats.payloadBytes()).isEqualTo(Arrays.stream(payloads).mapToLong(p -> p.length).sum());
        assertThat(stats.billedBytes()).isEqualTo(payloads.length * 5_120L);
        assertThat(stats.putPayloadUnits()).isZero();
        assertThat(stream.violations()).isEmpty();
    }

    @Test
    void signaturesAreCheckedAgainstTheSecretWhenAsked() {
        try (AwsEndpoint strict = AwsEndpoint.builder().deliveryStream("signed").verifySignatures("not-a-secret").start();
             FirehoseAsyncClient signed = SdkClients.firehose(strict.endpointUri());
             FirehoseAsyncClient wrongSecret = SdkClients.firehose(strict.endpointUri(),
                     StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFIRETAPTEST", "another-secret")))) {
            signed.putRecordBatch(b -> b.deliveryStreamName("signed").records(record("signed\n".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8)))).join();
            AwsServiceException error = failure(wrongSecret.putRecordBatch(b -> b.deliveryStreamName("signed")
                    .records(record("forged\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)))));

            assertServiceError(error, 400, "InvalidSignatureException");
            assertThat(strict.deliveryStream("signed").lineCount()).isEqualTo(1);
            assertThat(strict.violations()).singleElement()
                    .satisfies(v -> assertThat(v.toString()).contains("InvalidSignatureException"));
        }
    }

    @Test
    void putRecordStoresOneRecord() {
        PutRecordResponse response = firehose.putRecord(b -> b.deliveryStreamName("single").record(record(new byte[6_000]))).join();

        AcceptedStream stream = aws.deliveryStream("single");
        assertThat(stream.records()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo(response.recordId());
            assertThat(r.size()).isEqualTo(6_000);
        });
        assertThat(response.encrypted()).isFalse();
        assertThat(stream.billedBytes()).isEqualTo(10_240);
    }

    @Test
    void moreThanFiveHundredRecordsIsAValidationError() {
        AwsServiceException error = failure(firehose.putRecordBatch(b -> b.deliveryStreamName("limits").records(records(501, 1))));

        assertThat(error).isExactlyInstanceOf(FirehoseException.class);
        assertServiceError(error, 400, "ValidationException");
        assertThat(error.awsErrorDetails().errorMessage())
                .isEqualTo("1 validation error detected: Value '[...]' at 'records' failed to satisfy constraint: "
                        + "Member must have length less than or equal to 500");
        assertNothingAcceptedAndViolation("limits", "ValidationException");
    }

    @Test
    void exactlyFiveHundredRecordsAreAccepted() {
        PutRecordBatchResponse response = firehose.putRecordBatch(b -> b.deliveryStreamName("limits").records(records(500, 1))).join();
        assertThat(response.requestResponses()).hasSize(500);
        assertThat(response.failedPutCount()).isZero();
    }

    @Test
    void emptyAndMissingRecordListsAreValidationErrors() {
        AwsServiceException empty = failure(firehose.putRecordBatch(b -> b.deliveryStreamName("limits").records(List.of())));
        assertServiceError(empty, 400, "ValidationException");
        assertThat(empty.awsErrorDetails().errorMessage()).contains("at 'records'", "greater than or equal to 1");

        AwsServiceException missing = failure(firehose.putRecordBatch(b -> b.deliveryStreamName("limits")));
        assertServiceError(missing, 400, "ValidationException");
        assertThat(missing.awsErrorDetails().errorMessage()).contains("Value null at 'records'", "must not be null");
    }

    @Test
    void aRecordOverOneThousandKibibytesIsAValidationError() {
        List<Record> records = List.of(record(new byte[10]), record(new byte[1_000 * KIB + 1]));

        AwsServiceException error = failure(firehose.putRecordBatch(b -> b.deliveryStreamName("limits").records(records)));

        assertServiceError(error, 400, "ValidationException");
        assertThat(error.awsErrorDetails().errorMessage())
                .isEqualTo("1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1024001 cap=1024001]' "
                        + "at 'records.2.member.data' failed to satisfy constraint: Member must have length less than or equal to 1024000");
        assertNothingAcceptedAndViolation("limits", "ValidationException");
    }

    @Test
    void aRecordOfExactlyOneThousandKibibytesIsAccepted() {
        PutRecordBatchResponse response = firehose.putRecordBatch(b -> b.deliveryStreamName("limits")
                .records(record(new byte[1_000 * KIB]))).join();
        assertThat(response.failedPutCount()).isZero();
    }

    @Test
    void aRecordWithoutDataIsAValidationError() {
        AwsServiceException error = failure(firehose.putRecordBatch(b -> b.deliveryStreamName("limits")
                .records(record(new byte[1]), Record.builder().build())));

        assertServiceError(error, 400, "ValidationException");
        assertThat(error.awsErrorDetails().errorMessage())
                .isEqualTo("1 validation error detected: Value null at 'records.2.member.data' failed to satisfy constraint: "
                        + "Member must not be null");
    }

    @Test
    void moreThanFourMebibytesPerCallIsAnInvalidArgument() {
        List<Record> records = new ArrayList<>(records(4, 1_000 * KIB));
        records.add(record(new byte[4 * KIB * KIB - 4 * 1_000 * KIB + 1]));

        AwsServiceException error = failure(firehose.putRecordBatch(b -> b.deliveryStreamName("limits").records(records)));

        assertThat(error).isInstanceOf(InvalidArgumentException.class);
        assertServiceError(error, 400, "InvalidArgumentException");
        assertThat(error.awsErrorDetails().errorMessage()).isEqualTo("Records size exceeds 4 MB limit");
        assertNothingAcceptedAndViolation("limits", "InvalidArgumentException");
    }

    @Test
    void exactlyFourMebibytesPerCallIsAccepted() {
        List<Record> records = new ArrayList<>(records(4, 1_000 * KIB));
        records.add(record(new byte[4 * KIB * KIB - 4 * 1_000 * KIB]));

        PutRecordBatchResponse response = firehose.putRecordBatch(b -> b.deliveryStreamName("limits").records(records)).join();

        assertThat(response.failedPutCount()).isZero();
        assertThat(response.requestResponses()).hasSize(5);
    }

    @Test
    void anUnknownStreamIsResourceNotFound() {
        int before = aws.violations().size();

        AwsServiceException error = failure(firehose.putRecordBatch(b -> b.deliveryStreamName("nope").records(records(1, 1))));

        assertThat(error).isInstanceOf(ResourceNotFoundException.class);
        assertServiceError(error, 400, "ResourceNotFoundException");
        assertThat(error.awsErrorDetails().errorMessage()).isEqualTo("Firehose nope under account 000000000000 not found.");
        assertThat(aws.violations().subList(before, aws.violations().size())).singleElement()
                .satisfies(v -> assertThat(v.streamName()).isEqualTo("nope"));
    }

    @Test
    void aMissingStreamNameIsAValidationError() {
        AwsServiceException error = failure(firehose.putRecordBatch(b -> b.records(records(1, 1))));
        assertServiceError(error, 400, "ValidationException");
        assertThat(error.awsErrorDetails().errorMessage()).contains("Value null at 'deliveryStreamName'");
    }

    @Test
    void aValidCallIsRefusedForItsContentEvenWhenFaultsAreOn() {
        aws.faults().throttleCalls(1.0);
        AwsServiceException error = failure(firehose.putRecordBatch(b -> b.deliveryStreamName("limits").records(records(501, 1))));
        assertServiceError(error, 400, "ValidationException");
    }

    @Test
    void throttledCallsAreServiceUnavailable() {
        long before = injected().count(FaultKind.THROTTLED_CALL);
        aws.faults().throttleCalls(1.0);

        AwsServiceException error = failure(firehose.putRecordBatch(b -> b.deliveryStreamName("faults").records(records(3, 10))));

        assertThat(error).isInstanceOf(ServiceUnavailableException.class);
        assertServiceError(error, 503, "ServiceUnavailableException");
        assertThat(injected().count(FaultKind.THROTTLED_CALL)).isEqualTo(before + 1);
        assertThat(aws.deliveryStream("faults").violations()).isEmpty();
    }

    @Test
    void partialFailuresFailOnlySomeEntries() {
        InjectedFaults before = injected();
        long storedBefore = aws.deliveryStream("faults").recordCount();
        aws.faults().failEntries(0.5);

        PutRecordBatchResponse response = firehose.putRecordBatch(b -> b.deliveryStreamName("faults").records(records(200, 10))).join();

        List<PutRecordBatchResponseEntry> failed = response.requestResponses().stream().filter(e -> e.errorCode() != null).toList();
        assertThat(failed).isNotEmpty().hasSizeLessThan(200);
        assertThat(response.failedPutCount()).isEqualTo(failed.size());
        assertThat(failed).allSatisfy(e -> {
            assertThat(e.errorCode()).isEqualTo("ServiceUnavailableException");
            assertThat(e.errorMessage()).isEqualTo("Slow down.");
            assertThat(e.recordId()).isNull();
        });
        assertThat(aws.deliveryStream("faults").recordCount() - storedBefore).isEqualTo(200 - failed.size());
        assertThat(injected().count(FaultKind.THROTTLED_ENTRY) - before.count(FaultKind.THROTTLED_ENTRY)).isEqualTo(failed.size());
    }

    @Test
    void internalEntryFailuresCarryInternalFailure() {
        aws.faults().failEntriesInternally(1.0);

        PutRecordBatchResponse response = firehose.putRecordBatch(b -> b.deliveryStreamName("faults").records(records(3, 10))).join();

        assertThat(response.failedPutCount()).isEqualTo(3);
        assertThat(response.requestResponses()).extracting(PutRecordBatchResponseEntry::errorCode).containsOnly("InternalFailure");
    }

    @Test
    void anEntryFaultFailsASinglePutRecordCall() {
        aws.faults().failEntries(1.0);
        AwsServiceException error = failure(firehose.putRecord(b -> b.deliveryStreamName("faults").record(record(new byte[1]))));
        assertThat(error).isInstanceOf(ServiceUnavailableException.class);
        assertServiceError(error, 503, "ServiceUnavailableException");
    }

    @Test
    void sameSeedSameFailuresForTheSameCalls() {
        List<Integer> first = failedPositions();
        List<Integer> second = failedPositions();
        assertThat(first).isNotEmpty().isEqualTo(second);
    }

    @Test
    void serverErrorsAreHttp500InternalFailure() {
        aws.faults().serverErrors(1.0);
        AwsServiceException error = failure(firehose.putRecordBatch(b -> b.deliveryStreamName("faults").records(records(1, 1))));
        assertThat(error).isExactlyInstanceOf(FirehoseException.class);
        assertServiceError(error, 500, "InternalFailure");
    }

    @Test
    void unavailableIsHttp503() {
        aws.faults().unavailable(1.0);
        AwsServiceException error = failure(firehose.putRecordBatch(b -> b.deliveryStreamName("faults").records(records(1, 1))));
        assertServiceError(error, 503, "ServiceUnavailableException");
    }

    @Test
    void anOutageFailsEveryCallUntilCleared() {
        long storedBefore = aws.deliveryStream("faults").recordCount();
        long outagesBefore = injected().count(FaultKind.OUTAGE);
        aws.faults().outageFor(Duration.ofHours(1));

        for (int i = 0; i < 3; i++) {
            assertServiceError(failure(firehose.putRecordBatch(b -> b.deliveryStreamName("faults").records(records(2, 1)))),
                    503, "ServiceUnavailableException");
        }
        aws.faults().clear();
        PutRecordBatchResponse after = firehose.putRecordBatch(b -> b.deliveryStreamName("faults").records(records(2, 1))).join();

        assertThat(after.failedPutCount()).isZero();
        assertThat(aws.deliveryStream("faults").recordCount()).isEqualTo(storedBefore + 2);
        assertThat(injected().count(FaultKind.OUTAGE)).isEqualTo(outagesBefore + 3);
    }

    @Test
    void aResetConnectionIsAClientErrorAndStoresNothing() {
        long storedBefore = aws.deliveryStream("faults").recordCount();
        aws.faults().resetConnections(1.0);

        Throwable error = catchThrowable(() -> firehose.putRecordBatch(b -> b.deliveryStreamName("faults").records(records(2, 1))).join());

        assertThat(error).isInstanceOf(CompletionException.class).cause().isInstanceOf(SdkClientException.class);
        assertThat(aws.deliveryStream("faults").recordCount()).isEqualTo(storedBefore);
    }

    @Test
    void aLostResponseIsAClientErrorButTheRecordsLanded() {
        long storedBefore = aws.deliveryStream("faults").recordCount();
        aws.faults().dropResponses(1.0);

        Throwable error = catchThrowable(() -> firehose.putRecordBatch(b -> b.deliveryStreamName("faults").records(records(2, 1))).join());

        assertThat(error).cause().isInstanceOf(SdkClientException.class);
        assertThat(aws.deliveryStream("faults").recordCount()).isEqualTo(storedBefore + 2);
    }

    @Test
    void refusedConnectionsFailToConnectUntilCleared() {
        aws.faults().refuseConnectionsFor(Duration.ofHours(1));

        Throwable error = catchThrowable(() -> firehose.putRecordBatch(b -> b.deliveryStreamName("faults").records(records(1, 1))).join());
        assertThat(error).cause().isInstanceOf(SdkClientException.class).hasRootCauseInstanceOf(ConnectException.class);

        aws.faults().clear();
        assertThat(firehose.putRecordBatch(b -> b.deliveryStreamName("faults").records(records(1, 1))).join().failedPutCount()).isZero();
    }

    @Test
    void latencyHoldsTheAnswerBack() throws InterruptedException {
        long storedBefore = aws.deliveryStream("faults").recordCount();
        aws.faults().latency(Duration.ofSeconds(1));

        Throwable error = catchThrowable(() -> firehose.putRecordBatch(b -> b.deliveryStreamName("faults").records(records(1, 1))
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMillis(100)))).join());

        assertThat(error).cause().isInstanceOf(ApiCallTimeoutException.class);
        // The endpoint still finishes the call after its delay, like a slow service would.
        assertThat(aws.deliveryStream("faults").awaitRecords(storedBefore + 1, WAIT)).isTrue();
        assertThat(injected().count(FaultKind.LATENCY)).isPositive();
    }

    private List<Integer> failedPositions() {
        aws.faults().clear().reseed(99).failEntries(0.3);
        PutRecordBatchResponse response = firehose.putRecordBatch(b -> b.deliveryStreamName("seeded").records(records(50, 1))).join();
        return IntStream.range(0, 50).filter(i -> response.requestResponses().get(i).errorCode() != null).boxed().toList();
    }

    private static void assertNothingAcceptedAndViolation(String stream, String errorCode) {
        AcceptedStream accepted = aws.deliveryStream(stream);
        assertThat(accepted.violations()).last().satisfies(v -> {
            assertThat(v.service()).isEqualTo(AwsService.FIREHOSE);
            assertThat(v.operation()).isEqualTo("PutRecordBatch");
            assertThat(v.streamName()).isEqualTo(stream);
            assertThat(v.errorCode()).isEqualTo(errorCode);
        });
        assertThat(accepted.stats().calls()).isGreaterThanOrEqualTo(accepted.violations().size());
    }

    static void assertServiceError(AwsServiceException error, int status, String code) {
        assertThat(error.statusCode()).isEqualTo(status);
        assertThat(error.awsErrorDetails().errorCode()).isEqualTo(code);
    }

    static AwsServiceException failure(java.util.concurrent.CompletableFuture<?> call) {
        Throwable thrown = catchThrowable(call::join);
        assertThat(thrown).isInstanceOf(CompletionException.class).cause().isInstanceOf(AwsServiceException.class);
        return (AwsServiceException) thrown.getCause();
    }

    private static InjectedFaults injected() {
        return aws.faults().injected();
    }

    private static Record record(byte[] data) {
        return Record.builder().data(SdkBytes.fromByteArray(data)).build();
    }

    private static List<Record> records(int count, int size) {
        return IntStream.range(0, count).mapToObj(i -> record(new byte[size])).toList();
    }
}
