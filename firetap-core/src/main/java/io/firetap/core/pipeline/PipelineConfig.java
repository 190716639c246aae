package io.firetap.core.pipeline;

import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Durations;
import io.firetap.core.config.Settings;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The pipeline's tunables, with the defaults firetap ships and their {@code FIRETAP_*} variables.
 * Batch and record limits here can only narrow a sink's own {@link io.firetap.core.sink.SinkLimits},
 * never widen them.
 *
 * @param bufferBytes      bound of the shared buffer: line bytes plus {@value #LINE_OVERHEAD_BYTES} per line
 * @param overflow         what a full buffer does
 * @param blockTimeout     with {@link OverflowPolicy#BLOCK}: the longest a writer waits per overflow episode
 * @param flushInterval    the longest a line waits in the buffer before its batch leaves
 * @param maxBatchRecords  records per call, at most the sink's limit
 * @param maxBatchBytes    bytes per call, at most the sink's limit
 * @param maxRecordBytes   bytes per record, at most the sink's limit
 * @param packing          pack several lines into one record (the default) or send one line per record
 * @param oversize         what a line longer than a record becomes
 * @param format           how lines are written into records
 * @param retryBase        first retry backoff ceiling (full jitter: a wait is uniform in [0, ceiling])
 * @param retryMax         largest backoff ceiling
 * @param sendTimeout      the longest the pipeline waits for one send before treating it as failed
 * @param delivery         sinks' delivery classes other than the default {@link DeliveryClass#GUARANTEED}, keyed
 *                         by their variable ({@link DeliveryClass#variableFor}); the pipeline checks, when it is
 *                         built, that each names one of its sinks
 */
public record PipelineConfig(long bufferBytes, OverflowPolicy overflow, Duration blockTimeout, Duration flushInterval,
        int maxBatchRecords, long maxBatchBytes, int maxRecordBytes, boolean packing, OversizePolicy oversize,
        LineFormat format, Duration retryBase, Duration retryMax, Duration sendTimeout,
        Map<String, DeliveryClass> delivery) {

    /** Bytes each buffered line costs on top of its length, so a flood of empty lines is bounded too. */
    public static final int LINE_OVERHEAD_BYTES = 48;

    public static final String BUFFER_BYTES = "FIRETAP_BUFFER_BYTES";
    public static final String OVERFLOW = "FIRETAP_OVERFLOW";
    public static final String BLOCK_TIMEOUT = "FIRETAP_BLOCK_TIMEOUT";
    public static final String FLUSH_INTERVAL = "FIRETAP_FLUSH_INTERVAL";
    public static final String BATCH_MAX_RECORDS = "FIRETAP_BATCH_MAX_RECORDS";
    public static final String BATCH_MAX_BYTES = "FIRETAP_BATCH_MAX_BYTES";
    public static final String RECORD_MAX_BYTES = "FIRETAP_RECORD_MAX_BYTES";
    public static final String PACKING = "FIRETAP_PACKING";
    public static final String OVERSIZE = "FIRETAP_OVERSIZE";
    public static final String FORMAT = "FIRETAP_FORMAT";
    public static final String RETRY_BASE = "FIRETAP_RETRY_BASE";
    public static final String RETRY_MAX = "FIRETAP_RETRY_MAX";
    public static final String SEND_TIMEOUT = "FIRETAP_SEND_TIMEOUT";

    public static final long DEFAULT_BUFFER_BYTES = 8L << 20;
    public static final Duration DEFAULT_BLOCK_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);
    public static final int DEFAULT_MAX_BATCH_RECORDS = 500;
    /**
     * 1 MiB per call, below Firehose's 4 MiB and Kinesis's 5 MiB: a call is marshalled (base64 in
     * JSON) and signed in memory, so its size multiplies into the extension's peak heap inside a
     * function that may have 128 MB in all; at 1 MiB the per-call overhead is already amortised.
     */
    public static final long DEFAULT_MAX_BATCH_BYTES = 1L << 20;
    public static final int DEFAULT_MAX_RECORD_BYTES = 1000 * 1024;
    public static final Duration DEFAULT_RETRY_BASE = Duration.ofMillis(50);
    public static final Duration DEFAULT_RETRY_MAX = Duration.ofSeconds(2);
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(30);

    public PipelineConfig {
        Objects.requireNonNull(overflow, "overflow");
        Objects.requireNonNull(blockTimeout, "blockTimeout");
        Objects.requireNonNull(flushInterval, "flushInterval");
        Objects.requireNonNull(oversize, "oversize");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(retryBase, "retryBase");
        Objects.requireNonNull(retryMax, "retryMax");
        Objects.requireNonNull(sendTimeout, "sendTimeout");
        delivery = Map.copyOf(delivery);
        if (bufferBytes < 1) {
            throw new IllegalArgumentException("bufferBytes must be positive: " + bufferBytes);
        }
        if (maxBatchRecords < 1 || maxBatchBytes < 2 || maxRecordBytes < 2) {
            throw new IllegalArgumentException("batch and record limits must be positive");
        }
        if (flushInterval.isNegative() || flushInterval.isZero() || sendTimeout.isNegative() || sendTimeout.isZero()) {
            throw new IllegalArgumentException("flushInterval and sendTimeout must be positive");
        }
        if (retryBase.isNegative() || retryMax.compareTo(retryBase) < 0) {
            throw new IllegalArgumentException("need 0 <= retryBase <= retryMax");
        }
    }

    /** firetap's defaults. */
    public static PipelineConfig defaults() {
        return new PipelineConfig(DEFAULT_BUFFER_BYTES, OverflowPolicy.BLOCK, DEFAULT_BLOCK_TIMEOUT,
                DEFAULT_FLUSH_INTERVAL, DEFAULT_MAX_BATCH_RECORDS, DEFAULT_MAX_BATCH_BYTES, DEFAULT_MAX_RECORD_BYTES,
                true, OversizePolicy.SPLIT, LineFormat.RAW, DEFAULT_RETRY_BASE, DEFAULT_RETRY_MAX,
                DEFAULT_SEND_TIMEOUT, Map.of());
    }

    /** The configuration {@code settings} describe; bad values throw {@link io.firetap.core.config.ConfigException}. */
    public static PipelineConfig from(Settings settings) {
        long bufferBytes = settings.bytes(BUFFER_BYTES, DEFAULT_BUFFER_BYTES, 64L << 10, 1L << 30);
        OverflowPolicy overflow = settings.choice(OVERFLOW, OverflowPolicy.BLOCK, OverflowPolicy.class);
        Duration blockTimeout = settings.duration(BLOCK_TIMEOUT, DEFAULT_BLOCK_TIMEOUT, Duration.ZERO, Duration.ofMinutes(1));
        Duration flushInterval = settings.duration(FLUSH_INTERVAL, DEFAULT_FLUSH_INTERVAL, Duration.ofMillis(1),
                Duration.ofMinutes(15));
        int maxBatchRecords = settings.integer(BATCH_MAX_RECORDS, DEFAULT_MAX_BATCH_RECORDS, 1, 100_000);
        long maxBatchBytes = settings.bytes(BATCH_MAX_BYTES, DEFAULT_MAX_BATCH_BYTES, 1L << 10, 1L << 30);
        int maxRecordBytes = (int) settings.bytes(RECORD_MAX_BYTES, DEFAULT_MAX_RECORD_BYTES, 256, 64L << 20);
        boolean packing = settings.flag(PACKING, true);
        OversizePolicy oversize = settings.choice(OVERSIZE, OversizePolicy.SPLIT, OversizePolicy.class);
        LineFormat format = settings.choice(FORMAT, LineFormat.RAW, LineFormat.class);
        Duration retryBase = settings.duration(RETRY_BASE, DEFAULT_RETRY_BASE, Duration.ZERO, Duration.ofSeconds(10));
        Duration retryMax = settings.duration(RETRY_MAX, DEFAULT_RETRY_MAX, Duration.ofMillis(1), Duration.ofMinutes(5));
        if (retryMax.compareTo(retryBase) < 0) {
            throw ConfigException.invalid(RETRY_MAX, settings.string(RETRY_MAX, ""),
                    "a duration no shorter than " + RETRY_BASE + " (" + Durations.format(retryBase) + ")");
        }
        Duration sendTimeout = settings.duration(SEND_TIMEOUT, DEFAULT_SEND_TIMEOUT, Duration.ofMillis(10),
                Duration.ofMinutes(15));
        return new PipelineConfig(bufferBytes, overflow, blockTimeout, flushInterval, maxBatchRecords, maxBatchBytes,
                maxRecordBytes, packing, oversize, format, retryBase, retryMax, sendTimeout, deliveryClasses(settings));
    }

    /**
     * Every {@code FIRETAP_<SINK>_DELIVERY} that is set, checked to be {@code guaranteed} or
     * {@code best-effort}. Whether each names a sink is checked when the pipeline is built.
     */
    private static Map<String, DeliveryClass> deliveryClasses(Settings settings) {
        Map<String, DeliveryClass> found = new TreeMap<>();
        for (String name : settings.asMap().keySet()) {
            if (DeliveryClass.isDeliveryVariable(name) && settings.get(name).isPresent()) {
                found.put(name, settings.choice(name, DeliveryClass.GUARANTEED, DeliveryClass.class));
            }
        }
        return found;
    }

    /** The delivery class of the sink named {@code sinkName}: {@link DeliveryClass#GUARANTEED} unless configured. */
    public DeliveryClass deliveryOf(String sinkName) {
        return delivery.getOrDefault(DeliveryClass.variableFor(sinkName), DeliveryClass.GUARANTEED);
    }

    /** This configuration with the sink named {@code sinkName} in delivery class {@code value}. */
    public PipelineConfig withDelivery(String sinkName, DeliveryClass value) {
        Objects.requireNonNull(value, "value");
        Map<String, DeliveryClass> copy = new TreeMap<>(delivery);
        copy.put(DeliveryClass.variableFor(sinkName), value);
        return new PipelineConfig(bufferBytes, overflow, blockTimeout, flushInterval, maxBatchRecords, maxBatchBytes,
                maxRecordBytes, packing, oversize, format, retryBase, retryMax, sendTimeout, copy);
    }

    /** This configuration with another buffer bound. */
    public PipelineConfig withBufferBytes(long value) {
        return new PipelineConfig(value, overflow, blockTimeout, flushInterval, maxBatchRecords, maxBatchBytes,
                maxRecordBytes, packing, oversize, format, retryBase, retryMax, sendTimeout, delivery);
    }

    /** This configuration with another overflow policy and block bound. */
    public PipelineConfig withOverflow(OverflowPolicy policy, Duration timeout) {
        return new PipelineConfig(bufferBytes, policy, timeout, flushInterval, maxBatchRecords, maxBatchBytes,
                maxRecordBytes, packing, oversize, format, retryBase, retryMax, sendTimeout, delivery);
    }

    /** This configuration with another flush interval. */
    public PipelineConfig withFlushInterval(Duration value) {
        return new PipelineConfig(bufferBytes, overflow, blockTimeout, value, maxBatchRecords, maxBatchBytes,
                maxRecordBytes, packing, oversize, format, retryBase, retryMax, sendTimeout, delivery);
    }

    /** This configuration with packing on or off. */
    public PipelineConfig withPacking(boolean value) {
        return new PipelineConfig(bufferBytes, overflow, blockTimeout, flushInterval, maxBatchRecords, maxBatchBytes,
                maxRecordBytes, value, oversize, format, retryBase, retryMax, sendTimeout, delivery);
    }

    /** This configuration with another retry backoff. */
    public PipelineConfig withRetry(Duration base, Duration max) {
        return new PipelineConfig(bufferBytes, overflow, blockTimeout, flushInterval, maxBatchRecords, maxBatchBytes,
                maxRecordBytes, packing, oversize, format, base, max, sendTimeout, delivery);
    }
}
