package io.firetap.testkit.local;

import io.firetap.testkit.aws.AcceptedStream;
import io.firetap.testkit.aws.AwsEndpoint;
import io.firetap.testkit.lambda.HoldSummary;
import io.firetap.testkit.lambda.Invocation;
import io.firetap.testkit.lambda.LambdaEmulator;
import io.firetap.testkit.lambda.ShutdownReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The local run: the built layer under the Lambda emulator with a sample function, shipping to a
 * fake Firehose on loopback — firetap end to end with no AWS account.
 *
 * <pre>
 * ./firetap-local [--invocations 10] [--lines 200] [--layer firetap-layer/target/firetap-layer.zip] [--show-output]
 * </pre>
 *
 * {@code FIRETAP_*} variables set in the environment are passed on to the function (e.g.
 * {@code FIRETAP_LOG_LEVEL=debug ./firetap-local --show-output}). It prints one line per invocation (lines written, lines in Firehose while the environment is
 * frozen, the post-runtime hold) and ends with a summary line; exit status 0 when every line was
 * delivered by the end (before each freeze in strict mode, {@code FIRETAP_DELIVERY=strict}), 1 otherwise.
 * In the default adaptive mode, back-to-back invocations are steady traffic: lines may wait in the
 * frozen environment for the flush interval, and the line says how many.
 */
public final class LocalRun {
    private static final String STREAM = "firetap-local";

    private LocalRun() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int invocations = 10;
        int lines = 200;
        Path zip = Path.of("firetap-layer/target/firetap-layer.zip");
        boolean showOutput = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--invocations" -> invocations = positive(args, ++i);
                    case "--lines" -> lines = positive(args, ++i);
                    case "--layer" -> zip = Path.of(value(args, ++i));
                    case "--show-output" -> showOutput = true;
                    case "--help", "-h" -> {
                        out.println("usage: firetap-local [--invocations N] [--lines N] [--layer path/to/firetap-layer.zip] [--show-output]");
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("firetap-local: " + e.getMessage());
            System.exit(2);
        }
        if (!Files.isRegularFile(zip)) {
            System.err.println("firetap-local: " + zip + " does not exist; build it first with: mvn -B -q package -DskipTests");
            System.exit(2);
        }
        int status;
        try {
            status = run(zip, invocations, lines, showOutput, out);
        } catch (IOException | RuntimeException e) {
            System.err.println("firetap-local: " + e.getMessage());
            status = 1;
        }
        System.exit(status);
    }

    private static int run(Path zip, int invocations, int lines, boolean showOutput, PrintStream out) throws IOException {
        Path work = Files.createTempDirectory("firetap-local");
        try (AwsEndpoint firehose = AwsEndpoint.builder().deliveryStream(STREAM).start()) {
            Path layer = LayerZip.unzip(zip, work.resolve("opt"));
            Path task = Files.createDirectories(work.resolve("task"));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            script(task.resolve("bootstrap"), "exec '" + layer.resolve("extensions/firetap") + "'\n");
            script(task.resolve("sample-function"), "exec '" + java + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp '"
                    + System.getProperty("java.class.path") + "' " + SampleFunction.class.getName() + "\n");
            AcceptedStream stream = firehose.deliveryStream(STREAM);
            long[] deliveredWhileFrozen = new long[invocations + 1];
            out.printf("firetap-local: layer %s, fake Firehose at %s, %d invocations of %d lines%n",
                    zip, firehose.endpointUri(), invocations, lines);
            LambdaEmulator.Builder builder = LambdaEmulator.builder()
                    .layer(layer)
                    .taskRoot(task)
                    .handler("sample-function")
                    .runtime(List.of(task.resolve("bootstrap").toString()))
                    .functionName("firetap-local-sample")
                    .env("JAVA_HOME", System.getProperty("java.home"))
                    .env("FIRETAP_STREAM_NAME", STREAM)
                    .env("FIRETAP_SOCKET_PATH", work.resolve("firetap.sock").toString())
                    .env("FIRETAP_INTAKE_PATH", work.resolve("firetap.fifo").toString())
                    .env("AWS_ENDPOINT_URL_FIREHOSE", firehose.endpointUri().toString())
                    .env("AWS_ACCESS_KEY_ID", "local")
                    .env("AWS_SECRET_ACCESS_KEY", "local")
                    .onFrozen(invocation -> deliveredWhileFrozen[invocation.number()] = stream.lineCount());
            // FIRETAP_* variables set for the local run reach the function, as they would on Lambda
            System.getenv().forEach((name, value) -> {
                if (name.startsWith("FIRETAP_") && !name.equals("FIRETAP_SOCKET_PATH") && !name.equals("FIRETAP_INTAKE_PATH")) {
                    builder.env(name, value);
                }
            });
            if (showOutput) {
                builder.echoOutput(System.err);
            }
            boolean strict = "strict".equalsIgnoreCase(System.getenv().getOrDefault("FIRETAP_DELIVERY", "adaptive").trim());
            boolean allOnTime = true;
            ShutdownReport end;
            HoldSummary holds;
            try (LambdaEmulator lambda = builder.build()) {
                out.println("starting the environment: the firetap extension and the wrapped sample function ...");
                lambda.start();
                for (int k = 1; k <= invocations; k++) {
                    Invocation invocation = lambda.invoke("{\"lines\":" + lines + "}");
                    long expected = (long) k * lines;
                    boolean onTime = deliveredWhileFrozen[k] >= expected;
                    allOnTime &= (onTime || !strict) && invocation.status() == Invocation.Status.SUCCESS;
                    out.printf(Locale.ROOT, "invocation %2d/%d: %s, %d lines in Firehose while frozen (%s), post-runtime hold %.2f ms%n",
                            k, invocations, invocation.status().name().toLowerCase(Locale.ROOT), deliveredWhileFrozen[k],
                            onTime ? "all so far" : (expected - deliveredWhileFrozen[k]) + " waiting for the flush interval",
                            invocation.hold().toNanos() / 1e6);
                }
                holds = lambda.holds();
                end = lambda.shutdown();
                if (!end.allExitedInTime()) {
                    out.println("SHUTDOWN: " + end.processes());
                }
                List<String> extensionLog = lambda.output("firetap");
                extensionLog.stream().filter(l -> l.contains("\"WARN\"") || l.contains("\"ERROR\"")).forEach(out::println);
            }
            long written = (long) invocations * lines;
            long delivered = stream.lineCount();
            out.printf(Locale.ROOT, "delivered %d lines in %d records over %d invocations, %d lost, post-runtime hold %s"
                            + " (Firehose would bill %.2f× the payload)%n",
                    delivered, stream.recordCount(), invocations, Math.max(0, written - delivered), holds.describe(),
                    stream.payloadBytes() == 0 ? 0.0 : (double) stream.billedBytes() / stream.payloadBytes());
            return allOnTime && delivered == written && firehose.violations().isEmpty() ? 0 : 1;
        } finally {
            deleteQuietly(work);
        }
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static int positive(String[] args, int i) {
        String v = value(args, i);
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(args[i - 1] + " needs a positive number, got '" + v + "'");
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind
        }
    }
}
