package io.firetap.testkit.aws.internal;

import io.firetap.testkit.aws.AcceptedRecord;
import io.firetap.testkit.aws.AwsService;
import io.firetap.testkit.aws.DataStreamSpec;
import io.firetap.testkit.aws.Violation;
import io.firetap.testkit.fault.FaultKind;
import io.firetap.testkit.fault.Faults;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kinesis Data Streams {@code PutRecords} and {@code PutRecord}, with the service's limits,
 * shard assignment, sequence numbers, error codes, messages and HTTP statuses.
 *
 * <p>Internal, not for public use.
 */
public final class KinesisService {

    // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html
    public static final int MAX_RECORDS_PER_CALL = 500;
    // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecordsRequestEntry.html
    public static final int MAX_PARTITION_KEY_LENGTH = 256;
    // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecordsRequestEntry.html
    // (the model's bound on Data since streams may allow 10 MiB records; the stream's own limit is checked after it)
    public static final int MAX_DATA_BYTES = 10 * 1024 * 1024;
    // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecordsRequestEntry.html
    public static final String EXPLICIT_HASH_KEY_PATTERN = "0|([1-9]\\d{0,38})";
    // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html
    public static final int MAX_STREAM_ARN_LENGTH = 2048;
    public static final String STREAM_ARN_PATTERN = "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+";

    private final Map<String, DataStream> streams;
    private final String accountId;
    private final Journal journal;
    private final Clock clock;

    public KinesisService(List<DataStreamSpec> specs, Map<String, StreamLedger> ledgers, String accountId,
            Journal journal, Clock clock) {
        Map<String, DataStream> byName = new LinkedHashMap<>();
        for (DataStreamSpec spec : specs) {
            byName.put(spec.name(), new DataStream(spec, ledgers.get(spec.name())));
        }
        this.streams = Map.copyOf(byName);
        this.accountId = accountId;
        this.journal = journal;
        this.clock = clock;
    }

    public Map<String, Operation> operations() {
        Map<String, Operation> ops = new LinkedHashMap<>();
        ops.put("PutRecords", this::putRecords);
        ops.put("PutRecord", this::putRecord);
        return ops;
    }

    /** One entry, read and model-validated. */
    private record Entry(byte[] data, String partitionKey, String explicitHashKey) {
        int size() {
            return data.length + partitionKey.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    private PreparedCall putRecords(Map<String, Object> request, WireFormat format) {
        String name = null;
        DataStream stream = null;
        try {
            name = streamName(request);
            stream = arrive(name);
            List<Map<String, Object>> records = Requests.structures(request, "Records");
            ValidationErrors errors = new ValidationErrors();
            streamMembers(errors, request);
            errors.notNull(records, "records");
            List<Entry> entries = new ArrayList<>();
            if (records != null) {
                errors.lengthAtLeast("[]", records.size(), 1, "records");
                errors.lengthAtMost("[...]", records.size(), MAX_RECORDS_PER_CALL, "records");
                for (int i = 0; i < records.size(); i++) {
                    Map<String, Object> record = records.get(i);
                    String path = "records." + (i + 1) + ".member";
                    errors.notNull(record, path);
                    if (record != null) {
                        entries.add(entry(errors, record, format, path + "."));
                    }
                }
            }
            errors.throwIfAny();
            DataStream target = existing(name, stream);
            long total = 0;
            for (int i = 0; i < entries.size(); i++) {
                recordSize(target, entries.get(i), i + 1);
                total += entries.get(i).size();
            }
            if (total > target.spec.maxCallBytes()) {
                throw ServiceError.invalidArgument("Records size exceeds " + megabytes(target.spec.maxCallBytes()) + " limit");
            }
            return new Call(target, entries, true);
        } catch (MalformedBodyException e) {
            throw refused("PutRecords", name, stream, ServiceError.serialization(e.getMessage()));
        } catch (ServiceError e) {
            throw refused("PutRecords", name, stream, e);
        }
    }

    private PreparedCall putRecord(Map<String, Object> request, WireFormat format) {
        String name = null;
        DataStream stream = null;
        try {
            name = streamName(request);
            stream = arrive(name);
            ValidationErrors errors = new ValidationErrors();
            streamMembers(errors, request);
            Entry entry = entry(errors, request, format, "");
            errors.throwIfAny();
            DataStream target = existing(name, stream);
            recordSize(target, entry, 0);
            return new Call(target, List.of(entry), false);
        } catch (MalformedBodyException e) {
            throw refused("PutRecord", name, stream, ServiceError.serialization(e.getMessage()));
        } catch (ServiceError e) {
            throw refused("PutRecord", name, stream, e);
        }
    }

    private Entry entry(ValidationErrors errors, Map<String, Object> record, WireFormat format, String prefix) {
        byte[] data = Requests.blob(record, "Data", format);
        String key = Requests.string(record, "PartitionKey");
        String explicit = Requests.string(record, "ExplicitHashKey");
        errors.notNull(data, prefix + "data");
        if (data != null) {
            errors.lengthAtMost(ValidationErrors.blob(data), data.length, MAX_DATA_BYTES, prefix + "data");
        }
        errors.notNull(key, prefix + "partitionKey");
        if (key != null) {
            errors.lengthAtLeast(key, key.length(), 1, prefix + "partitionKey");
            errors.lengthAtMost(key, key.length(), MAX_PARTITION_KEY_LENGTH, prefix + "partitionKey");
        }
        errors.pattern(explicit, EXPLICIT_HASH_KEY_PATTERN, prefix + "explicitHashKey");
        return new Entry(data, key, explicit);
    }

    /** Checks the stream's record limit and the hash key range; {@code position} is 1-based, 0 for PutRecord. */
    private static void recordSize(DataStream stream, Entry entry, int position) {
        if (entry.size() > stream.spec.maxRecordBytes()) {
            throw ServiceError.invalidArgument("Record size (data + partition key) of " + entry.size()
                    + " bytes" + (position > 0 ? " at records." + position : "")
                    + " exceeds the maximum record size of " + stream.spec.maxRecordBytes()
                    + " bytes for stream " + stream.spec.name() + ".");
        }
        if (entry.explicitHashKey() != null && new BigInteger(entry.explicitHashKey()).compareTo(ShardMap.MAX_HASH_KEY) > 0) {
            throw ServiceError.invalidArgument("Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. "
                    + "Specified value was " + entry.explicitHashKey());
        }
    }

    private static String streamName(Map<String, Object> request) {
        String name = Requests.string(request, "StreamName");
        String arn = Requests.string(request, "StreamARN");
        if (name == null && arn != null && arn.contains(":stream/")) {
            return arn.substring(arn.indexOf(":stream/") + ":stream/".length());
        }
        return name;
    }

    private static void streamMembers(ValidationErrors errors, Map<String, Object> request) {
        String name = Requests.string(request, "StreamName");
        String arn = Requests.string(request, "StreamARN");
        if (name != null) {
            errors.lengthAtLeast(name, name.length(), 1, "streamName");
            errors.lengthAtMost(name, name.length(), DataStreamSpec.MAX_STREAM_NAME_LENGTH, "streamName");
            errors.pattern(name, DataStreamSpec.STREAM_NAME_PATTERN, "streamName");
        }
        if (arn != null) {
            errors.lengthAtLeast(arn, arn.length(), 1, "streamARN");
            errors.lengthAtMost(arn, arn.length(), MAX_STREAM_ARN_LENGTH, "streamARN");
            errors.pattern(arn, STREAM_ARN_PATTERN, "streamARN");
        }
    }

    private DataStream arrive(String name) {
        DataStream stream = name == null ? null : streams.get(name);
        if (stream != null) {
            stream.ledger.callArrived();
        }
        return stream;
    }

    private DataStream existing(String name, DataStream stream) {
        if (name == null) {
            throw ServiceError.invalidArgument("Either StreamName or StreamARN must be provided.");
        }
        if (stream == null) {
            throw ServiceError.resourceNotFound("Stream " + name + " under account " + accountId + " not found.");
        }
        return stream;
    }

    private ServiceError refused(String operation, String name, DataStream stream, ServiceError error) {
        journal.violation(new Violation(clock.instant(), AwsService.KINESIS, operation, name, error.code(), error.getMessage()),
                stream == null ? null : stream.ledger);
        return error;
    }

    private static String megabytes(long bytes) {
        return bytes % (1024 * 1024) == 0 ? (bytes / (1024 * 1024)) + " MB" : bytes + " bytes";
    }

    /** How Kinesis answers each whole-call fault on {@code stream} ({@code shardId} for per-entry throttling). */
    private ServiceError callFault(FaultKind kind, String stream, String shardId) {
        switch (kind) {
            case THROTTLED_CALL:
                return new ServiceError(400, "ProvisionedThroughputExceededException",
                        "Rate exceeded for stream " + stream + " under account " + accountId + ".");
            case THROTTLED_ENTRY:
                return new ServiceError(400, "ProvisionedThroughputExceededException",
                        "Rate exceeded for shard " + shardId + " in stream " + stream + " under account " + accountId + ".");
            case SERVER_ERROR:
            case FAILED_ENTRY:
                return new ServiceError(500, "InternalFailure", "Internal service failure.");
            case UNAVAILABLE:
                return new ServiceError(503, "ServiceUnavailable", "The service is unavailable. Back off and retry.");
            case OUTAGE:
                return new ServiceError(503, "ServiceUnavailable", "The service is unavailable (outage). Back off and retry.");
            default:
                throw new IllegalArgumentException(kind + " has no error response");
        }
    }

    private final class Call implements PreparedCall {
        private final DataStream stream;
        private final List<Entry> entries;
        private final boolean batch;

        Call(DataStream stream, List<Entry> entries, boolean batch) {
            this.stream = stream;
            this.entries = entries;
            this.batch = batch;
        }

        @Override
        public StreamLedger ledger() {
            return stream.ledger;
        }

        @Override
        public ServiceError fault(FaultKind kind) {
            return callFault(kind, stream.spec.name(), null);
        }

        @Override
        public Map<String, Object> commit(Faults faults, Instant arrival) {
            boolean entryFaults = faults.entryFaultsOn();
            List<AcceptedRecord> accepted = new ArrayList<>(entries.size());
            List<Object> results = new ArrayList<>(entries.size());
            int failed = 0;
            String name = stream.spec.name();
            stream.lock.lock();
            try {
                for (Entry entry : entries) {
                    BigInteger hashKey = entry.explicitHashKey() != null
                            ? new BigInteger(entry.explicitHashKey())
                            : ShardMap.hashKeyOf(entry.partitionKey());
                    int shard = stream.shards.shardOf(hashKey);
                    String shardId = ShardMap.shardId(shard);
                    FaultKind fault = entryFaults ? faults.nextEntry() : null;
                    if (fault != null) {
                        ServiceError error = callFault(fault, name, shardId);
                        if (!batch) {
                            throw error;
                        }
                        Map<String, Object> result = new LinkedHashMap<>();
                        result.put("ErrorCode", error.code());
                        result.put("ErrorMessage", error.getMessage());
                        results.add(result);
                        failed++;
                        continue;
                    }
                    String sequenceNumber = stream.nextSequenceNumber(shard);
                    accepted.add(new AcceptedRecord(AwsService.KINESIS, name, entry.data(), entry.partitionKey(), shardId,
                            sequenceNumber, arrival));
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("SequenceNumber", sequenceNumber);
                    result.put("ShardId", shardId);
                    results.add(result);
                }
                journal.accepted(stream.ledger, accepted, failed);
            } finally {
                stream.lock.unlock();
            }
            Map<String, Object> body = new LinkedHashMap<>();
            if (batch) {
                body.put("FailedRecordCount", failed);
                body.put("Records", results);
                body.put("EncryptionType", "NONE");
            } else {
                body.putAll(castMap(results.get(0)));
                body.put("EncryptionType", "NONE");
            }
            return body;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }
}
