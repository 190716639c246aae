package io.firetap.core.pipeline;

import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Durations;
import io.firetap.core.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The pipeline's tunables, with the defaults firetap ships and their {@code FIRETAP_*} variables.
 * Configure it in code with {@link #builder()}, whose setters check each value against the range its
 * variable allows; {@link #from(Settings)} maps the variables onto that builder.
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
 * @param spillDir         with {@link OverflowPolicy#SPILL}: the directory lines that do not fit in memory go to
 * @param spillMaxBytes    with {@link OverflowPolicy#SPILL}: the most the spill files may take on disk
 */
public record PipelineConfig(long bufferBytes, OverflowPolicy overflow, Duration blockTimeout, Duration flushInterval,
        int maxBatchRecords, long maxBatchBytes, int maxRecordBytes, boolean packing, OversizePolicy oversize,
        LineFormat format, Duration retryBase, Duration retryMax, Duration sendTimeout,
        Map<String, DeliveryClass> delivery, Path spillDir, long spillMaxBytes) {

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
    public static final String SPILL_DIR = "FIRETAP_SPILL_DIR";
    public static final String SPILL_MAX_BYTES = "FIRETAP_SPILL_MAX_BYTES";

    public static final long DEFAULT_BUFFER_BYTES = 8L << 20;
    /**
     * {@link OverflowPolicy#BLOCK}: a function writing faster than the destination takes is slowed to
     * its pace instead of losing lines. {@link OverflowPolicy#SPILL} rides out an outage on disk, but
     * past its cap it drops, which a flood reaches in a second.
     */
    public static final OverflowPolicy DEFAULT_OVERFLOW = OverflowPolicy.BLOCK;
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
    /**
     * Lambda's {@code /tmp} is the only writable place in the sandbox; a fresh sandbox has a fresh one,
     * so nothing of another function's can be there.
     */
    public static final Path DEFAULT_SPILL_DIR = Path.of("/tmp/firetap-spill");
    /**
     * 64 MiB: an eighth of the 512 MB {@code /tmp} Lambda gives by default, which the function shares;
     * about 30 s of a function writing 2 MiB/s while its destination is down.
     */
    public static final long DEFAULT_SPILL_MAX_BYTES = 64L << 20;
    public static final long MIN_SPILL_MAX_BYTES = 1L << 20;
    /** Lambda's largest {@code /tmp}. */
    public static final long MAX_SPILL_MAX_BYTES = 10L << 30;
    /** Spill files are this size at most (smaller under a small cap), so a delivered one is deleted soon. */
    public static final long SPILL_SEGMENT_BYTES = 4L << 20;

    public static final long MIN_BUFFER_BYTES = 64L << 10;
    public static final long MAX_BUFFER_BYTES = 1L << 30;
    public static final Duration MAX_BLOCK_TIMEOUT = Duration.ofMinutes(1);
    public static final Duration MIN_FLUSH_INTERVAL = Duration.ofMillis(1);
    public static final Duration MAX_FLUSH_INTERVAL = Duration.ofMinutes(15);
    public static final int MAX_MAX_BATCH_RECORDS = 100_000;
    public static final long MIN_MAX_BATCH_BYTES = 1L << 10;
    public static final long MAX_MAX_BATCH_BYTES = 1L << 30;
    public static final int MIN_MAX_RECORD_BYTES = 256;
    public static final int MAX_MAX_RECORD_BYTES = 64 << 20;
    public static final Duration MAX_RETRY_BASE = Duration.ofSeconds(10);
    public static final Duration MIN_RETRY_MAX = Duration.ofMillis(1);
    public static final Duration MAX_RETRY_MAX = Duration.ofMinutes(5);
    public static final Duration MIN_SEND_TIMEOUT = Duration.ofMillis(10);
    public static final Duration MAX_SEND_TIMEOUT = Duration.ofMinutes(15);

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
        Objects.requireNonNull(spillDir, "spillDir");
        if (spillMaxBytes < 1) {
            throw new IllegalArgumentException("spillMaxBytes must be positive: " + spillMaxBytes);
        }
    }

    /** A configuration with the default spill directory and cap. */
    public PipelineConfig(long bufferBytes, OverflowPolicy overflow, Duration blockTimeout, Duration flushInterval,
            int maxBatchRecords, long maxBatchBytes, int maxRecordBytes, boolean packing, OversizePolicy oversize,
            LineFormat format, Duration retryBase, Duration retryMax, Duration sendTimeout,
            Map<String, DeliveryClass> delivery) {
        this(bufferBytes, overflow, blockTimeout, flushInterval, maxBatchRecords, maxBatchBytes, maxRecordBytes,
                packing, oversize, format, retryBase, retryMax, sendTimeout, delivery, DEFAULT_SPILL_DIR,
                DEFAULT_SPILL_MAX_BYTES);
    }

    /** The size of one spill file: {@link #SPILL_SEGMENT_BYTES}, or a quarter of a smaller cap. */
    public long spillSegmentBytes() {
        return Math.max(64L << 10, Math.min(SPILL_SEGMENT_BYTES, spillMaxBytes / 4));
    }

    /** firetap's defaults. */
    public static PipelineConfig defaults() {
        return new PipelineConfig(DEFAULT_BUFFER_BYTES, DEFAULT_OVERFLOW, DEFAULT_BLOCK_TIMEOUT,
                DEFAULT_FLUSH_INTERVAL, DEFAULT_MAX_BATCH_RECORDS, DEFAULT_MAX_BATCH_BYTES, DEFAULT_MAX_RECORD_BYTES,
                true, OversizePolicy.SPLIT, LineFormat.RAW, DEFAULT_RETRY_BASE, DEFAULT_RETRY_MAX,
                DEFAULT_SEND_TIMEOUT, Map.of(), DEFAULT_SPILL_DIR, DEFAULT_SPILL_MAX_BYTES);
    }

    /**
     * The configuration {@code settings} describe: the {@code FIRETAP_*} variables mapped onto a
     * {@link #builder()}. Bad values throw {@link io.firetap.core.config.ConfigException}, naming the
     * variable, the value and what is allowed.
     */
    public static PipelineConfig from(Settings settings) {
        Builder b = builder();
        b.bufferBytes(settings.bytes(BUFFER_BYTES, DEFAULT_BUFFER_BYTES, MIN_BUFFER_BYTES, MAX_BUFFER_BYTES));
        b.overflow(settings.choice(OVERFLOW, DEFAULT_OVERFLOW, OverflowPolicy.class));
        b.blockTimeout(settings.duration(BLOCK_TIMEOUT, DEFAULT_BLOCK_TIMEOUT, Duration.ZERO, MAX_BLOCK_TIMEOUT));
        b.flushInterval(settings.duration(FLUSH_INTERVAL, DEFAULT_FLUSH_INTERVAL, MIN_FLUSH_INTERVAL,
                MAX_FLUSH_INTERVAL));
        b.maxBatchRecords(settings.integer(BATCH_MAX_RECORDS, DEFAULT_MAX_BATCH_RECORDS, 1, MAX_MAX_BATCH_RECORDS));
        b.maxBatchBytes(settings.bytes(BATCH_MAX_BYTES, DEFAULT_MAX_BATCH_BYTES, MIN_MAX_BATCH_BYTES,
                MAX_MAX_BATCH_BYTES));
        b.maxRecordBytes((int) settings.bytes(RECORD_MAX_BYTES, DEFAULT_MAX_RECORD_BYTES, MIN_MAX_RECORD_BYTES,
                MAX_MAX_RECORD_BYTES));
        b.packing(settings.flag(PACKING, true));
        b.oversize(settings.choice(OVERSIZE, OversizePolicy.SPLIT, OversizePolicy.class));
        b.format(settings.choice(FORMAT, LineFormat.RAW, LineFormat.class));
        Duration retryBase = settings.duration(RETRY_BASE, DEFAULT_RETRY_BASE, Duration.ZERO, MAX_RETRY_BASE);
        Duration retryMax = settings.duration(RETRY_MAX, DEFAULT_RETRY_MAX, MIN_RETRY_MAX, MAX_RETRY_MAX);
        if (retryMax.compareTo(retryBase) < 0) {
            throw ConfigException.invalid(RETRY_MAX, settings.string(RETRY_MAX, ""),
                    "a duration no shorter than " + RETRY_BASE + " (" + Durations.format(retryBase) + ")");
        }
        b.retry(retryBase, retryMax);
        b.sendTimeout(settings.duration(SEND_TIMEOUT, DEFAULT_SEND_TIMEOUT, MIN_SEND_TIMEOUT, MAX_SEND_TIMEOUT));
        b.delivery.putAll(deliveryClasses(settings));
        b.spillDir(spillDir(settings));
        b.spillMaxBytes(settings.bytes(SPILL_MAX_BYTES, DEFAULT_SPILL_MAX_BYTES, MIN_SPILL_MAX_BYTES,
                MAX_SPILL_MAX_BYTES));
        return b.build();
    }

    private static Path spillDir(Settings settings) {
        String value = settings.string(SPILL_DIR, DEFAULT_SPILL_DIR.toString()).trim();
        Path path;
        try {
            path = Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            path = null;
        }
        if (path == null || !path.isAbsolute()) {
            throw ConfigException.invalid(SPILL_DIR, value, "an absolute directory path, e.g. /tmp/firetap-spill");
        }
        return path;
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
                maxRecordBytes, packing, oversize, format, retryBase, retryMax, sendTimeout, copy, spillDir,
                spillMaxBytes);
    }

    /** This configuration with another buffer bound. */
    public PipelineConfig withBufferBytes(long value) {
        return new PipelineConfig(value, overflow, blockTimeout, flushInterval, maxBatchRecords, maxBatchBytes,
                maxRecordBytes, packing, oversize, format, retryBase, retryMax, sendTimeout, delivery, spillDir,
                spillMaxBytes);
    }

    /** This configuration with another spill directory and disk cap. */
    public PipelineConfig withSpill(Path dir, long maxBytes) {
        return new PipelineConfig(bufferBytes, overflow, blockTimeout, flushInterval, maxBatchRecords, maxBatchBytes,
                maxRecordBytes, packing, oversize, format, retryBase, retryMax, sendTimeout, delivery, dir, maxBytes);
    }

    /** This configuration with another overflow policy and block bound. */
    public PipelineConfig withOverflow(OverflowPolicy policy, Duration timeout) {
        return new PipelineConfig(bufferBytes, policy, timeout, flushInterval, maxBatchRecords, maxBatchBytes,
                maxRecordBytes, packing, oversize, format, retryBase, retryMax, sendTimeout, delivery, spillDir,
                spillMaxBytes);
    }

    /** This configuration with another flush interval. */
    public PipelineConfig withFlushInterval(Duration value) {
        return new PipelineConfig(bufferBytes, overflow, blockTimeout, value, maxBatchRecords, maxBatchBytes,
                maxRecordBytes, packing, oversize, format, retryBase, retryMax, sendTimeout, delivery, spillDir,
                spillMaxBytes);
    }

    /** This configuration with packing on or off. */
    public PipelineConfig withPacking(boolean value) {
        return new PipelineConfig(bufferBytes, overflow, blockTimeout, flushInterval, maxBatchRecords, maxBatchBytes,
                maxRecordBytes, value, oversize, format, retryBase, retryMax, sendTimeout, delivery, spillDir,
                spillMaxBytes);
    }

    /** This configuration with another retry backoff. */
    public PipelineConfig withRetry(Duration base, Duration max) {
        return new PipelineConfig(bufferBytes, overflow, blockTimeout, flushInterval, maxBatchRecords, maxBatchBytes,
                maxRecordBytes, packing, oversize, format, base, max, sendTimeout, delivery, spillDir,
                spillMaxBytes);
    }

    /** A builder starting from firetap's defaults ({@link #defaults()}). */
    public static Builder builder() {
        return new Builder(defaults());
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Builds a {@link PipelineConfig} in code. Every setter checks its argument at once against the
     * same range its {@code FIRETAP_*} variable allows (an {@link IllegalArgumentException} says what is
     * allowed); what is not set keeps the {@code DEFAULT_*} value. Not thread-safe.
     */
    public static final class Builder {
        private long bufferBytes;
        private OverflowPolicy overflow;
        private Duration blockTimeout;
        private Duration flushInterval;
        private int maxBatchRecords;
        private long maxBatchBytes;
        private int maxRecordBytes;
        private boolean packing;
        private OversizePolicy oversize;
        private LineFormat format;
        private Duration retryBase;
        private Duration retryMax;
        private Duration sendTimeout;
        private final Map<String, DeliveryClass> delivery = new TreeMap<>();
        private Path spillDir;
        private long spillMaxBytes;

        private Builder(PipelineConfig from) {
            bufferBytes = from.bufferBytes;
            overflow = from.overflow;
            blockTimeout = from.blockTimeout;
            flushInterval = from.flushInterval;
            maxBatchRecords = from.maxBatchRecords;
            maxBatchBytes = from.maxBatchBytes;
            maxRecordBytes = from.maxRecordBytes;
            packing = from.packing;
            oversize = from.oversize;
            format = from.format;
            retryBase = from.retryBase;
            retryMax = from.retryMax;
            sendTimeout = from.sendTimeout;
            delivery.putAll(from.delivery);
            spillDir = from.spillDir;
            spillMaxBytes = from.spillMaxBytes;
        }

        /**
         * Bound of the shared buffer: line bytes plus {@value #LINE_OVERHEAD_BYTES} per line. Default
         * {@link #DEFAULT_BUFFER_BYTES} (8 MiB); from {@link #MIN_BUFFER_BYTES} to {@link #MAX_BUFFER_BYTES}.
         */
        public Builder bufferBytes(long value) {
            this.bufferBytes = inRange("bufferBytes", value, MIN_BUFFER_BYTES, MAX_BUFFER_BYTES);
            return this;
        }

        /** What a full buffer does. Default {@link OverflowPolicy#BLOCK} ({@link #DEFAULT_OVERFLOW}). */
        public Builder overflow(OverflowPolicy value) {
            this.overflow = Objects.requireNonNull(value, "overflow");
            return this;
        }

        /**
         * With {@link OverflowPolicy#BLOCK}: the longest a writer waits per overflow episode, after which
         * lines are dropped and counted. Default {@link #DEFAULT_BLOCK_TIMEOUT}; at most {@link #MAX_BLOCK_TIMEOUT}.
         */
        public Builder blockTimeout(Duration value) {
            this.blockTimeout = inRange("blockTimeout", value, Duration.ZERO, MAX_BLOCK_TIMEOUT);
            return this;
        }

        /**
         * The longest a line waits in the buffer before its batch leaves; a sink makes at most one call per
         * interval unless a batch is full or a flush asks. Default {@link #DEFAULT_FLUSH_INTERVAL}; from
         * {@link #MIN_FLUSH_INTERVAL} to {@link #MAX_FLUSH_INTERVAL}.
         */
        public Builder flushInterval(Duration value) {
            this.flushInterval = inRange("flushInterval", value, MIN_FLUSH_INTERVAL, MAX_FLUSH_INTERVAL);
            return this;
        }

        /**
         * Records per call; never above the sink's own limit. Default {@value #DEFAULT_MAX_BATCH_RECORDS};
         * from 1 to {@value #MAX_MAX_BATCH_RECORDS}.
         */
        public Builder maxBatchRecords(int value) {
            this.maxBatchRecords = (int) inRange("maxBatchRecords", value, 1, MAX_MAX_BATCH_RECORDS);
            return this;
        }

        /**
         * Bytes per call; never above the sink's own limit. Default {@link #DEFAULT_MAX_BATCH_BYTES} (1 MiB);
         * from {@link #MIN_MAX_BATCH_BYTES} to {@link #MAX_MAX_BATCH_BYTES}.
         */
        public Builder maxBatchBytes(long value) {
            this.maxBatchBytes = inRange("maxBatchBytes", value, MIN_MAX_BATCH_BYTES, MAX_MAX_BATCH_BYTES);
            return this;
        }

        /**
         * Bytes per record; never above the sink's own limit. Default {@value #DEFAULT_MAX_RECORD_BYTES};
         * from {@value #MIN_MAX_RECORD_BYTES} to {@value #MAX_MAX_RECORD_BYTES}.
         */
        public Builder maxRecordBytes(int value) {
            this.maxRecordBytes = (int) inRange("maxRecordBytes", value, MIN_MAX_RECORD_BYTES, MAX_MAX_RECORD_BYTES);
            return this;
        }

        /** Pack many lines into one record ({@code true}, the default) or send one line per record. */
        public Builder packing(boolean value) {
            this.packing = value;
            return this;
        }

        /** What a line longer than a record becomes. Default {@link OversizePolicy#SPLIT}. */
        public Builder oversize(OversizePolicy value) {
            this.oversize = Objects.requireNonNull(value, "oversize");
            return this;
        }

        /** How lines are written into records. Default {@link LineFormat#RAW}: as written. */
        public Builder format(LineFormat value) {
            this.format = Objects.requireNonNull(value, "format");
            return this;
        }

        /**
         * Retry backoff ceilings (full jitter: a wait is uniform in [0, ceiling], the ceiling doubling from
         * {@code base} up to {@code max}). Defaults {@link #DEFAULT_RETRY_BASE} and {@link #DEFAULT_RETRY_MAX}.
         *
         * @throws IllegalArgumentException unless 0 ≤ base ≤ {@link #MAX_RETRY_BASE}, {@link #MIN_RETRY_MAX}
         *                                  ≤ max ≤ {@link #MAX_RETRY_MAX} and base ≤ max
         */
        public Builder retry(Duration base, Duration max) {
            Duration checkedBase = inRange("retry base", base, Duration.ZERO, MAX_RETRY_BASE);
            Duration checkedMax = inRange("retry max", max, MIN_RETRY_MAX, MAX_RETRY_MAX);
            if (checkedMax.compareTo(checkedBase) < 0) {
                throw new IllegalArgumentException("retry max (" + Durations.format(max)
                        + ") must be no shorter than retry base (" + Durations.format(base) + ")");
            }
            this.retryBase = checkedBase;
            this.retryMax = checkedMax;
            return this;
        }

        /**
         * The longest the pipeline waits for one call before treating it as failed and retrying it.
         * Default {@link #DEFAULT_SEND_TIMEOUT}; from {@link #MIN_SEND_TIMEOUT} to {@link #MAX_SEND_TIMEOUT}.
         */
        public Builder sendTimeout(Duration value) {
            this.sendTimeout = inRange("sendTimeout", value, MIN_SEND_TIMEOUT, MAX_SEND_TIMEOUT);
            return this;
        }

        /**
         * The delivery class of the sink named {@code sinkName}; every sink is
         * {@link DeliveryClass#GUARANTEED} unless set. The pipeline checks, when it is built, that the name
         * is one of its sinks'.
         */
        public Builder delivery(String sinkName, DeliveryClass value) {
            Objects.requireNonNull(sinkName, "sinkName");
            delivery.put(DeliveryClass.variableFor(sinkName), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * With {@link OverflowPolicy#SPILL}: the directory for lines that do not fit in memory, created
         * owner-only when first needed. Default {@link #DEFAULT_SPILL_DIR}; must be absolute.
         */
        public Builder spillDir(Path value) {
            Objects.requireNonNull(value, "spillDir");
            if (!value.isAbsolute()) {
                throw new IllegalArgumentException("spillDir must be absolute: " + value);
            }
            this.spillDir = value;
            return this;
        }

        /**
         * With {@link OverflowPolicy#SPILL}: the most the spill files may take on disk; lines beyond it are
         * dropped and counted. Default {@link #DEFAULT_SPILL_MAX_BYTES} (64 MiB); from
         * {@link #MIN_SPILL_MAX_BYTES} to {@link #MAX_SPILL_MAX_BYTES}.
         */
        public Builder spillMaxBytes(long value) {
            this.spillMaxBytes = inRange("spillMaxBytes", value, MIN_SPILL_MAX_BYTES, MAX_SPILL_MAX_BYTES);
            return this;
        }

        public PipelineConfig build() {
            return new PipelineConfig(bufferBytes, overflow, blockTimeout, flushInterval, maxBatchRecords,
                    maxBatchBytes, maxRecordBytes, packing, oversize, format, retryBase, retryMax, sendTimeout,
                    delivery, spillDir, spillMaxBytes);
        }

        private static long inRange(String name, long value, long min, long max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ": " + value);
            }
            return value;
        }

        private static Duration inRange(String name, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, name);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be from " + Durations.format(min) + " to "
                        + Durations.format(max) + ": " + Durations.format(value));
            }
            return value;
        }
    }
}
