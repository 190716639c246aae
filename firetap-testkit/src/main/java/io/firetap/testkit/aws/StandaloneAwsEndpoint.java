package io.firetap.testkit.aws;

import io.firetap.testkit.fault.Faults;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs an {@link AwsEndpoint} as a process of its own, for the local run and for anyone who
 * wants to watch what their own program sends to Firehose or Kinesis:
 *
 * <pre>
 * java -cp firetap-testkit.jar:... io.firetap.testkit.aws.StandaloneAwsEndpoint \
 *     --port 4566 --firehose logs --kinesis events:4
 * AWS_ENDPOINT_URL=http://127.0.0.1:4566 ./my-program
 * </pre>
 *
 * <p>Accepted lines go to standard output as {@code firehose/logs | <line>} (or one summary per
 * record, or nothing); the banner, every refused call and, on exit, a summary per stream go to
 * standard error. Faults can be switched on from the command line. Runs until killed.
 */
public final class StandaloneAwsEndpoint {

    static final String USAGE = String.join("\n",
            "usage: StandaloneAwsEndpoint [options]",
            "  --firehose NAME          host a Firehose delivery stream (repeatable)",
            "  --kinesis NAME[:SHARDS]  host a Kinesis data stream, 1 shard unless given (repeatable)",
            "  --port N                 port to listen on; 0 (default) picks a free one",
            "  --bind ADDRESS           address to listen on (default: loopback)",
            "  --print lines|records|none  what to print for accepted data (default: lines)",
            "  --seed N                 seed of the fault decisions",
            "  --throttle-calls P       throttle each call with probability P",
            "  --fail-entries P         fail each batch entry with the throttling code with probability P",
            "  --server-errors P        answer HTTP 500 with probability P",
            "  --reset-connections P    drop the connection without an answer with probability P",
            "  --latency-ms N           every call answers N ms after it arrives, as a regional endpoint's",
            "                           round trip (half before it takes effect, half after); default 0",
            "  --jitter-ms N            plus a uniform random 0 to N ms per call; default 0",
            "  --help                   this text");

    private StandaloneAwsEndpoint() {
    }

    public static void main(String[] args) throws InterruptedException {
        // this JVM is the endpoint's own: small responses go out at once (see NagleCheck)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(USAGE);
            return;
        }
        AwsEndpoint endpoint;
        try {
            endpoint = start(options, System.out, System.err);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        } catch (UncheckedIOException e) {
            System.err.println("error: " + e.getMessage() + ": " + e.getCause().getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            printSummary(endpoint, System.err);
            endpoint.close();
            stopped.countDown();
        }, "firetap-aws-endpoint-shutdown"));
        // The server threads are daemons: the main thread keeps the process alive until it is killed.
        stopped.await();
    }

    /** Starts the endpoint {@code options} describe, printing accepted data to {@code out} and the rest to {@code err}. */
    static AwsEndpoint start(Options options, PrintStream out, PrintStream err) {
        Printer printer = new Printer(options.print, out, err);
        AwsEndpoint.Builder builder = AwsEndpoint.builder()
                .port(options.port)
                .address(options.address)
                .seed(options.seed)
                .onAccepted(printer::accepted)
                .onViolation(printer::violation)
                .latency(Duration.ofMillis(options.latencyMillis), Duration.ofMillis(options.jitterMillis));
        options.deliveryStreams.forEach(builder::deliveryStream);
        options.dataStreams.forEach(builder::dataStream);
        AwsEndpoint endpoint = builder.start();
        Faults faults = endpoint.faults();
        faults.throttleCalls(options.throttleCalls).failEntries(options.failEntries)
                .serverErrors(options.serverErrors).resetConnections(options.resetConnections);
        err.println("firetap AWS endpoint listening on " + endpoint.endpointUri());
        if (!options.deliveryStreams.isEmpty()) {
            err.println("  Firehose delivery streams: " + String.join(", ", options.deliveryStreams));
        }
        for (DataStreamSpec spec : options.dataStreams) {
            err.println("  Kinesis data stream: " + spec.name() + " (" + spec.shardCount() + " shard"
                    + (spec.shardCount() == 1 ? "" : "s") + ")");
        }
        err.println("  clients: AWS_ENDPOINT_URL=" + endpoint.endpointUri()
                + " (Kinesis SDK clients need HTTP/1.1: NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))");
        if (!endpoint.latency().isZero() || !endpoint.jitter().isZero()) {
            err.println("  latency: every call " + endpoint.latency().toMillis() + " ms"
                    + (endpoint.jitter().isZero() ? "" : " plus up to " + endpoint.jitter().toMillis() + " ms"));
        }
        err.println("  faults: " + faults);
        err.flush();
        return endpoint;
    }

    static void printSummary(AwsEndpoint endpoint, PrintStream err) {
        for (AcceptedStream stream : endpoint.streams()) {
            StreamStats s = stream.stats();
            String cost = stream.service() == AwsService.FIREHOSE
                    ? s.billedBytes() + " billed bytes"
                    : s.putPayloadUnits() + " PUT payload units";
            err.println(label(stream.service(), stream.name()) + ": " + s.calls() + " calls, " + s.records() + " records, "
                    + s.lines() + " lines, " + s.payloadBytes() + " payload bytes, " + cost + ", "
                    + s.failedEntries() + " failed entries, " + s.violations() + " violations");
        }
        err.println("injected faults: " + endpoint.faults().injected());
        err.flush();
    }

    private static String label(AwsService service, String stream) {
        return service.name().toLowerCase(Locale.ROOT) + "/" + stream;
    }

    /** What to print for accepted data. */
    enum Print { LINES, RECORDS, NONE }

    /** Writes each record in one piece, so concurrent calls never interleave inside a record. */
    private static final class Printer {
        private final Print mode;
        private final PrintStream out;
        private final PrintStream err;
        private final ReentrantLock lock = new ReentrantLock();

        Printer(Print mode, PrintStream out, PrintStream err) {
            this.mode = mode;
            this.out = out;
            this.err = err;
        }

        void accepted(AcceptedRecord record) {
            if (mode == Print.NONE) {
                return;
            }
            String label = label(record.service(), record.streamName());
            ByteArrayOutputStream text = new ByteArrayOutputStream(record.size() + 64);
            if (mode == Print.RECORDS) {
                text.writeBytes((label + " record " + record.id() + " " + record.size() + " bytes"
                        + (record.shardId() == null ? "" : " " + record.shardId() + " key=" + record.partitionKey()) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            } else {
                byte[] prefix = (label + " | ").getBytes(StandardCharsets.UTF_8);
                ByteBuffer data = record.dataBuffer();
                int start = 0;
                int end = data.remaining();
                for (int i = 0; i <= end; i++) {
                    if (i == end ? i > start : data.get(i) == '\n') {
                        text.writeBytes(prefix);
                        byte[] line = new byte[i - start];
                        data.get(start, line);
                        text.writeBytes(line);
                        text.write('\n');
                        start = i + 1;
                    }
                }
            }
            write(out, text.toByteArray());
        }

        void violation(Violation v) {
            String where = v.service() == null ? "?" : label(v.service(), v.streamName() == null ? "?" : v.streamName());
            write(err, ("refused: " + where + " " + v.operation() + " " + v.errorCode() + ": " + v.message() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }

        private void write(PrintStream stream, byte[] bytes) {
            lock.lock();
            try {
                stream.write(bytes, 0, bytes.length);
                stream.flush();
            } finally {
                lock.unlock();
            }
        }
    }

    /** The command line, checked: every error names the option, the value and what is allowed. */
    static final class Options {
        final List<String> deliveryStreams = new ArrayList<>();
        final List<DataStreamSpec> dataStreams = new ArrayList<>();
        int port;
        InetAddress address = InetAddress.getLoopbackAddress();
        Print print = Print.LINES;
        long seed = AwsEndpoint.DEFAULT_SEED;
        double throttleCalls;
        double failEntries;
        double serverErrors;
        double resetConnections;
        long latencyMillis;
        long jitterMillis;
        boolean help;

        static Options parse(String... args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help") || flag.equals("-h")) {
                    o.help = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value" : "unknown argument " + flag);
                }
                String value = args[++i];
                switch (flag) {
                    case "--firehose":
                        o.deliveryStreams.add(value);
                        break;
                    case "--kinesis":
                        o.dataStreams.add(dataStream(value));
                        break;
                    case "--port":
                        o.port = (int) number(flag, value, 0, 65_535);
                        break;
                    case "--bind":
                        o.address = address(value);
                        break;
                    case "--print":
                        o.print = print(value);
                        break;
                    case "--seed":
                        o.seed = number(flag, value, Long.MIN_VALUE, Long.MAX_VALUE);
                        break;
                    case "--throttle-calls":
                        o.throttleCalls = probability(flag, value);
                        break;
                    case "--fail-entries":
                        o.failEntries = probability(flag, value);
                        break;
                    case "--server-errors":
                        o.serverErrors = probability(flag, value);
                        break;
                    case "--reset-connections":
                        o.resetConnections = probability(flag, value);
                        break;
                    case "--latency-ms":
                        o.latencyMillis = number(flag, value, 0, Duration.ofHours(1).toMillis());
                        break;
                    case "--jitter-ms":
                        o.jitterMillis = number(flag, value, 0, Duration.ofHours(1).toMillis());
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (!o.help && o.deliveryStreams.isEmpty() && o.dataStreams.isEmpty()) {
                throw new IllegalArgumentException("give at least one --firehose or --kinesis stream");
            }
            return o;
        }

        private static DataStreamSpec dataStream(String value) {
            int colon = value.lastIndexOf(':');
            String name = colon < 0 ? value : value.substring(0, colon);
            int shards = colon < 0 ? 1 : (int) number("--kinesis " + name + ":SHARDS", value.substring(colon + 1), 1, 10_000);
            try {
                return DataStreamSpec.of(name, shards);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--kinesis '" + value + "': " + e.getMessage(), e);
            }
        }

        private static Print print(String value) {
            try {
                return Print.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--print '" + value + "': allowed are lines, records, none", e);
            }
        }

        private static InetAddress address(String value) {
            try {
                return InetAddress.getByName(value);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("--bind '" + value + "': not an address of this host", e);
            }
        }

        private static long number(String flag, String value, long min, long max) {
            long n;
            try {
                n = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " '" + value + "': not a whole number", e);
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException(flag + " '" + value + "': allowed are " + min + " to " + max);
            }
            return n;
        }

        private static double probability(String flag, String value) {
            double p;
            try {
                p = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " '" + value + "': not a number", e);
            }
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException(flag + " '" + value + "': allowed are 0 to 1");
            }
            return p;
        }
    }
}
