package io.firetap.testkit.aws.internal;

import io.firetap.testkit.aws.AcceptedRecord;
import io.firetap.testkit.aws.AwsService;
import io.firetap.testkit.aws.Violation;
import io.firetap.testkit.fault.FaultKind;
import io.firetap.testkit.fault.Faults;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Amazon Data Firehose {@code PutRecordBatch} and {@code PutRecord}, with the service's limits,
 * error codes, messages and HTTP statuses.
 *
 * <p>Internal, not for public use.
 */
public final class FirehoseService {

    // https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html
    public static final int MAX_RECORDS_PER_CALL = 500;
    // https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html
    public static final long MAX_BYTES_PER_CALL = 4L * 1024 * 1024;
    // https://docs.aws.amazon.com/firehose/latest/APIReference/API_Record.html
    public static final int MAX_RECORD_BYTES = 1_000 * 1024;
    // https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html#API_PutRecordBatch_RequestParameters
    public static final int MAX_STREAM_NAME_LENGTH = 64;
    public static final String STREAM_NAME_PATTERN = "[a-zA-Z0-9_.-]+";

    private final Map<String, StreamLedger> streams;
    private final String accountId;
    private final Journal journal;
    private final Clock clock;
    private final AtomicLong recordIds = new AtomicLong();

    public FirehoseService(Map<String, StreamLedger> streams, String accountId, Journal journal, Clock clock) {
        this.streams = Map.copyOf(streams);
        this.accountId = accountId;
        this.journal = journal;
        this.clock = clock;
    }

    public Map<String, Operation> operations() {
        Map<String, Operation> ops = new LinkedHashMap<>();
        ops.put("PutRecordBatch", this::putRecordBatch);
        ops.put("PutRecord", this::putRecord);
        return ops;
    }

    private PreparedCall putRecordBatch(Map<String, Object> request, WireFormat format) {
        String name = null;
        StreamLedger ledger = null;
        try {
            name = Requests.string(request, "DeliveryStreamName");
            ledger = arrive(name);
            List<Map<String, Object>> records = Requests.structures(request, "Records");
            ValidationErrors errors = new ValidationErrors();
            streamName(errors, name);
            errors.notNull(records, "records");
            List<byte[]> data = new ArrayList<>();
            if (records != null) {
                errors.lengthAtLeast("[]", records.size(), 1, "records");
                errors.lengthAtMost("[...]", records.size(), MAX_RECORDS_PER_CALL, "records");
                for (int i = 0; i < records.size(); i++) {
                    Map<String, Object> record = records.get(i);
                    String path = "records." + (i + 1) + ".member";
                    errors.notNull(record, path);
                    byte[] bytes = record == null ? null : Requests.blob(record, "Data", format);
                    if (record != null) {
                        errors.notNull(bytes, path + ".data");
                    }
                    if (bytes != null) {
                        errors.lengthAtMost(ValidationErrors.blob(bytes), bytes.length, MAX_RECORD_BYTES, path + ".data");
                    }
                    data.add(bytes);
                }
            }
            errors.throwIfAny();
            StreamLedger target = existing(name, ledger);
            long total = 0;
            for (byte[] bytes : data) {
                total += bytes.length;
            }
            if (total > MAX_BYTES_PER_CALL) {
                throw ServiceError.invalidArgument("Records size exceeds 4 MB limit");
            }
            return new Call(target, data, true);
        } catch (MalformedBodyException e) {
            throw refused("PutRecordBatch", name, ledger, ServiceError.serialization(e.getMessage()));
        } catch (ServiceError e) {
            throw refused("PutRecordBatch", name, ledger, e);
        }
    }

    private PreparedCall putRecord(Map<String, Object> request, WireFormat format) {
        String name = null;
        StreamLedger ledger = null;
        try {
            name = Requests.string(request, "DeliveryStreamName");
            ledger = arrive(name);
            Map<String, Object> record = Requests.structure(request, "Record");
            ValidationErrors errors = new ValidationErrors();
            streamName(errors, name);
            errors.notNull(record, "record");
            byte[] bytes = record == null ? null : Requests.blob(record, "Data", format);
            if (record != null) {
                errors.notNull(bytes, "record.data");
            }
            if (bytes != null) {
                errors.lengthAtMost(ValidationErrors.blob(bytes), bytes.length, MAX_RECORD_BYTES, "record.data");
            }
            errors.throwIfAny();
            return new Call(existing(name, ledger), List.of(bytes), false);
        } catch (MalformedBodyException e) {
            throw refused("PutRecord", name, ledger, ServiceError.serialization(e.getMessage()));
        } catch (ServiceError e) {
            throw refused("PutRecord", name, ledger, e);
        }
    }

    private StreamLedger arrive(String name) {
        StreamLedger ledger = name == null ? null : streams.get(name);
        if (ledger != null) {
            ledger.callArrived();
        }
        return ledger;
    }

    private StreamLedger existing(String name, StreamLedger ledger) {
        if (ledger == null) {
            throw ServiceError.resourceNotFound("Firehose " + name + " under account " + accountId + " not found.");
        }
        return ledger;
    }

    private static void streamName(ValidationErrors errors, String name) {
        errors.notNull(name, "deliveryStreamName");
        if (name != null) {
            errors.lengthAtLeast(name, name.length(), 1, "deliveryStreamName");
            errors.lengthAtMost(name, name.length(), MAX_STREAM_NAME_LENGTH, "deliveryStreamName");
            errors.pattern(name, STREAM_NAME_PATTERN, "deliveryStreamName");
        }
    }

    private ServiceError refused(String operation, String name, StreamLedger ledger, ServiceError error) {
        journal.violation(new Violation(clock.instant(), AwsService.FIREHOSE, operation, name, error.code(), error.getMessage()), ledger);
        return error;
    }

    /** How Firehose answers each whole-call fault. */
    static ServiceError callFault(FaultKind kind) {
        switch (kind) {
            case THROTTLED_CALL:
            case THROTTLED_ENTRY:
                return new ServiceError(503, "ServiceUnavailableException", "Slow down.");
            case SERVER_ERROR:
            case FAILED_ENTRY:
                return new ServiceError(500, "InternalFailure", "Internal service failure.");
            case UNAVAILABLE:
                return new ServiceError(503, "ServiceUnavailableException", "The service is unavailable. Back off and retry.");
            case OUTAGE:
                return new ServiceError(503, "ServiceUnavailableException", "The service is unavailable (outage). Back off and retry.");
            default:
                throw new IllegalArgumentException(kind + " has no error response");
        }
    }

    private final class Call implements PreparedCall {
        private final StreamLedger ledger;
        private final List<byte[]> data;
        private final boolean batch;

        Call(StreamLedger ledger, List<byte[]> data, boolean batch) {
            this.ledger = ledger;
            this.data = data;
            this.batch = batch;
        }

        @Override
        public StreamLedger ledger() {
            return ledger;
        }

        @Override
        public ServiceError fault(FaultKind kind) {
            return callFault(kind);
        }

        @Override
        public Map<String, Object> commit(Faults faults, Instant arrival) {
            boolean entryFaults = faults.entryFaultsOn();
            List<AcceptedRecord> accepted = new ArrayList<>(data.size());
            List<Object> responses = new ArrayList<>(data.size());
            int failed = 0;
            for (byte[] bytes : data) {
                FaultKind fault = entryFaults ? faults.nextEntry() : null;
                if (fault != null) {
                    if (!batch) {
                        throw callFault(fault);
                    }
                    ServiceError error = callFault(fault);
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("ErrorCode", error.code());
                    entry.put("ErrorMessage", error.getMessage());
                    responses.add(entry);
                    failed++;
                    continue;
                }
                String id = String.format("%032x", recordIds.incrementAndGet());
                accepted.add(new AcceptedRecord(AwsService.FIREHOSE, ledger.name(), bytes, null, null, id, arrival));
                responses.add(Map.of("RecordId", id));
            }
            journal.accepted(ledger, accepted, failed);
            Map<String, Object> body = new LinkedHashMap<>();
            if (batch) {
                body.put("FailedPutCount", failed);
                body.put("Encrypted", false);
                body.put("RequestResponses", responses);
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> only = (Map<String, Object>) responses.get(0);
                body.put("RecordId", only.get("RecordId"));
                body.put("Encrypted", false);
            }
            return body;
        }
    }
}
