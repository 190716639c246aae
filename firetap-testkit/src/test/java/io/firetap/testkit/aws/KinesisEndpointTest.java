package io.firetap.testkit.aws;

import static io.firetap.testkit.aws.FirehoseEndpointTest.assertServiceError;
import static io.firetap.testkit.aws.FirehoseEndpointTest.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.testkit.fault.FaultKind;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ValidationException;

/**
 * Kinesis as the real {@link KinesisAsyncClient} sees it, in both encodings the SDK can speak:
 * CBOR (its default) and JSON ({@code aws.cborEnabled=false}).
 */
class KinesisEndpointTest {
    private static final int MIB = 1024 * 1024;
    private static final BigInteger TWO_TO_128 = BigInteger.ONE.shiftLeft(128);

    private static AwsEndpoint aws;
    private static KinesisAsyncClient cborClient;
    private static KinesisAsyncClient jsonClient;

    @BeforeAll
    static void start() {
        aws = AwsEndpoint.builder()
                .dataStream("bytes-cbor", 2).dataStream("bytes-json", 2)
                .dataStream("shards", 4)
                .dataStream("limits", 1)
                .dataStream(DataStreamSpec.of("large", 1).withMaxRecordBytes(10 * MIB).withMaxCallBytes(10 * MIB))
                .dataStream("faults", 2)
                .start();
        cborClient = SdkClients.kinesis(aws.endpointUri(), true);
        jsonClient = SdkClients.kinesis(aws.endpointUri(), false);
    }

    @AfterAll
    static void stop() {
        cborClient.close();
        jsonClient.close();
        aws.close();
    }

    @AfterEach
    void clearFaults() {
        aws.faults().clear();
    }

    @ParameterizedTest(name = "cbor={0}")
    @ValueSource(booleans = {true, false})
    void acceptedDataRoundTripsByteForByteInEitherEncoding(boolean cbor) {
        String stream = cbor ? "bytes-cbor" : "bytes-json";
        long cborCalls = aws.calls(true);
        long jsonCalls = aws.calls(false);
        byte[][] payloads = {
            {'a', 0, 'b', '\n'},
            {(byte) 0xC3, 0x28, (byte) 0xFF, '\n'},
            new byte[70_000],
            {},
        };
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < payloads.length; i++) {
            entries.add(entry("key-" + i, payloads[i]));
        }

        PutRecordsResponse response = client(cbor).putRecords(b -> b.streamName(stream).records(entries)).join();

        assertThat(response.failedRecordCount()).isZero();
        List<AcceptedRecord> stored = aws.dataStream(stream).records();
        assertThat(stored).hasSize(payloads.length);
        for (int i = 0; i < payloads.length; i++) {
            assertThat(stored.get(i).data()).containsExactly(payloads[i]);
            assertThat(stored.get(i).partitionKey()).isEqualTo("key-" + i);
            assertThat(stored.get(i).id()).isEqualTo(response.records().get(i).sequenceNumber());
            assertThat(stored.get(i).shardId()).isEqualTo(response.records().get(i).shardId());
        }
        assertThat(aws.dataStream(stream).putPayloadUnits()).isEqualTo(1 + 1 + 3 + 1);
        assertThat(aws.dataStream(stream).billedBytes()).isZero();
        // The answer came back in the request's encoding, or the SDK could not have parsed it.
        assertThat(aws.calls(true) - cborCalls).isEqualTo(cbor ? 1 : 0);
        assertThat(aws.calls(false) - jsonCalls).isEqualTo(cbor ? 0 : 1);
    }

    @ParameterizedTest(name = "cbor={0}")
    @ValueSource(booleans = {true, false})
    void putRecordStoresOneRecord(boolean cbor) {
        PutRecordResponse response = client(cbor).putRecord(b -> b.streamName("shards").partitionKey("single")
                .data(SdkBytes.fromUtf8String("one\n"))).join();

        assertThat(response.shardId()).isEqualTo("shardId-00000000000" + expectedShard("single", 4));
        assertThat(aws.dataStream("shards").records()).filteredOn(r -> r.id().equals(response.sequenceNumber()))
                .singleElement().satisfies(r -> assertThat(r.text()).isEqualTo("one\n"));
    }

    @Test
    void shardsAreChosenByTheMd5OfThePartitionKey() {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            entries.add(entry("pk-" + (i % 40), ("line " + i + "\n").getBytes(StandardCharsets.UTF_8)));
        }

        PutRecordsResponse response = cborClient.putRecords(b -> b.streamName("shards").records(entries)).join();

        Map<String, String> shardOfKey = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            String key = "pk-" + (i % 40);
            String shard = response.records().get(i).shardId();
            assertThat(shard).isEqualTo("shardId-00000000000" + expectedShard(key, 4));
            assertThat(shardOfKey.putIfAbsent(key, shard)).isIn(null, shard);
        }
        assertThat(shardOfKey.values()).containsOnly("shardId-000000000000", "shardId-000000000001",
                "shardId-000000000002", "shardId-000000000003");
    }

    @Test
    void anExplicitHashKeyOverridesThePartitionKey() {
        BigInteger width = TWO_TO_128.divide(BigInteger.valueOf(4));
        List<PutRecordsRequestEntry> entries = List.of(
                explicit(width.multiply(BigInteger.TWO)),
                explicit(width.multiply(BigInteger.TWO).subtract(BigInteger.ONE)),
                explicit(BigInteger.ZERO),
                explicit(TWO_TO_128.subtract(BigInteger.ONE)));

        PutRecordsResponse response = cborClient.putRecords(b -> b.streamName("shards").records(entries)).join();

        assertThat(response.records()).extracting(PutRecordsResultEntry::shardId).containsExactly(
                "shardId-000000000002", "shardId-000000000001", "shardId-000000000000", "shardId-000000000003");
    }

    @Test
    void anExplicitHashKeyBeyondTheSpaceIsAnInvalidArgument() {
        AwsServiceException error = failure(cborClient.putRecords(b -> b.streamName("shards").records(explicit(TWO_TO_128))));
        assertThat(error).isInstanceOf(InvalidArgumentException.class);
        assertServiceError(error, 400, "InvalidArgumentException");
        assertThat(error.awsErrorDetails().errorMessage()).startsWith("Invalid ExplicitHashKey.");
    }

    @Test
    void sequenceNumbersGrowWithinEachShard() {
        for (int call = 0; call < 3; call++) {
            List<PutRecordsRequestEntry> entries = IntStream.range(0, 50)
                    .mapToObj(i -> entry("seq-" + i, new byte[] {'x', '\n'})).toList();
            (call % 2 == 0 ? cborClient : jsonClient).putRecords(b -> b.streamName("shards").records(entries)).join();
        }

        Map<String, BigInteger> last = new HashMap<>();
        for (AcceptedRecord record : aws.dataStream("shards").records()) {
            BigInteger sequence = new BigInteger(record.id());
            BigInteger previous = last.put(record.shardId(), sequence);
            if (previous != null) {
                assertThat(sequence).isGreaterThan(previous);
            }
        }
        assertThat(last).hasSize(4);
    }

    @ParameterizedTest(name = "cbor={0}")
    @ValueSource(booleans = {true, false})
    void moreThanFiveHundredRecordsIsAValidationError(boolean cbor) {
        List<PutRecordsRequestEntry> entries = IntStream.range(0, 501).mapToObj(i -> entry("k", new byte[1])).toList();

        AwsServiceException error = failure(client(cbor).putRecords(b -> b.streamName("limits").records(entries)));

        assertThat(error).isInstanceOf(ValidationException.class);
        assertServiceError(error, 400, "ValidationException");
        assertThat(error.awsErrorDetails().errorMessage()).contains("at 'records'", "less than or equal to 500");
        assertThat(aws.dataStream("limits").violations()).last().satisfies(v -> {
            assertThat(v.service()).isEqualTo(AwsService.KINESIS);
            assertThat(v.operation()).isEqualTo("PutRecords");
            assertThat(v.errorCode()).isEqualTo("ValidationException");
        });
    }

    @Test
    void moreThanFiveMebibytesPerCallCountingPartitionKeysIsAnInvalidArgument() {
        // Five records of exactly 1 MiB each (data + a one-character key) make 5 MiB; one more key byte breaks it.
        List<PutRecordsRequestEntry> atLimit = IntStream.range(0, 5).mapToObj(i -> entry("k", new byte[MIB - 1])).toList();
        List<PutRecordsRequestEntry> over = new ArrayList<>(atLimit.subList(0, 4));
        over.add(entry("kk", new byte[MIB - 2]));
        over.add(entry("z", new byte[0]));

        assertThat(cborClient.putRecords(b -> b.streamName("limits").records(atLimit)).join().failedRecordCount()).isZero();
        AwsServiceException error = failure(cborClient.putRecords(b -> b.streamName("limits").records(over)));

        assertThat(error).isInstanceOf(InvalidArgumentException.class);
        assertServiceError(error, 400, "InvalidArgumentException");
        assertThat(error.awsErrorDetails().errorMessage()).isEqualTo("Records size exceeds 5 MB limit");
    }

    @Test
    void aRecordOverOneMebibyteCountingItsPartitionKeyIsAnInvalidArgument() {
        AwsServiceException error = failure(cborClient.putRecords(b -> b.streamName("limits")
                .records(entry("k", new byte[1]), entry("kk", new byte[MIB - 1]))));

        assertThat(error).isInstanceOf(InvalidArgumentException.class);
        assertServiceError(error, 400, "InvalidArgumentException");
        assertThat(error.awsErrorDetails().errorMessage()).contains("records.2", "1048577", "1048576");
        assertThat(cborClient.putRecords(b -> b.streamName("limits").records(entry("kk", new byte[MIB - 2]))).join()
                .failedRecordCount()).isZero();
    }

    @Test
    void aStreamCanAllowLargerRecords() {
        PutRecordsResponse response = cborClient.putRecords(b -> b.streamName("large").records(entry("k", new byte[3 * MIB]))).join();
        assertThat(response.failedRecordCount()).isZero();
        assertThat(aws.dataStream("large").payloadBytes()).isEqualTo(3L * MIB);
        assertThat(aws.dataStream("large").putPayloadUnits()).isEqualTo(123);
    }

    @ParameterizedTest(name = "cbor={0}")
    @ValueSource(booleans = {true, false})
    void partitionKeysMustHaveOneTo256Characters(boolean cbor) {
        KinesisAsyncClient client = client(cbor);
        String longest = "k".repeat(256);
        assertThat(client.putRecords(b -> b.streamName("limits").records(entry(longest, new byte[1]))).join()
                .failedRecordCount()).isZero();

        AwsServiceException tooLong = failure(client.putRecords(b -> b.streamName("limits").records(entry(longest + "k", new byte[1]))));
        assertThat(tooLong).isInstanceOf(ValidationException.class);
        assertThat(tooLong.awsErrorDetails().errorMessage())
                .contains("at 'records.1.member.partitionKey'", "less than or equal to 256");

        AwsServiceException empty = failure(client.putRecords(b -> b.streamName("limits").records(entry("", new byte[1]))));
        assertServiceError(empty, 400, "ValidationException");
        assertThat(empty.awsErrorDetails().errorMessage()).contains("greater than or equal to 1");

        AwsServiceException missing = failure(client.putRecords(b -> b.streamName("limits")
                .records(PutRecordsRequestEntry.builder().data(SdkBytes.fromUtf8String("x")).build())));
        assertServiceError(missing, 400, "ValidationException");
        assertThat(missing.awsErrorDetails().errorMessage())
                .isEqualTo("1 validation error detected: Value null at 'records.1.member.partitionKey' failed to satisfy "
                        + "constraint: Member must not be null");
    }

    @Test
    void putRecordChecksItsPartitionKeyToo() {
        AwsServiceException error = failure(cborClient.putRecord(b -> b.streamName("limits").data(SdkBytes.fromUtf8String("x"))));
        assertServiceError(error, 400, "ValidationException");
        assertThat(error.awsErrorDetails().errorMessage()).contains("Value null at 'partitionKey'");
    }

    @ParameterizedTest(name = "cbor={0}")
    @ValueSource(booleans = {true, false})
    void anUnknownStreamIsResourceNotFound(boolean cbor) {
        AwsServiceException error = failure(client(cbor).putRecords(b -> b.streamName("nope").records(entry("k", new byte[1]))));
        assertThat(error).isInstanceOf(ResourceNotFoundException.class);
        assertServiceError(error, 400, "ResourceNotFoundException");
        assertThat(error.awsErrorDetails().errorMessage()).isEqualTo("Stream nope under account 000000000000 not found.");
    }

    @Test
    void aStreamArnWorksInPlaceOfTheName() {
        PutRecordsResponse response = cborClient.putRecords(b -> b.streamARN("arn:aws:kinesis:us-east-1:000000000000:stream/limits")
                .records(entry("k", new byte[] {'a', '\n'}))).join();
        assertThat(response.failedRecordCount()).isZero();
    }

    @ParameterizedTest(name = "cbor={0}")
    @ValueSource(booleans = {true, false})
    void throttledCallsAreProvisionedThroughputExceeded(boolean cbor) {
        aws.faults().throttleCalls(1.0);

        AwsServiceException error = failure(client(cbor).putRecords(b -> b.streamName("faults").records(entry("k", new byte[1]))));

        assertThat(error).isInstanceOf(ProvisionedThroughputExceededException.class);
        assertServiceError(error, 400, "ProvisionedThroughputExceededException");
        assertThat(error.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded for stream faults under account 000000000000.");
    }

    @ParameterizedTest(name = "cbor={0}")
    @ValueSource(booleans = {true, false})
    void partialFailuresFailOnlySomeEntries(boolean cbor) {
        long storedBefore = aws.dataStream("faults").recordCount();
        long injectedBefore = aws.faults().injected().failedEntries();
        aws.faults().failEntries(0.3).failEntriesInternally(0.2);
        List<PutRecordsRequestEntry> entries = IntStream.range(0, 300).mapToObj(i -> entry("k" + i, new byte[] {'x', '\n'})).toList();

        PutRecordsResponse response = client(cbor).putRecords(b -> b.streamName("faults").records(entries)).join();

        List<PutRecordsResultEntry> failed = response.records().stream().filter(r -> r.errorCode() != null).toList();
        assertThat(response.failedRecordCount()).isEqualTo(failed.size());
        assertThat(failed).extracting(PutRecordsResultEntry::errorCode)
                .contains("ProvisionedThroughputExceededException", "InternalFailure")
                .containsOnly("ProvisionedThroughputExceededException", "InternalFailure");
        assertThat(failed).allSatisfy(r -> {
            assertThat(r.sequenceNumber()).isNull();
            assertThat(r.shardId()).isNull();
            if (r.errorCode().equals("InternalFailure")) {
                assertThat(r.errorMessage()).isEqualTo("Internal service failure.");
            } else {
                assertThat(r.errorMessage()).matches("Rate exceeded for shard shardId-00000000000[01] in stream faults "
                        + "under account 000000000000\\.");
            }
        });
        assertThat(aws.dataStream("faults").recordCount() - storedBefore).isEqualTo(300 - failed.size());
        assertThat(aws.faults().injected().failedEntries() - injectedBefore).isEqualTo(failed.size());
    }

    @Test
    void anEntryFaultFailsASinglePutRecordCall() {
        aws.faults().failEntries(1.0);
        AwsServiceException error = failure(cborClient.putRecord(b -> b.streamName("faults").partitionKey("k")
                .data(SdkBytes.fromUtf8String("x"))));
        assertThat(error).isInstanceOf(ProvisionedThroughputExceededException.class);
        assertThat(error.awsErrorDetails().errorMessage()).startsWith("Rate exceeded for shard shardId-");
    }

    @ParameterizedTest(name = "cbor={0}")
    @ValueSource(booleans = {true, false})
    void serverErrorsAndUnavailabilityAre5xx(boolean cbor) {
        aws.faults().serverErrors(1.0);
        AwsServiceException internal = failure(client(cbor).putRecords(b -> b.streamName("faults").records(entry("k", new byte[1]))));
        assertThat(internal).isExactlyInstanceOf(KinesisException.class);
        assertServiceError(internal, 500, "InternalFailure");

        aws.faults().clear().outageFor(java.time.Duration.ofHours(1));
        AwsServiceException outage = failure(client(cbor).putRecords(b -> b.streamName("faults").records(entry("k", new byte[1]))));
        assertServiceError(outage, 503, "ServiceUnavailable");
        assertThat(aws.faults().injected().count(FaultKind.OUTAGE)).isPositive();
    }

    private static KinesisAsyncClient client(boolean cbor) {
        return cbor ? cborClient : jsonClient;
    }

    /** The shard a key lands on, worked out here independently of the endpoint's code. */
    private static int expectedShard(String partitionKey, int shards) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(partitionKey.getBytes(StandardCharsets.UTF_8));
            BigInteger hash = new BigInteger(1, md5);
            return Math.min(shards - 1, hash.divide(TWO_TO_128.divide(BigInteger.valueOf(shards))).intValue());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static PutRecordsRequestEntry entry(String key, byte[] data) {
        return PutRecordsRequestEntry.builder().partitionKey(key).data(SdkBytes.fromByteArray(data)).build();
    }

    private static PutRecordsRequestEntry explicit(BigInteger hashKey) {
        return PutRecordsRequestEntry.builder().partitionKey("ignored").explicitHashKey(hashKey.toString())
                .data(SdkBytes.fromUtf8String("x\n")).build();
    }
}
