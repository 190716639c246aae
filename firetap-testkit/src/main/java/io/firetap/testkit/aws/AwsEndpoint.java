package io.firetap.testkit.aws;

import io.firetap.testkit.aws.internal.AwsHttpHandler;
import io.firetap.testkit.aws.internal.FirehoseService;
import io.firetap.testkit.aws.internal.Journal;
import io.firetap.testkit.aws.internal.KinesisService;
import io.firetap.testkit.aws.internal.LoopbackServer;
import io.firetap.testkit.aws.internal.RoundTrip;
import io.firetap.testkit.aws.internal.SigV4Check;
import io.firetap.testkit.aws.internal.StreamLedger;
import io.firetap.testkit.aws.internal.WireFormat;
import io.firetap.testkit.fault.Faults;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Amazon Data Firehose and Kinesis Data Streams on one loopback port, speaking their wire
 * protocols so the real AWS SDK clients talk to it as to AWS: point them at {@link #endpointUri()}
 * with {@code endpointOverride}, or set {@code AWS_ENDPOINT_URL} (or
 * {@code AWS_ENDPOINT_URL_FIREHOSE} / {@code AWS_ENDPOINT_URL_KINESIS}) in a child process.
 *
 * <pre>{@code
 * try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("logs").dataStream("events", 4).start()) {
 *     FirehoseAsyncClient firehose = FirehoseAsyncClient.builder()
 *             .endpointOverride(aws.endpointUri()).region(Region.US_EAST_1)
 *             .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
 *             .build();
 *     aws.faults().throttleCalls(0.2).failEntries(0.2);
 *     ... run the code under test ...
 *     assertThat(aws.deliveryStream("logs").awaitLines(1000, Duration.ofSeconds(10))).isTrue();
 *     assertThat(aws.violations()).isEmpty();
 * }
 * }</pre>
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Operations: Firehose {@code PutRecordBatch}, {@code PutRecord} (AWS JSON 1.1); Kinesis
 *       {@code PutRecords}, {@code PutRecord} (AWS CBOR 1.1 or JSON 1.1, answered in the
 *       encoding of the request). Anything else is answered {@code UnknownOperationException}.</li>
 *   <li>Every service limit is enforced with the service's error code, message shape and HTTP
 *       status; SigV4 signatures are accepted without checking unless
 *       {@link Builder#verifySignatures(String)} asks for it.</li>
 *   <li>Every call that breaks a rule is answered with the service's error whatever faults are
 *       on, and recorded as a {@link Violation}; valid calls then meet the {@link #faults()}.</li>
 *   <li>Accepted records are kept per stream ({@link AcceptedStream}), byte for byte.</li>
 *   <li>With {@link Builder#latency(Duration, Duration)}, every call takes a regional endpoint's round
 *       trip (half before it takes effect, half before its answer leaves), each on its own request
 *       thread: a slow call never holds back calls on other connections. Loopback answers in well under
 *       a millisecond, which hides what a real round trip costs the code under test.</li>
 *   <li>Thread-safe. {@link #close()} is idempotent and stops every thread it started.</li>
 * </ul>
 *
 * <p>Kinesis: the SDK's {@code KinesisAsyncClient} defaults to HTTP/2, which this HTTP/1.1
 * endpoint does not speak over plain {@code http://}; build it with
 * {@code NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1)}.
 */
public final class AwsEndpoint implements AutoCloseable {

    /** The account id in ARNs and error messages unless the builder sets another. */
    public static final String DEFAULT_ACCOUNT_ID = "000000000000";
    /** The seed of the fault decisions unless the builder sets another. */
    public static final long DEFAULT_SEED = 1L;

    private final Map<String, AcceptedStream> deliveryStreams;
    private final Map<String, AcceptedStream> dataStreams;
    private final Journal journal;
    private final Faults faults;
    private final LoopbackServer server;
    private final AwsHttpHandler handler;
    private final RoundTrip roundTrip;

    private AwsEndpoint(Builder builder) {
        Clock clock = Clock.systemUTC();
        this.journal = new Journal(builder.onAccepted, builder.onViolation);
        Map<String, StreamLedger> firehoseLedgers = new LinkedHashMap<>();
        Map<String, AcceptedStream> delivery = new LinkedHashMap<>();
        for (String name : builder.deliveryStreams) {
            StreamLedger ledger = new StreamLedger(AwsService.FIREHOSE, name, builder.retainRecords);
            firehoseLedgers.put(name, ledger);
            delivery.put(name, new AcceptedStream(ledger));
        }
        Map<String, StreamLedger> kinesisLedgers = new LinkedHashMap<>();
        Map<String, AcceptedStream> data = new LinkedHashMap<>();
        for (DataStreamSpec spec : builder.dataStreams.values()) {
            StreamLedger ledger = new StreamLedger(AwsService.KINESIS, spec.name(), builder.retainRecords);
            kinesisLedgers.put(spec.name(), ledger);
            data.put(spec.name(), new AcceptedStream(ledger));
        }
        this.deliveryStreams = Collections.unmodifiableMap(delivery);
        this.dataStreams = Collections.unmodifiableMap(data);
        FirehoseService firehose = new FirehoseService(firehoseLedgers, builder.accountId, journal, clock);
        KinesisService kinesis = new KinesisService(List.copyOf(builder.dataStreams.values()), kinesisLedgers,
                builder.accountId, journal, clock);
        // The handler needs the faults and the faults need the server (to refuse connections): a holder breaks the cycle.
        GateHolder gate = new GateHolder();
        this.faults = new Faults(builder.seed, gate);
        // its own sequence, so switching latency on does not change which calls meet which faults
        this.roundTrip = builder.latency.isZero() && builder.jitter.isZero() ? RoundTrip.NONE
                : new RoundTrip(builder.latency, builder.jitter, ~builder.seed);
        this.handler = new AwsHttpHandler(firehose, kinesis, faults, journal, clock,
                builder.secretAccessKey == null ? null : new SigV4Check(builder.secretAccessKey), roundTrip);
        this.server = new LoopbackServer(builder.address, builder.port, handler, "firetap-aws-endpoint");
        gate.server = server;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts listening. Idempotent.
     *
     * @throws java.io.UncheckedIOException if the port cannot be bound
     * @throws IllegalStateException if already closed
     */
    public AwsEndpoint start() {
        server.start();
        return this;
    }

    /**
     * {@code http://127.0.0.1:<port>}: what to give {@code endpointOverride} or {@code AWS_ENDPOINT_URL*}.
     * It stays the same for the endpoint's life, refusal windows included.
     *
     * @throws IllegalStateException before {@link #start()} when the port is to be picked
     */
    public URI endpointUri() {
        return URI.create("http://" + hostLiteral(server.address()) + ":" + port());
    }

    /** @throws IllegalStateException before {@link #start()} when the port is to be picked */
    public int port() {
        int port = server.port();
        if (port == 0) {
            throw new IllegalStateException("the port is picked by start(); call it first");
        }
        return port;
    }

    /** The least time each call takes, before any jitter ({@link Duration#ZERO} unless the builder set a latency). */
    public Duration latency() {
        return roundTrip.base();
    }

    /** The most each call takes beyond {@link #latency()}. */
    public Duration jitter() {
        return roundTrip.jitter();
    }

    /** The faults injected into valid calls, for both services. */
    public Faults faults() {
        return faults;
    }

    /**
     * What the Firehose delivery stream {@code name} accepted.
     *
     * @throws IllegalArgumentException if the endpoint does not host it
     */
    public AcceptedStream deliveryStream(String name) {
        return hosted(deliveryStreams, name, "delivery stream");
    }

    /**
     * What the Kinesis data stream {@code name} accepted.
     *
     * @throws IllegalArgumentException if the endpoint does not host it
     */
    public AcceptedStream dataStream(String name) {
        return hosted(dataStreams, name, "data stream");
    }

    /** Every hosted stream, delivery streams first, in the order they were configured. */
    public List<AcceptedStream> streams() {
        List<AcceptedStream> all = new ArrayList<>(deliveryStreams.values());
        all.addAll(dataStreams.values());
        return all;
    }

    /** Every call refused because of its content, on any stream or none, in arrival order. */
    public List<Violation> violations() {
        return journal.violations();
    }

    /** AWS calls received in the JSON 1.1 ({@code cbor} false) or CBOR 1.1 encoding, whatever their outcome. */
    long calls(boolean cbor) {
        return handler.calls(cbor ? WireFormat.CBOR : WireFormat.JSON);
    }

    /** Stops listening and every thread; closes open connections. Idempotent. */
    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "AwsEndpoint{port " + server.port() + ", firehose=" + deliveryStreams.keySet() + ", kinesis=" + dataStreams.keySet()
                + ", latency " + roundTrip + "}";
    }

    private static AcceptedStream hosted(Map<String, AcceptedStream> streams, String name, String kind) {
        Objects.requireNonNull(name, "name");
        AcceptedStream stream = streams.get(name);
        if (stream == null) {
            throw new IllegalArgumentException("no " + kind + " named '" + name + "'; hosted: " + streams.keySet());
        }
        return stream;
    }

    private static String hostLiteral(InetAddress address) {
        String host = address.getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static final class GateHolder implements io.firetap.testkit.fault.ConnectionGate {
        private volatile LoopbackServer server;

        @Override
        public void refuseFor(java.time.Duration duration) {
            server.refuseFor(duration);
        }

        @Override
        public void reopen() {
            server.reopen();
        }
    }

    /** Configures an {@link AwsEndpoint}: its port, streams, fault seed and listeners. */
    public static final class Builder {
        private final List<String> deliveryStreams = new ArrayList<>();
        private final Map<String, DataStreamSpec> dataStreams = new LinkedHashMap<>();
        private InetAddress address = InetAddress.getLoopbackAddress();
        private int port;
        private long seed = DEFAULT_SEED;
        private String accountId = DEFAULT_ACCOUNT_ID;
        private boolean retainRecords = true;
        private Consumer<AcceptedRecord> onAccepted;
        private Consumer<Violation> onViolation;
        private String secretAccessKey;
        private Duration latency = Duration.ZERO;
        private Duration jitter = Duration.ZERO;

        private Builder() {
        }

        /**
         * Every Firehose and Kinesis call answers {@code base} plus up to {@code jitter} after it
         * arrives (drawn uniformly per call, from a sequence the {@link #seed(long)} fixes), as a regional
         * endpoint's round trip would: half of it passes before the call takes effect, the rest before
         * the answer leaves, whatever the outcome. Each call waits on its own thread, so calls on other
         * connections answer independently. Injected {@link Faults#latency(Duration)} adds to it.
         * Default: none.
         */
        public Builder latency(Duration base, Duration jitter) {
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(jitter, "jitter");
            if (base.isNegative() || jitter.isNegative()) {
                throw new IllegalArgumentException("latency and jitter must not be negative: " + base + ", " + jitter);
            }
            this.latency = base;
            this.jitter = jitter;
            return this;
        }

        /** {@link #latency(Duration, Duration)} without jitter. */
        public Builder latency(Duration base) {
            return latency(base, Duration.ZERO);
        }

        /** Listen on {@code port}; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be within [0, 65535]: " + port);
            }
            this.port = port;
            return this;
        }

        /** Listen on {@code address} instead of the loopback address (e.g. for a container to reach it). */
        public Builder address(InetAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /** Host a Firehose delivery stream. */
        public Builder deliveryStream(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || name.length() > FirehoseService.MAX_STREAM_NAME_LENGTH
                    || !name.matches(FirehoseService.STREAM_NAME_PATTERN)) {
                throw new IllegalArgumentException("delivery stream name must be 1-" + FirehoseService.MAX_STREAM_NAME_LENGTH
                        + " characters of " + FirehoseService.STREAM_NAME_PATTERN + ": '" + name + "'");
            }
            if (deliveryStreams.contains(name)) {
                throw new IllegalArgumentException("delivery stream '" + name + "' configured twice");
            }
            deliveryStreams.add(name);
            return this;
        }

        /** Host a Kinesis data stream with {@code shardCount} shards and the service's default limits. */
        public Builder dataStream(String name, int shardCount) {
            return dataStream(DataStreamSpec.of(name, shardCount));
        }

        /** Host a Kinesis data stream. */
        public Builder dataStream(DataStreamSpec spec) {
            Objects.requireNonNull(spec, "spec");
            if (dataStreams.putIfAbsent(spec.name(), spec) != null) {
                throw new IllegalArgumentException("data stream '" + spec.name() + "' configured twice");
            }
            return this;
        }

        /**
         * Checks every call's SigV4 signature against this secret access key, as the service does:
         * a request whose signature does not cover what was received (method, path, signed headers,
         * body) is refused with {@code InvalidSignatureException} and recorded as a violation.
         */
        public Builder verifySignatures(String secretAccessKey) {
            this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
            return this;
        }

        /** Seed of the fault decisions (default {@value #DEFAULT_SEED}). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The 12-digit account id in ARNs and error messages. */
        public Builder accountId(String accountId) {
            Objects.requireNonNull(accountId, "accountId");
            if (!accountId.matches("\\d{12}")) {
                throw new IllegalArgumentException("account id must be 12 digits: '" + accountId + "'");
            }
            this.accountId = accountId;
            return this;
        }

        /**
         * Whether to keep every accepted record (default true). Off, only counters are kept, so
         * a benchmark can push millions of lines through without filling the heap.
         */
        public Builder retainRecords(boolean retain) {
            this.retainRecords = retain;
            return this;
        }

        /** Called on a request thread for every accepted record; must be quick and must not throw. */
        public Builder onAccepted(Consumer<AcceptedRecord> listener) {
            this.onAccepted = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Called on a request thread for every refused call; must be quick and must not throw. */
        public Builder onViolation(Consumer<Violation> listener) {
            this.onViolation = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public AwsEndpoint build() {
            return new AwsEndpoint(this);
        }

        /** {@link #build()} then {@link AwsEndpoint#start()}. */
        public AwsEndpoint start() {
            return build().start();
        }
    }
}
