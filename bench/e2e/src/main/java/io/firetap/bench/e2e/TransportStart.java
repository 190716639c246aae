package io.firetap.bench.e2e;

import io.firetap.core.config.Settings;
import io.firetap.core.sink.SendResult;
import io.firetap.core.sink.Sink;
import io.firetap.core.sink.SinkContext;
import io.firetap.core.sink.SinkRecord;
import io.firetap.sink.firehose.FirehoseSinkProvider;
import io.firetap.testkit.aws.AwsEndpoint;
import io.firetap.testkit.local.LayerZip;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * What each HTTP transport of the AWS sinks costs a fresh JVM with the extension's options: per
 * transport, a new JVM on the built layer's class path builds the Firehose sink's client against the
 * testkit's Firehose endpoint (signatures checked), makes one call, then 100 calls of 100 KB; beside
 * it the floor, an empty {@code main} with the same JVM, options and class path. Reports, as medians
 * of alternating runs: ms from launch to the first call done (the floor: to {@code main}), peak RSS
 * ({@code VmHWM}), CPU time user + system from {@code /proc/<pid>/stat}, threads.
 *
 * <pre>{@code
 * mvn -B -q package -DskipTests [-Pcrt -pl bench/e2e -am]
 * java -cp 'bench/e2e/target/*:bench/e2e/target/lib/*' io.firetap.bench.e2e.TransportStart \
 *     [--layer firetap-layer/target/firetap-layer.zip] [--runs 5] [--java <java>] [--only floor,urlconnection,...]
 * }</pre>
 *
 * <p>{@code urlconnection} and {@code netty} are the sink as it ships ({@code FIRETAP_AWS_HTTP_CLIENT}),
 * netty with its jars added as a layer built with {@code -Dlayer.netty=true} holds them;
 * {@code urlconnection-with-netty-jars} is the default transport on that class path. Two more
 * use a bare {@code FirehoseClient} (the SDK's own marshalling, no warm-up) on the sync client the SDK
 * picks by {@code software.amazon.awssdk.http.service.impl}: {@code bare-urlconnection}, and
 * {@code bare-crt} when {@code bench/e2e} was built with {@code -Pcrt} (AWS CRT is not shipped).
 * Not part of the build's tests: a benchmark, run by hand.
 */
public final class TransportStart {
    /** The extension's JVM options, as {@code firetap-layer/src/layer/extensions/firetap} sets them. */
    static final List<String> EXTENSION_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError", "-Xshare:auto", "-Xss512k", "-Xms16m", "-Xmx48m",
            "-XX:MaxMetaspaceSize=64m", "-XX:ReservedCodeCacheSize=24m", "-XX:MaxDirectMemorySize=32m",
            "-Dslf4j.provider=io.firetap.extension.internal.logging.JsonStderrServiceProvider",
            "-Dslf4j.internal.verbosity=WARN");
    private static final String STREAM = "logs";
    private static final String SECRET = "not-a-secret";
    private static final int CALLS = 100;
    private static final int CALL_BYTES = 100_000;
    private static final long RUN_LIMIT_SECONDS = 120;

    /** One way to start: what the child does and with which class path, environment and properties. */
    private record Config(String name, String mode, List<Path> classPath, Map<String, String> env, List<String> props) {
    }

    /** One run's figures. */
    private record Run(double readyMs, double firstCallMs, double cpuAtFirstMs, double peakRssMiB, double cpuMs,
            double threads, double callP50Ms) {
    }

    private TransportStart() {
    }

    public static void main(String[] args) throws Exception {
        Path zip = Path.of("firetap-layer/target/firetap-layer.zip");
        int runs = 5;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--layer" -> zip = Path.of(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--java" -> java = args[++i];
                case "--only" -> only = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--layer <zip>, --runs <n>, --java <path>, --only <names>)");
            }
        }
        Path work = Files.createTempDirectory("firetap-transport");
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream(STREAM).retainRecords(false)
                .verifySignatures(SECRET).start()) {
            List<Config> configs = configs(LayerZip.unzip(zip, work.resolve("opt")), aws.endpointUri(), only);
            long tick = clockTicksPerSecond();
            log("java " + java + "; layer " + zip + "; " + runs + " runs of " + configs.stream().map(Config::name).toList()
                    + ", alternating, after one round not counted");
            Map<String, List<Run>> results = new LinkedHashMap<>();
            configs.forEach(c -> results.put(c.name(), new ArrayList<>()));
            for (int round = 0; round <= runs; round++) {
                for (int k = 0; k < configs.size(); k++) {
                    // a different config goes first in each round, so none always follows the same one
                    Config c = configs.get((k + round) % configs.size());
                    Run r = run(java, c, work, tick);
                    if (round > 0) {
                        results.get(c.name()).add(r);
                    }
                    log((round == 0 ? "warm-up " : "run " + round + " ") + c.name() + ": " + r);
                }
            }
            System.out.println(table(results));
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static List<Config> configs(Path layer, URI endpoint, List<String> only) throws IOException {
        Path bench = Path.of(TransportStart.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        List<Path> lib = jars(layer.resolve("firetap/lib"));
        // the netty transport's jars: the layer's when built with -Dlayer.netty=true, else the bench's own copies
        List<Path> netty = lib.stream().filter(TransportStart::isNetty).toList();
        if (netty.isEmpty()) {
            netty = jars(bench.getParent().resolve("lib")).stream().filter(TransportStart::isNetty).toList();
        }
        List<Path> withoutNetty = classPath(bench, lib.stream().filter(j -> !isNetty(j)).toList(), List.of());
        List<Path> withNetty = classPath(bench, lib.stream().filter(j -> !isNetty(j)).toList(), netty);
        Map<String, String> env = Map.of("FIRETAP_STREAM_NAME", STREAM, "AWS_REGION", "eu-west-1",
                "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", SECRET,
                "AWS_ENDPOINT_URL_FIREHOSE", endpoint.toString());
        List<Config> all = new ArrayList<>();
        all.add(new Config("floor", "floor", withoutNetty, env, List.of()));
        all.add(new Config("urlconnection", "sink", withoutNetty,
                with(env, "FIRETAP_AWS_HTTP_CLIENT", "urlconnection"), List.of()));
        all.add(new Config("netty", "sink", withNetty, with(env, "FIRETAP_AWS_HTTP_CLIENT", "netty"), List.of()));
        all.add(new Config("urlconnection-with-netty-jars", "sink", withNetty,
                with(env, "FIRETAP_AWS_HTTP_CLIENT", "urlconnection"), List.of()));
        all.add(new Config("bare-urlconnection", "bare", withoutNetty, env,
                List.of("-Dsoftware.amazon.awssdk.http.service.impl="
                        + "software.amazon.awssdk.http.urlconnection.UrlConnectionSdkHttpService")));
        Path crt = bench.getParent().resolve("crt");
        if (Files.isDirectory(crt)) {
            List<Path> withCrt = new ArrayList<>(withoutNetty);
            withCrt.addAll(jars(crt));
            all.add(new Config("bare-crt", "bare", withCrt, env,
                    List.of("-Dsoftware.amazon.awssdk.http.service.impl=software.amazon.awssdk.http.crt.AwsCrtSdkHttpService")));
        } else {
            log("bare-crt skipped: no " + crt + " (build it with: mvn -B -q package -DskipTests -Pcrt -pl bench/e2e -am)");
        }
        return only == null ? all : all.stream().filter(c -> c.name().equals("floor") || only.contains(c.name())).toList();
    }

    private static boolean isNetty(Path jar) {
        return jar.getFileName().toString().startsWith("netty-");
    }

    /** The bench's jar first (its classes are found at once), then the jars in name order, as a sorted folder lists them. */
    private static List<Path> classPath(Path bench, List<Path> lib, List<Path> more) {
        List<Path> jars = new ArrayList<>(lib);
        jars.addAll(more);
        jars.sort(Comparator.comparing(p -> p.getFileName().toString()));
        List<Path> cp = new ArrayList<>(List.of(bench));
        cp.addAll(jars);
        return cp;
    }

    private static List<Path> jars(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> m = new LinkedHashMap<>(env);
        m.put(name, value);
        return m;
    }

    private static Run run(String java, Config c, Path work, long tick) throws Exception {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(EXTENSION_JVM_OPTIONS);
        command.addAll(c.props());
        command.add("-cp");
        command.add(String.join(":", c.classPath().stream().map(Path::toString).toList()));
        if (c.mode().equals("floor")) {
            command.add(Floor.class.getName());
        } else {
            command.add(Child.class.getName());
            command.add(c.mode());
        }
        Path stderr = work.resolve(c.name() + ".stderr");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("FIRETAP_") || k.startsWith("AWS_"));
        pb.environment().putAll(c.env());
        long launched = System.nanoTime();
        Process child = pb.start();
        Thread watchdog = new Thread(() -> {
            try {
                if (!child.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                child.destroyForcibly();
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        long pid = child.pid();
        double readyMs = Double.NaN;
        double firstMs = Double.NaN;
        double cpuAtFirst = Double.NaN;
        double p50 = Double.NaN;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
             OutputStream in = child.getOutputStream()) {
            String line;
            while ((line = out.readLine()) != null) {
                double ms = (System.nanoTime() - launched) / 1e6;
                if (line.equals("ready")) {
                    readyMs = ms;
                } else if (line.equals("first-call")) {
                    firstMs = ms;
                    cpuAtFirst = cpuMs(pid, tick);
                    in.write('\n');
                    in.flush();
                } else if (line.startsWith("done")) {
                    if (!line.equals("done")) {
                        p50 = Double.parseDouble(line.substring("done ".length()));
                    }
                    break;
                } else {
                    throw new IllegalStateException(c.name() + ": " + line + "; stderr: " + Files.readString(stderr));
                }
            }
            if (line == null) {
                throw new IllegalStateException(c.name() + " ended early; stderr: " + Files.readString(stderr));
            }
            double cpu = cpuMs(pid, tick);
            Map<String, Long> status = status(pid);
            Run r = new Run(readyMs, c.mode().equals("floor") ? readyMs : firstMs,
                    c.mode().equals("floor") ? cpu : cpuAtFirst, status.get("VmHWM") / 1024.0, cpu, status.get("Threads"), p50);
            in.close();
            child.waitFor(10, TimeUnit.SECONDS);
            return r;
        } finally {
            child.destroyForcibly();
        }
    }

    /** User + system CPU of the process so far: {@code /proc/<pid>/stat} fields 14 and 15, in clock ticks. */
    private static double cpuMs(long pid, long tick) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // the command name (field 2) may hold spaces: count fields after its closing parenthesis
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000.0 / tick;
    }

    private static Map<String, Long> status(long pid) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:") || line.startsWith("Threads:")) {
                m.put(line.substring(0, line.indexOf(':')), Long.parseLong(line.replaceAll("\\D", "")));
            }
        }
        return m;
    }

    private static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return p.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return 100;
        }
    }

    private static String table(Map<String, List<Run>> results) {
        List<Run> floor = results.get("floor");
        double floorMs = median(floor, Run::firstCallMs);
        double floorRss = median(floor, Run::peakRssMiB);
        double floorCpu = median(floor, Run::cpuMs);
        StringBuilder sb = new StringBuilder();
        sb.append("| transport | first call done, ms from launch (− floor) | client ready, ms | CPU at first call, ms")
                .append(" (− floor) | peak RSS after 100 × 100 KB, MiB (− floor) | CPU in all, ms (− floor)")
                .append(" | threads | 100 KB call p50, ms |\n|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<Run>> e : results.entrySet()) {
            List<Run> runs = e.getValue();
            boolean isFloor = e.getKey().equals("floor");
            double first = median(runs, Run::firstCallMs);
            double cpuFirst = median(runs, Run::cpuAtFirstMs);
            double rss = median(runs, Run::peakRssMiB);
            double cpu = median(runs, Run::cpuMs);
            sb.append("| ").append(isFloor ? "floor (empty `main`)" : e.getKey())
                    .append(" | ").append(isFloor ? fmt0(first) + " (to `main`)" : fmt0(first) + " (+" + fmt0(first - floorMs) + ")")
                    .append(" | ").append(isFloor ? "—" : fmt0(median(runs, Run::readyMs)))
                    .append(" | ").append(isFloor ? fmt0(cpuFirst) : fmt0(cpuFirst) + " (+" + fmt0(cpuFirst - floorCpu) + ")")
                    .append(" | ").append(isFloor ? fmt1(rss) : fmt1(rss) + " (+" + fmt1(rss - floorRss) + ")")
                    .append(" | ").append(isFloor ? fmt0(cpu) : fmt0(cpu) + " (+" + fmt0(cpu - floorCpu) + ")")
                    .append(" | ").append(fmt0(median(runs, Run::threads)))
                    .append(" | ").append(isFloor ? "—" : fmt1(median(runs, Run::callP50Ms)))
                    .append(" |\n");
        }
        return sb.toString();
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        double[] v = runs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String fmt0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String fmt1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static void log(String message) {
        System.err.println("[transport] " + message);
    }

    /** The floor: an empty {@code main} that says so, then waits for the parent to have read its figures. */
    static final class Floor {
        private Floor() {
        }

        public static void main(String[] args) throws IOException {
            System.out.print("ready\ndone\n");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the parent closes stdin
            }
        }
    }

    /**
     * The measured JVM. {@code sink}: the Firehose sink from
     * the environment, started (client built and warmed) and one call made, as the extension does it;
     * {@code bare}: a plain {@code FirehoseClient} and one call. Then, once told to go on, 100 calls of
     * 100 KB, and {@code done <p50 ms>}. It leaves when its stdin closes, after the parent has read
     * its figures.
     */
    static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws Exception {
            Caller caller = args[0].equals("sink") ? new SinkCaller() : new BareCaller();
            System.out.println("ready");
            System.out.flush();
            caller.call(new byte[] {'f', 'i', 'r', 's', 't', '\n'});
            System.out.println("first-call");
            System.out.flush();
            if (System.in.read() < 0) {
                return;
            }
            byte[] payload = new byte[CALL_BYTES];
            Arrays.fill(payload, (byte) 'x');
            for (int i = 99; i < payload.length; i += 100) {
                payload[i] = '\n';
            }
            long[] took = new long[CALLS];
            for (int i = 0; i < CALLS; i++) {
                long started = System.nanoTime();
                caller.call(payload);
                took[i] = System.nanoTime() - started;
            }
            Arrays.sort(took);
            System.out.println("done " + String.format(Locale.ROOT, "%.3f", took[CALLS / 2] / 1e6));
            System.out.flush();
            awaitEndOfInput();
            caller.close();
            System.exit(0);
        }

        private static void awaitEndOfInput() throws IOException {
            while (System.in.read() >= 0) {
                // the parent closes stdin once it has read /proc
            }
        }
    }

    /** One call with one record of the given bytes. */
    private interface Caller {
        void call(byte[] record) throws Exception;

        void close() throws Exception;
    }

    /** The Firehose sink as the extension makes it, on the transport FIRETAP_AWS_HTTP_CLIENT names. */
    private static final class SinkCaller implements Caller {
        private final Sink sink;

        SinkCaller() throws Exception {
            sink = new FirehoseSinkProvider().create(SinkContext.of(Settings.fromEnvironment()));
            sink.start().get(30, TimeUnit.SECONDS);
        }

        @Override
        public void call(byte[] record) throws Exception {
            int lines = 0;
            for (byte b : record) {
                lines += b == '\n' ? 1 : 0;
            }
            SendResult r = sink.send(List.of(new SinkRecord(record, lines, null, 0L))).get(30, TimeUnit.SECONDS);
            if (!r.isSuccess()) {
                throw new IllegalStateException("the call failed: " + r);
            }
        }

        @Override
        public void close() throws Exception {
            sink.shutdown().get(5, TimeUnit.SECONDS);
        }
    }

    /** A plain FirehoseClient on the sync HTTP client the SDK finds, with the SDK's own marshalling. */
    private static final class BareCaller implements Caller {
        private final FirehoseClient client;

        BareCaller() {
            client = FirehoseClient.builder()
                    .region(Region.of(System.getenv("AWS_REGION")))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                            System.getenv("AWS_ACCESS_KEY_ID"), System.getenv("AWS_SECRET_ACCESS_KEY"))))
                    .endpointOverride(URI.create(System.getenv("AWS_ENDPOINT_URL_FIREHOSE")))
                    .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(r -> r.maxAttempts(1)))
                    .build();
        }

        @Override
        public void call(byte[] record) {
            PutRecordBatchResponse r = client.putRecordBatch(PutRecordBatchRequest.builder().deliveryStreamName(STREAM)
                    .records(Record.builder().data(SdkBytes.fromByteArrayUnsafe(record)).build()).build());
            if (r.failedPutCount() != null && r.failedPutCount() > 0) {
                throw new IllegalStateException("the call failed: " + r);
            }
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
