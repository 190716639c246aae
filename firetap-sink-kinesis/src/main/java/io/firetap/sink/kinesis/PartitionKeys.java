package io.firetap.sink.kinesis;

import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import io.firetap.core.sink.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How each record gets its partition key, which picks its shard ({@value #VARIABLE}):
 * {@code spread} (default) — a running sequence number, which Kinesis's MD5 hashing spreads evenly
 * over all shards; {@code request-id} — the invocation's request id, keeping an invocation's records
 * on one shard in order; {@code function-name}; {@code fixed:<key>} — one shard for everything.
 */
public final class PartitionKeys {
    public static final String VARIABLE = "FIRETAP_KINESIS_PARTITION_KEY";
    /** Kinesis allows 1–256 Unicode characters; firetap keeps keys ASCII so characters are bytes. */
    public static final int MAX_KEY_LENGTH = 256;
    private static final int SEQUENCE_KEY_BYTES = 20;
    private static final int REQUEST_ID_BYTES = 36;

    private enum Mode { SPREAD, REQUEST_ID, FUNCTION_NAME, FIXED }

    private final Mode mode;
    private final String fixed;
    private final AtomicLong sequence = new AtomicLong();

    private PartitionKeys(Mode mode, String fixed) {
        this.mode = mode;
        this.fixed = fixed;
    }

    /** {@code spread}: a running sequence number, spread evenly over all shards (the default). */
    public static PartitionKeys spread() {
        return new PartitionKeys(Mode.SPREAD, null);
    }

    /** {@code request-id}: an invocation's records on one shard, in order. */
    public static PartitionKeys byRequestId() {
        return new PartitionKeys(Mode.REQUEST_ID, null);
    }

    /**
     * {@code fixed:<key>}: every record on the shard of {@code key} (1–{@value #MAX_KEY_LENGTH}
     * printable ASCII characters).
     */
    public static PartitionKeys fixed(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("a partition key is 1-" + MAX_KEY_LENGTH + " printable ASCII characters");
        }
        return new PartitionKeys(Mode.FIXED, key);
    }

    /** The strategy {@code settings} choose; {@code functionName} serves {@code function-name}. */
    public static PartitionKeys from(Settings settings, String functionName) {
        String raw = settings.get(VARIABLE).map(String::trim).orElse("spread");
        String allowed = "spread, request-id, function-name or fixed:<key> (1-" + MAX_KEY_LENGTH + " printable ASCII characters)";
        if (raw.equals("spread")) {
            return new PartitionKeys(Mode.SPREAD, null);
        }
        if (raw.equals("request-id")) {
            return new PartitionKeys(Mode.REQUEST_ID, null);
        }
        if (raw.equals("function-name")) {
            return new PartitionKeys(Mode.FIXED, checked(functionName, raw, allowed));
        }
        if (raw.startsWith("fixed:")) {
            return new PartitionKeys(Mode.FIXED, checked(raw.substring("fixed:".length()), raw, allowed));
        }
        throw ConfigException.invalid(VARIABLE, raw, allowed);
    }

    private static String checked(String key, String raw, String allowed) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw ConfigException.invalid(VARIABLE, raw, allowed);
        }
        return key;
    }

    /** The key of {@code record}. */
    public String keyFor(SinkRecord record) {
        return switch (mode) {
            case SPREAD -> Long.toString(sequence.getAndIncrement());
            case REQUEST_ID -> record.requestId() != null ? record.requestId() : Long.toString(sequence.getAndIncrement());
            case FUNCTION_NAME, FIXED -> fixed;
        };
    }

    /** The most bytes a key can take: counted against every record and call limit. */
    public int maxKeyBytes() {
        return switch (mode) {
            case SPREAD -> SEQUENCE_KEY_BYTES;
            case REQUEST_ID -> REQUEST_ID_BYTES;
            case FUNCTION_NAME, FIXED -> fixed.getBytes(StandardCharsets.US_ASCII).length;
        };
    }
}
