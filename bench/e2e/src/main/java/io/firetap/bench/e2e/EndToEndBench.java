package io.firetap.bench.e2e;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.firetap.testkit.aws.AcceptedRecord;
import io.firetap.testkit.aws.AcceptedStream;
import io.firetap.testkit.aws.AwsEndpoint;
import io.firetap.testkit.lambda.Invocation;
import io.firetap.testkit.lambda.LambdaEmulator;
import io.firetap.testkit.local.LayerZip;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The end-to-end benchmark behind {@code bench/run}: the built layer (real launcher, extension and
 * sh wrapper) under the testkit's Lambda emulator, shipping through the Firehose sink on its default
 * transport ({@code FIRETAP_AWS_HTTP_CLIENT}, which the bench's environment can set) to the fake
 * Firehose on loopback. Writes {@code <out>/<date>.md}, {@code .json} and {@code .svg}.
 */
public final class EndToEndBench {
    private static final int[] LINE_SIZES = {100, 1024, 16 * 1024};
    private static final int[] HOLD_LINES = {10, 1_000, 10_000};
    private static final String STREAM = "bench";
    /** The event of an invocation that writes nothing. */
    private static final String EMPTY = "{\"lines\":0}";
    /** Where the delivery scenario's plain calls go, so the lines counted in {@link #STREAM} are firetap's only. */
    private static final String FLOOR_STREAM = "bench-floor";

    /**
     * The proxy scenario's orders of its four environments (direct, wrapped, direct2, relayed): over
     * four rounds each is invoked first, second, third and last once, and right after each other one
     * once, so none always runs in the wake of the same one.
     */
    private static final int[][] PROXY_ORDERS = {{0, 1, 3, 2}, {1, 2, 0, 3}, {2, 3, 1, 0}, {3, 0, 2, 1}};

    private final Path zip;
    private final Path out;
    private final int reps;
    private final long throughputBytes;
    private final int holdInvocations;
    /** Rounds of the proxy scenario: enough that its p99 is not simply the worst of a few. */
    private final int proxyPairs;
    private final Path work;
    private final Path layer;
    private final Path task;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private static boolean showOutput;
    /** Scenarios to run (throughput, memory, hold, cold, proxy, sinks, delivery); null runs all and writes the report. */
    private static Set<String> only;
    /** Removes the bundled runtime's class-data archive from the unzipped layer (to compare without it). */
    private static boolean noArchive;
    /** The soak run's size and pace ({@code --only soak}; never part of the default run). */
    private static int soakInvocations = 30_000;
    private static int soakRate = 50;

    private EndToEndBench(Path zip, Path out, boolean quick) throws IOException {
        this.zip = zip;
        this.out = out;
        this.reps = quick ? 2 : 3;
        this.throughputBytes = quick ? 16L << 20 : 64L << 20;
        this.holdInvocations = quick ? 50 : 200;
        this.proxyPairs = quick ? 400 : 1000;
        this.work = Files.createTempDirectory("firetap-bench");
        this.layer = LayerZip.unzip(zip, work.resolve("opt"));
        if (noArchive) {
            Files.deleteIfExists(layer.resolve("firetap/jre/lib/firetap.aot"));
            Files.deleteIfExists(layer.resolve("firetap/jre/lib/firetap.jsa"));
        }
        this.task = Files.createDirectories(work.resolve("task"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String function = "exec '" + java + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp '"
                + System.getProperty("java.class.path") + "' " + FloodFunction.class.getName();
        script(task.resolve("bootstrap"), "exec '" + layer.resolve("extensions/firetap") + "'\n");
        script(task.resolve("flood"), function + "\n");
    }

    public static void main(String[] args) throws Exception {
        Path zip = Path.of("firetap-layer/target/firetap-layer.zip");
        Path out = Path.of("bench/results");
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--layer" -> zip = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--quick" -> quick = true;
                case "--show-output" -> showOutput = true;
                case "--only" -> only = Set.of(args[++i].split(","));
                case "--no-archive" -> noArchive = true;
                case "--soak-invocations" -> soakInvocations = Integer.parseInt(args[++i]);
                case "--soak-rate" -> soakRate = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        EndToEndBench bench = new EndToEndBench(zip, out, quick);
        int status = 0;
        try {
            bench.run();
        } catch (Exception | Error e) {
            // exit even so: an emulator or endpoint left open would keep the JVM alive
            e.printStackTrace();
            status = 1;
        } finally {
            bench.cleanUp();
        }
        System.exit(status);
    }

    private void run() throws Exception {
        long start = System.nanoTime();
        results.put("machine", machine());
        if (selected("throughput")) {
            log("scenario 1 + 4: throughput and peak RSS");
            results.put("throughput", throughput());
        }
        if (selected("memory")) {
            log("scenario 4: peak RSS at 100,000 lines/s");
            memoryAtRate();
        }
        if (selected("hold")) {
            log("scenario 2 + 5: post-runtime hold and cost");
            results.put("hold", holds());
            results.put("cost", cost());
        }
        if (selected("cold")) {
            log("scenario 3: cold start");
            results.put("coldStart", coldStarts());
        }
        if (selected("proxy")) {
            log("wrapper: the Runtime API proxy's and the intake's cost per invocation");
            results.put("proxy", proxyOverhead());
        }
        if (selected("delivery")) {
            log("delivery modes at a 20 ms round trip: steady and sparse traffic, adaptive and strict");
            results.put("delivery", deliveryModes());
        }
        if (selected("sandbox")) {
            if (SandboxCost.install(task)) {
                log("cold-start cost against the same function without firetap (a Python custom runtime)");
                // 24 rounds (~20 s): paired differences of two cold starts spread by ±20–30 ms here, and
                // the wrapper's few ms are to be read from their median; with 5 it swung by ±15 ms
                Map<String, Object> sandbox = SandboxCost.run(task, aws -> environment(aws, SandboxCost.HANDLER,
                        Map.of("FIRETAP_DELIVERY", "adaptive")), 24);
                results.put("sandbox", sandbox);
                log("  " + sandbox);
            } else {
                log("cold-start cost against the same function without firetap: skipped, no python3 on the PATH");
            }
        }
        if (selected("sinks")) {
            log("sinks alone: pipeline + sink + loopback endpoint in one JVM");
            results.put("sinks", sinkThroughput());
        }
        if (only != null && only.contains("soak")) {
            log("soak: " + soakInvocations + " invocations at " + soakRate + "/s, throttling and failed entries injected");
            Map<String, Object> soak = new Soak(STREAM, soakInvocations, soakRate,
                    aws -> environment(aws, "flood", Soak.settings())).run();
            results.put("soak", soak);
            System.out.println(Soak.markdown(soak));
        }
        if (only != null) {
            log("--only " + String.join(",", only) + ": the figures above are not written to " + out);
            return;
        }
        results.put("tookSeconds", (System.nanoTime() - start) / 1e9);
        Files.createDirectories(out);
        String date = LocalDate.now().toString();
        Gson gson = new GsonBuilder().setPrettyPrinting().create();
        Path json = out.resolve(date + ".json");
        Path svg = out.resolve(date + ".svg");
        Path md = out.resolve(date + ".md");
        Files.writeString(json, gson.toJson(results) + "\n");
        Files.writeString(svg, Chart.svg(results));
        Files.writeString(md, Report.markdown(results, svg.getFileName().toString()));
        log("wrote " + md + ", " + json + " and " + svg);
        System.out.println(Files.readString(md));
    }

    // ---------------------------------------------------------------- scenarios

    private Map<String, Object> throughput() throws Exception {
        Map<String, Object> bySize = new LinkedHashMap<>();
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream(STREAM).retainRecords(false).start();
             // a budget long enough for all of an invocation's lines: the run ends when they are delivered
             LambdaEmulator lambda = environment(aws, "flood", Map.of("FIRETAP_FLUSH_BUDGET", "10s")).build().start()) {
            AcceptedStream stream = aws.deliveryStream(STREAM);
            lambda.invoke("{\"lines\":20000,\"size\":100}");
            for (int size : LINE_SIZES) {
                long lines = throughputBytes / size;
                List<Double> linesPerSecond = new ArrayList<>();
                for (int r = 0; r < reps; r++) {
                    long before = stream.lineCount();
                    long t0 = System.nanoTime();
                    Invocation inv = lambda.invoke("{\"lines\":" + lines + ",\"size\":" + size + "}");
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    long delivered = stream.lineCount() - before;
                    if (inv.status() != Invocation.Status.SUCCESS || delivered != lines) {
                        throw new IllegalStateException("throughput run lost lines: " + delivered + " of " + lines);
                    }
                    linesPerSecond.add(lines / seconds);
                }
                List<Double> raw = new ArrayList<>();
                for (int r = 0; r < reps; r++) {
                    raw.add(rawLimit(lines, size));
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("lineBytes", size);
                row.put("linesPerRun", lines);
                row.put("firetapLinesPerSecond", stats(linesPerSecond));
                row.put("firetapMBPerSecond", stats(scale(linesPerSecond, size / 1e6)));
                row.put("rawLinesPerSecond", stats(raw));
                row.put("rawMBPerSecond", stats(scale(raw, size / 1e6)));
                row.put("ratioToRaw", median(linesPerSecond) / median(raw));
                bySize.put(Integer.toString(size), row);
                log(String.format(Locale.ROOT, "  %6d B lines: firetap %.0f lines/s, raw %.0f lines/s, ratio %.2f",
                        size, median(linesPerSecond), median(raw), median(linesPerSecond) / median(raw)));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> rss = (Map<String, Object>) results.computeIfAbsent("peakRss", k -> new LinkedHashMap<>());
            rss.put("extensionMiB", peakRssMiB(lambda.pid("firetap")));
            rss.put("runtimeMiB", peakRssMiB(lambda.pid("runtime")));
            log("  peak RSS: " + rss);
            lambda.shutdown();
        }
        return bySize;
    }

    /**
     * Peak RSS of a fresh extension (firetap's one process in the sandbox) and, for reference, of the
     * function's runtime (the handler itself: the sh wrapper exec'd it), after 20 invocations of 10
     * lines, then while the function writes 100 B lines at 100,000 lines/s.
     */
    @SuppressWarnings("unchecked")
    private void memoryAtRate() throws Exception {
        int rate = 100_000;
        int seconds = reps < 3 ? 2 : 5;
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream(STREAM).retainRecords(false).start();
             LambdaEmulator lambda = environment(aws, "flood", Map.of("FIRETAP_FLUSH_BUDGET", "10s")).build().start()) {
            AcceptedStream stream = aws.deliveryStream(STREAM);
            // light traffic first: 20 invocations of 10 lines
            for (int i = 0; i < 20; i++) {
                lambda.invoke("{\"lines\":10,\"size\":100}");
            }
            double extensionLight = peakRssMiB(lambda.pid("firetap"));
            double runtimeLight = peakRssMiB(lambda.pid("runtime"));
            long before = stream.lineCount();
            Invocation inv = lambda.invoke("{\"lines\":" + (rate * seconds) + ",\"size\":100,\"rate\":" + rate + "}");
            if (inv.status() != Invocation.Status.SUCCESS) {
                throw new IllegalStateException("the paced run failed: " + inv.status());
            }
            Map<String, Object> rss = (Map<String, Object>) results.computeIfAbsent("peakRss", k -> new LinkedHashMap<>());
            // a machine too busy to sustain the rate shows here (the buffer overflowed) rather than failing the run
            rss.put("deliveredAt100k", (double) (stream.lineCount() - before) / ((long) rate * seconds));
            rss.put("extensionLightMiB", extensionLight);
            rss.put("runtimeLightMiB", runtimeLight);
            rss.put("extensionAt100kMiB", peakRssMiB(lambda.pid("firetap")));
            rss.put("runtimeAt100kMiB", peakRssMiB(lambda.pid("runtime")));
            log("  peak RSS at " + rate + " lines/s for " + seconds + " s: " + rss);
            lambda.shutdown();
        }
    }

    /** The same bytes from a child's stdout pipe into a UNIX socket, into a reader that discards them. */
    private double rawLimit(long lines, int size) throws Exception {
        Path socket = work.resolve("raw.sock");
        Files.deleteIfExists(socket);
        long expected = lines * Math.max(size, 12);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            AtomicLong received = new AtomicLong();
            Thread reader = new Thread(() -> {
                try (SocketChannel c = server.accept()) {
                    ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
                    int n;
                    while ((n = c.read(buffer)) >= 0) {
                        received.addAndGet(n);
                        buffer.clear();
                    }
                } catch (IOException e) {
                    // the measurement checks the byte count
                }
            });
            reader.start();
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    FloodFunction.class.getName(), Long.toString(lines), Integer.toString(size))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            long first = 0;
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                 InputStream pipe = child.getInputStream()) {
                byte[] chunk = new byte[64 * 1024];
                int n;
                while ((n = pipe.read(chunk)) >= 0) {
                    if (first == 0) {
                        first = System.nanoTime();
                    }
                    ByteBuffer b = ByteBuffer.wrap(chunk, 0, n);
                    while (b.hasRemaining()) {
                        c.write(b);
                    }
                }
            }
            reader.join();
            long end = System.nanoTime();
            child.waitFor();
            if (received.get() != expected) {
                throw new IllegalStateException("raw limit: received " + received.get() + " of " + expected + " bytes");
            }
            return lines / ((end - first) / 1e9);
        }
    }

    private Map<String, Object> holds() throws Exception {
        Map<String, Object> byLines = new LinkedHashMap<>();
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream(STREAM).retainRecords(false).start();
             LambdaEmulator lambda = environment(aws, "flood", Map.of()).build().start()) {
            for (int warm = 0; warm < 10; warm++) {
                lambda.invoke("{\"lines\":1000,\"size\":100}");
            }
            AcceptedStream stream = aws.deliveryStream(STREAM);
            for (int lines : HOLD_LINES) {
                long[] holds = new long[holdInvocations];
                long payloadBefore = stream.payloadBytes();
                long billedBefore = stream.billedBytes();
                long callsBefore = stream.calls();
                for (int i = 0; i < holdInvocations; i++) {
                    Invocation inv = lambda.invoke("{\"lines\":" + lines + ",\"size\":100}");
                    holds[i] = inv.hold().toNanos();
                }
                Arrays.sort(holds);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("linesPerInvocation", lines);
                row.put("invocations", holdInvocations);
                row.put("p50Ms", rank(holds, 0.50) / 1e6);
                row.put("p90Ms", rank(holds, 0.90) / 1e6);
                row.put("p99Ms", rank(holds, 0.99) / 1e6);
                row.put("maxMs", holds[holds.length - 1] / 1e6);
                long payload = stream.payloadBytes() - payloadBefore;
                row.put("billedRatio", (double) (stream.billedBytes() - billedBefore) / payload);
                row.put("callsPerMiB", (stream.calls() - callsBefore) / (payload / 1048576.0));
                byLines.put(Integer.toString(lines), row);
                log(String.format(Locale.ROOT, "  %5d lines/invocation: hold p50 %.2f ms p99 %.2f ms", lines,
                        rank(holds, 0.5) / 1e6, rank(holds, 0.99) / 1e6));
            }
            lambda.shutdown();
        }
        return byLines;
    }

    /**
     * Firehose's bill per payload byte: 20 invocations each of packing on at 5,000 lines of 100 B,
     * packing on at 1,000 lines of 100 B and of 100 B plus the newline (101 B: a "100-byte line" read
     * as 100 bytes of text), and packing off.
     */
    private Map<String, Object> cost() throws Exception {
        Map<String, Object> cost = new LinkedHashMap<>();
        costRow(cost, "packingOn", true, 5000, 100);
        costRow(cost, "packingOn1000", true, 1000, 100);
        costRow(cost, "packingOn1000Text100", true, 1000, 101);
        costRow(cost, "packingOff", false, 5000, 100);
        return cost;
    }

    private void costRow(Map<String, Object> cost, String name, boolean packing, int lines, int size) throws Exception {
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream(STREAM).retainRecords(false).start();
             LambdaEmulator lambda = environment(aws, "flood", Map.of("FIRETAP_PACKING", Boolean.toString(packing)))
                     .build().start()) {
            int invocations = 20;
            for (int i = 0; i < invocations; i++) {
                lambda.invoke("{\"lines\":" + lines + ",\"size\":" + size + "}");
            }
            lambda.shutdown();
            AcceptedStream stream = aws.deliveryStream(STREAM);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("packing", packing);
            row.put("linesPerInvocation", lines);
            row.put("lineBytesWithNewline", size);
            row.put("lines", stream.lineCount());
            row.put("records", stream.recordCount());
            row.put("payloadBytes", stream.payloadBytes());
            row.put("billedBytes", stream.billedBytes());
            row.put("billedRatio", (double) stream.billedBytes() / stream.payloadBytes());
            row.put("callsPerMiB", stream.calls() / (stream.payloadBytes() / 1048576.0));
            cost.put(name, row);
            log("  " + name + ": " + row);
        }
    }

    /**
     * Five cold starts of each environment, wrapped (bootstrap = the layer's launcher, which execs the
     * handler) and direct (the handler itself as bootstrap), alternating: the extension's start, and
     * the runtime's start to its first {@code /next}, whose paired difference is what the wrapper adds.
     * In each wrapped one also: the first call to the destination (the first invocation's lines
     * accepted, from just before the emulator starts the extension), the extension's CPU time (user +
     * system) from its start to the end of the first invocation, and, beside them, the floor: an empty
     * {@code main} run with the extension's own JVM, options and class path while the environment is
     * frozen (its start to its exit, its CPU time and its peak RSS). After the last cold start, the
     * extension's CPU time per warm invocation of 100 lines.
     */
    private Map<String, Object> coldStarts() throws Exception {
        List<Double> register = new ArrayList<>();
        List<Double> ready = new ArrayList<>();
        List<Double> firstCall = new ArrayList<>();
        List<Double> cpuToFirstInvocationEnd = new ArrayList<>();
        List<Double> floorExit = new ArrayList<>();
        List<Double> floorCpu = new ArrayList<>();
        List<Double> floorRss = new ArrayList<>();
        List<Double> wrapped = new ArrayList<>();
        List<Double> direct = new ArrayList<>();
        List<Double> added = new ArrayList<>();
        double warmCpuMicros = -1;
        int notDeliveredBeforeFirstFreeze = 0;
        int warmInvocations = reps < 3 ? 100 : 300;
        for (int i = 0; i < 5; i++) {
            double w;
            AtomicLong firstAccepted = new AtomicLong();
            try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream(STREAM).retainRecords(false)
                    .onAccepted(record -> firstAccepted.compareAndSet(0, System.nanoTime())).start()) {
                LambdaEmulator lambda = environment(aws, "flood", Map.of()).build();
                try (lambda) {
                    long t0 = System.nanoTime();
                    lambda.start();
                    LambdaEmulator.ExtensionStart start = lambda.extensionStart("firetap");
                    register.add(start.toRegister().toNanos() / 1e6);
                    ready.add(start.toFirstNext().toNanos() / 1e6);
                    w = lambda.runtimeToFirstNext().toNanos() / 1e6;
                    Invocation first = lambda.invoke("{\"lines\":100,\"size\":100}");
                    long pid = lambda.pid("firetap");
                    // the environment is frozen now: the figure stays put while it is read
                    cpuToFirstInvocationEnd.add(EmptyMain.ProcStat.cpuTicks(pid) * 10.0);
                    if (first.status() != Invocation.Status.SUCCESS) {
                        throw new IllegalStateException("the first invocation failed: " + first.status());
                    }
                    if (firstAccepted.get() == 0) {
                        // the first barrier waits for the client's warm-up only so long: on a machine
                        // this busy the lines went out with the next invocation, which is reported
                        notDeliveredBeforeFirstFreeze++;
                    } else {
                        firstCall.add((firstAccepted.get() - t0) / 1e6);
                    }
                    double[] floor = emptyMain(pid);
                    floorExit.add(floor[0]);
                    floorCpu.add(floor[1]);
                    floorRss.add(floor[2]);
                    if (i == 4) {
                        warmCpuMicros = warmCpuMicros(lambda, pid, warmInvocations);
                    }
                    lambda.shutdown();
                }
            }
            try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream(STREAM).retainRecords(false).start();
                 LambdaEmulator lambda = environment(aws, "flood", Map.of())
                         .runtime(List.of(task.resolve("flood").toString())).build().start()) {
                double d = lambda.runtimeToFirstNext().toNanos() / 1e6;
                wrapped.add(w);
                direct.add(d);
                added.add(w - d);
                lambda.shutdown();
            }
        }
        // the same in the default delivery mode, where back-to-back invocations are steady traffic
        double warmCpuAdaptiveMicros;
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream(STREAM).retainRecords(false).start();
             LambdaEmulator lambda = environment(aws, "flood", Map.of("FIRETAP_DELIVERY", "adaptive")).build().start()) {
            warmCpuAdaptiveMicros = warmCpuMicros(lambda, lambda.pid("firetap"), warmInvocations);
            lambda.shutdown();
        }
        Map<String, Object> cold = new LinkedHashMap<>();
        cold.put("extensionToRegisterMs", stats(register));
        cold.put("extensionToFirstNextMs", stats(ready));
        cold.put("extensionToFirstCallDoneMs", firstCall.isEmpty() ? stats(List.of(Double.NaN)) : stats(firstCall));
        cold.put("firstInvocationNotDeliveredBeforeFreeze", notDeliveredBeforeFirstFreeze);
        cold.put("emptyMainStartToExitMs", stats(floorExit));
        cold.put("extensionCpuToFirstInvocationEndMs", stats(cpuToFirstInvocationEnd));
        cold.put("emptyMainCpuMs", stats(floorCpu));
        cold.put("emptyMainPeakRssMiB", stats(floorRss));
        cold.put("extensionCpuPerWarmInvocationOf100LinesMicros", warmCpuMicros);
        cold.put("extensionCpuPerWarmInvocationOf100LinesAdaptiveMicros", warmCpuAdaptiveMicros);
        cold.put("warmInvocationsMeasured", warmInvocations);
        cold.put("runtimeToFirstNextWrappedMs", stats(wrapped));
        cold.put("runtimeToFirstNextDirectMs", stats(direct));
        cold.put("wrapperAddsMs", stats(added));
        log("  " + cold);
        return cold;
    }

    /**
     * Runs {@link EmptyMain} with the JVM, options and class path of the running extension {@code
     * pid} (read from {@code /proc}): milliseconds from its start to its exit, its CPU time (ms) and
     * its peak RSS (MiB).
     */
    private static double[] emptyMain(long pid) throws Exception {
        List<String> extension = List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0"));
        int cp = extension.indexOf("-cp");
        List<String> command = new ArrayList<>(extension.subList(0, cp));
        command.add("-cp");
        command.add(extension.get(cp + 1) + ":"
                + Path.of(EmptyMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        command.add(EmptyMain.class.getName());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("the empty main failed: " + command + " " + out);
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        String[] last = out.lines().reduce((a, b) -> b).orElse("-1 -1").split(" ");
        return new double[] {ms, Long.parseLong(last[0]) * 10.0, Long.parseLong(last[1]) / 1024.0};
    }

    /**
     * The wrapper's cost per invocation: the runtime time of an invocation that writes nothing,
     * through the wrapper (the extension's Runtime API proxy and the intake's drain marker) minus the
     * same function run directly — first with nothing else going on, then while the extension ships
     * 100,000 lines/s written to its socket by another process. Beside it, the measurement's own
     * floor: the same function run directly in a second environment, minus the first; and what any
     * extra hop costs: the function run directly but its Runtime API calls through a
     * {@link ByteRelay} in a process of its own (bytes passed on, nothing parsed), minus the first.
     */
    private Map<String, Object> proxyOverhead() throws Exception {
        // Four environments at once, invoked in turn (in balanced orders: with a plain rotation each
        // always ran right after the same one, and the floor's p50 sat 20–70 µs below zero), so the
        // series share whatever the machine is doing; each figure is a quantile of the pairwise
        // differences, and the direct-minus-direct one is the floor: what the same measurement shows
        // where nothing differs.
        // Not frozen between invocations: the load's writer runs outside the sandboxes, so a frozen
        // extension would meet each thaw with a backlog instead of a steady 100,000 lines/s (nothing
        // runs in an idle environment anyway: every process waits on a /next). The warm-up is long
        // enough for the C1 compiler to have compiled the proxy's and the function's per-invocation
        // code (a method compiles after ~200 calls).
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream(STREAM).retainRecords(false).start();
             LambdaEmulator direct = directEnvironment(aws, "direct");
             LambdaEmulator wrapped = environment(aws, "flood", Map.of()).freeze(false).build().start();
             LambdaEmulator direct2 = directEnvironment(aws, "direct2");
             ByteRelay.InOwnProcess relay = new ByteRelay.InOwnProcess();
             LambdaEmulator relayed = relayedEnvironment(aws, relay)) {
            List<LambdaEmulator> environments = List.of(direct, wrapped, direct2, relayed);
            for (int i = 0; i < 300; i++) {
                for (LambdaEmulator e : environments) {
                    e.invoke(EMPTY);
                }
            }
            Map<String, Object> proxy = new LinkedHashMap<>();
            proxy.put("idle", pairedRuntimes(environments));
            log("  idle: " + proxy.get("idle"));
            try (SocketLoad load = SocketLoad.start(work.resolve("firetap.sock"), 100_000)) {
                Map<String, Object> loaded = pairedRuntimes(environments);
                loaded.put("linesPerSecondOffered", 100_000);
                loaded.put("linesPerSecondWritten", load.linesPerSecond());
                proxy.put("at100k", loaded);
            }
            log("  at 100,000 lines/s: " + proxy.get("at100k"));
            for (LambdaEmulator e : environments) {
                e.shutdown();
            }
            return proxy;
        }
    }

    /** The flood function run without the wrapper, with a socket and an intake of its own. */
    private LambdaEmulator directEnvironment(AwsEndpoint aws, String name) {
        return unwrapped(aws, name, List.of(task.resolve("flood").toString())).build().start();
    }

    /**
     * The flood function run without the wrapper like {@link #directEnvironment}, its Runtime API
     * calls through {@code relay}: the emulator sets the runtime's {@code AWS_LAMBDA_RUNTIME_API}
     * itself, so a shell puts the relay's address in its place and execs the function.
     */
    private LambdaEmulator relayedEnvironment(AwsEndpoint aws, ByteRelay.InOwnProcess relay) throws IOException {
        LambdaEmulator lambda = unwrapped(aws, "relayed", List.of("/bin/sh", "-c",
                "AWS_LAMBDA_RUNTIME_API=" + relay.address() + " exec \"$0\"", task.resolve("flood").toString())).build();
        // the emulator serves its APIs from build() on; the runtime starts with start()
        relay.forwardTo(lambda.runtimeApi());
        return lambda.start();
    }

    private LambdaEmulator.Builder unwrapped(AwsEndpoint aws, String name, List<String> runtime) {
        return environment(aws, "flood", Map.of())
                .runtime(runtime)
                .env("FIRETAP_SOCKET_PATH", work.resolve(name + ".sock").toString())
                .env("FIRETAP_INTAKE_PATH", work.resolve(name + ".fifo").toString())
                .freeze(false);
    }

    /**
     * {@link #proxyPairs} rounds of one invocation in each of {@code direct, wrapped, direct2,
     * relayed}, round {@code i} in the order {@code PROXY_ORDERS[i % 4]}: the quantiles of wrapped −
     * direct (the cost), of direct2 − direct (the floor) and of relayed − direct (an extra hop's cost).
     */
    private Map<String, Object> pairedRuntimes(List<LambdaEmulator> environments) {
        int n = proxyPairs;
        long[][] runtime = new long[environments.size()][n];
        for (int i = 0; i < n; i++) {
            for (int e : PROXY_ORDERS[i % PROXY_ORDERS.length]) {
                runtime[e][i] = environments.get(e).invoke(EMPTY).runtimeTime().toNanos();
            }
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("directRuntimeMicros", medianMicros(runtime[0]));
        row.put("wrappedRuntimeMicros", medianMicros(runtime[1]));
        row.put("relayedRuntimeMicros", medianMicros(runtime[3]));
        putQuantiles(row, "overhead", runtime[1], runtime[0]);
        putQuantiles(row, "floor", runtime[2], runtime[0]);
        putQuantiles(row, "relay", runtime[3], runtime[0]);
        row.put("pairs", n);
        return row;
    }

    private static void putQuantiles(Map<String, Object> row, String name, long[] a, long[] b) {
        long[] d = new long[a.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = a[i] - b[i];
        }
        Arrays.sort(d);
        row.put(name + "P50Micros", rank(d, 0.50) / 1e3);
        row.put(name + "P99Micros", rank(d, 0.99) / 1e3);
    }

    private static double medianMicros(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return rank(sorted, 0.50) / 1e3;
    }

    /**
     * Each delivery mode under steady traffic (an invocation every 50 ms, about 20 per second) and
     * sparse traffic (one every 2 s), against an endpoint that answers after a 20 ms round trip, 100
     * lines of 100 B per invocation: the hold after each response, the destination calls per
     * invocation, whether every line was in the sink while frozen after its invocation, and the
     * largest delay from a line's write to its arrival at the endpoint. Under sparse traffic also the
     * round trip the endpoint gave in the same run: while frozen after each invocation, a
     * {@link PlainCall} of the same size to the same endpoint, whose median is the hold's floor.
     */
    private Map<String, Object> deliveryModes() throws Exception {
        Map<String, Object> cells = new LinkedHashMap<>();
        int steadyInvocations = reps < 3 ? 60 : 200;
        int sparseInvocations = reps < 3 ? 4 : 10;
        for (String mode : new String[] {"adaptive", "strict"}) {
            cells.put(mode + "Steady", deliveryRun(mode, steadyInvocations, Duration.ofMillis(50)));
            log("  " + mode + ", steady: " + cells.get(mode + "Steady"));
            cells.put(mode + "Sparse", deliveryRun(mode, sparseInvocations, Duration.ofSeconds(2)));
            log("  " + mode + ", sparse: " + cells.get(mode + "Sparse"));
        }
        return cells;
    }

    private Map<String, Object> deliveryRun(String mode, int invocations, Duration every) throws Exception {
        int lines = 100;
        boolean sparse = every.compareTo(Duration.ofSeconds(1)) >= 0;
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream(STREAM).deliveryStream(FLOOR_STREAM)
                .latency(Duration.ofMillis(20)).start();
             PlainCall plain = new PlainCall(aws.endpointUri(), FLOOR_STREAM, lines * 101)) {
            AcceptedStream stream = aws.deliveryStream(STREAM);
            long[] whileFrozen = new long[invocations + 2];
            long[] holds = new long[invocations - 1];
            long[] roundTrips = new long[sparse ? invocations - 1 : 0];
            long firstHold;
            long callsAfterFirst;
            try (LambdaEmulator lambda = environment(aws, "flood", Map.of("FIRETAP_DELIVERY", mode))
                    .onFrozen(i -> whileFrozen[i.number()] = stream.lineCount()).build().start()) {
                long next = System.nanoTime();
                firstHold = lambda.invoke("{\"lines\":" + lines + ",\"size\":100,\"stamp\":true}").hold().toNanos();
                callsAfterFirst = stream.calls();
                for (int i = 0; i < invocations - 1; i++) {
                    next += every.toNanos();
                    for (long wait = next - System.nanoTime(); wait > 0; wait = next - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    holds[i] = lambda.invoke("{\"lines\":" + lines + ",\"size\":100,\"stamp\":true}").hold().toNanos();
                    if (sparse) {
                        // while frozen: the same endpoint's call time, as long after the previous one
                        roundTrips[i] = plain.call();
                    }
                }
                lambda.shutdown();
            }
            // the tail one by one: which invocations held longest (holds[i] is invocation i + 2's)
            Integer[] byHold = new Integer[holds.length];
            for (int i = 0; i < holds.length; i++) {
                byHold[i] = i;
            }
            Arrays.sort(byHold, (a, b) -> Long.compare(holds[b], holds[a]));
            List<String> worstHolds = new ArrayList<>();
            for (int i = 0; i < Math.min(3, byHold.length); i++) {
                worstHolds.add(String.format(Locale.ROOT, "#%d %.2f", byHold[i] + 2, holds[byHold[i]] / 1e6));
            }
            Arrays.sort(holds);
            int deliveredBeforeFreeze = 0;
            List<Integer> missedFreeze = new ArrayList<>();
            for (int k = 1; k <= invocations; k++) {
                // one sink delivers in order: k invocations' worth of lines in means all of 1..k's are
                if (whileFrozen[k] >= (long) k * lines) {
                    deliveredBeforeFreeze++;
                } else {
                    missedFreeze.add(k);
                }
            }
            long largestDelay = 0;
            for (AcceptedRecord record : stream.records()) {
                long arrived = record.arrivedAt().toEpochMilli();
                for (String line : record.text().split("\n")) {
                    largestDelay = Math.max(largestDelay, arrived - Long.parseLong(line.substring(0, 13)));
                }
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("invocations", invocations);
            row.put("everyMs", every.toMillis());
            row.put("firstHoldMs", firstHold / 1e6);
            row.put("holdP50Ms", rank(holds, 0.50) / 1e6);
            row.put("holdP99Ms", rank(holds, 0.99) / 1e6);
            row.put("holdMaxMs", holds[holds.length - 1] / 1e6);
            if (sparse) {
                Arrays.sort(roundTrips);
                row.put("roundTripP50Ms", rank(roundTrips, 0.50) / 1e6);
            }
            // the first invocation's calls (the cold start) aside
            row.put("callsPerInvocation", (double) (stream.calls() - callsAfterFirst) / (invocations - 1));
            row.put("deliveredBeforeFreeze", deliveredBeforeFreeze);
            // by number while few (sparse traffic, the first invocation); steady adaptive misses by design
            row.put("missedTheirFreeze", missedFreeze.size() <= 5 ? missedFreeze.toString()
                    : missedFreeze.size() + " invocations, from #" + missedFreeze.get(0));
            // the first invocation's own rule: its lines in by the freeze after the second
            row.put("firstInBySecondFreeze", invocations < 2 || whileFrozen[2] >= lines);
            row.put("worstHoldsMs", worstHolds);
            row.put("largestWriteToArrivalMs", largestDelay);
            row.put("linesDelivered", stream.lineCount());
            row.put("linesWritten", (long) invocations * lines);
            return row;
        }
    }

    /**
     * Lines/s through each sink into its loopback endpoint, 100-byte lines, packing on and off: the
     * sink's steady-state capacity in this JVM (default JIT), after warm-up runs that are not
     * counted — the first runs measure the JIT compiling the SDK and the endpoint (the first of
     * them ran at half the steady rate), not the sink.
     */
    private Map<String, Object> sinkThroughput() throws Exception {
        Map<String, Object> sinks = new LinkedHashMap<>();
        int warmUps = reps < 3 ? 2 : 5;
        for (String sink : new String[] {"firehose", "kinesis"}) {
            for (boolean packing : new boolean[] {true, false}) {
                long lines = packing ? throughputBytes / 100 : throughputBytes / 1000;
                for (int r = 0; r < warmUps; r++) {
                    SinkRun.linesPerSecond(sink, packing, lines);
                }
                List<Double> rates = new ArrayList<>();
                for (int r = 0; r < Math.max(reps, 3); r++) {
                    rates.add(SinkRun.linesPerSecond(sink, packing, lines));
                }
                sinks.put(sink + (packing ? "PackingOn" : "PackingOff"), stats(rates));
                log(String.format(Locale.ROOT, "  %s, packing %s: %.0f lines/s", sink, packing ? "on" : "off", median(rates)));
            }
        }
        return sinks;
    }

    // ---------------------------------------------------------------- helpers

    private static boolean selected(String scenario) {
        return only == null || only.contains(scenario);
    }

    /** The extension's CPU time (user + system) per invocation of 100 lines, over {@code n} after as many to warm up. */
    private static double warmCpuMicros(LambdaEmulator lambda, long pid, int n) throws Exception {
        for (int k = 0; k < n; k++) {
            lambda.invoke("{\"lines\":100,\"size\":100}");
        }
        long before = EmptyMain.ProcStat.cpuTicks(pid);
        for (int k = 0; k < n; k++) {
            lambda.invoke("{\"lines\":100,\"size\":100}");
        }
        return (EmptyMain.ProcStat.cpuTicks(pid) - before) * 10_000.0 / n;
    }

    private LambdaEmulator.Builder environment(AwsEndpoint aws, String handler, Map<String, String> extra) {
        LambdaEmulator.Builder b = LambdaEmulator.builder()
                .layer(layer)
                .taskRoot(task)
                .handler(handler)
                .runtime(List.of(task.resolve("bootstrap").toString()))
                .functionName("firetap-bench")
                .timeout(Duration.ofMinutes(5))
                .env("JAVA_HOME", System.getProperty("java.home"))
                .env("FIRETAP_STREAM_NAME", STREAM)
                .env("FIRETAP_SOCKET_PATH", work.resolve("firetap.sock").toString())
                .env("FIRETAP_INTAKE_PATH", work.resolve("firetap.fifo").toString())
                .env("AWS_ENDPOINT_URL_FIREHOSE", aws.endpointUri().toString())
                .env("AWS_ACCESS_KEY_ID", "bench")
                .env("AWS_SECRET_ACCESS_KEY", "bench")
                // one flush per invocation, what the throughput, hold and cost figures measure; the
                // delivery scenario sets the mode itself
                .env("FIRETAP_DELIVERY", "strict")
                .environment(extra);
        if (showOutput) {
            b.echoOutput(System.err);
        }
        // FIRETAP_* variables set for the bench reach the function (to compare settings)
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("FIRETAP_") && !name.equals("FIRETAP_SOCKET_PATH") && !name.equals("FIRETAP_INTAKE_PATH")
                    && !extra.containsKey(name)) {
                b.env(name, value);
            }
        });
        return b;
    }

    private static double peakRssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            // gone
        }
        return -1;
    }

    private Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", Instant.now().toString());
        m.put("commit", System.getenv().getOrDefault("BENCH_COMMIT", "unknown"));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("layer", zip.toString() + (noArchive ? " without its class-data archive" : ""));
        m.put("repetitions", reps);
        return m;
    }

    static Map<String, Object> stats(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("median", median(values));
        s.put("min", v[0]);
        s.put("max", v[v.length - 1]);
        s.put("runs", v.length);
        return s;
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static List<Double> scale(List<Double> values, double factor) {
        return values.stream().map(v -> v * factor).toList();
    }

    private static long rank(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void log(String message) {
        System.err.println("[bench] " + message);
    }

    private void cleanUp() {
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind
        }
    }
}
