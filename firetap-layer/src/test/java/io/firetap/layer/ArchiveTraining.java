package io.firetap.layer;

import io.firetap.testkit.aws.AwsEndpoint;
import io.firetap.testkit.lambda.Invocation;
import io.firetap.testkit.lambda.LambdaEmulator;
import io.firetap.testkit.lambda.ShutdownReport;
import io.firetap.testkit.local.SampleFunction;
import java.io.IOException;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.TimeZone;
import java.util.stream.Stream;

/**
 * Trains the bundled runtime's class-data archive during the build ({@code package}): runs the
 * staged layer's extension under the Lambda emulator, as Lambda would, through everything it does
 * on a cold start and on its first invocations — register, the intake and the Runtime API proxy
 * (a wrapped custom-runtime function), the UNIX socket, the Telemetry subscription, flushes through
 * the Firehose SDK client to the testkit's fake Firehose — and asks the JVM to write what it loaded
 * and linked into the archive when the extension exits at SHUTDOWN.
 *
 * <pre>
 * ArchiveTraining &lt;staged layer folder&gt; &lt;archive file&gt; aot|appcds [JVM option ...]
 * </pre>
 *
 * {@code aot} writes an AOT cache ({@code -XX:AOTCacheOutput}, JDK 25+), {@code appcds} a dynamic
 * AppCDS archive ({@code -XX:ArchiveClassesAtExit}); further JVM options are added to the training
 * run's (to compare archives made in other ways). The launcher passes the archive's option on
 * its own once the file is in the layer; this run writes it, so it must not find one already there.
 *
 * <p>The JVM uses the archive only while every jar on the class path has the size and modification
 * time it had here. So the run first sets every file of the layer to one time (a whole even second:
 * a zip stores times to two seconds) and writes, in {@code zip-time.properties} next to the layer
 * folder, the {@code zip.modificationtime} that makes the layer's zip record that time as UTC wall
 * clock time: an unzip that keeps the zip's times (Lambda runs in UTC) restores exactly these.
 */
public final class ArchiveTraining {
    private static final String STREAM = "training";
    private static final int INVOCATIONS = 40;

    private ArchiveTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path layer = Path.of(args[0]).toAbsolutePath();
        Path archive = Path.of(args[1]).toAbsolutePath();
        String kind = args[2];
        String option = switch (kind) {
            case "aot" -> "-XX:AOTCacheOutput=";
            case "appcds" -> "-XX:ArchiveClassesAtExit=";
            default -> throw new IllegalArgumentException("archive kind " + kind + ": expected aot or appcds");
        };
        String options = option + archive;
        for (int i = 3; i < args.length; i++) {
            options += " " + args[i];
        }
        Files.deleteIfExists(archive);
        settleTimes(layer);
        Path work = Files.createTempDirectory("firetap-training");
        long started = System.nanoTime();
        try {
            train(layer, work, options, archive.resolveSibling("firetap.classpath"));
        } finally {
            deleteQuietly(work);
        }
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("the extension exited without writing " + archive);
        }
        System.out.printf("[firetap-layer] trained %s (%d KiB, %s) in %.1f s%n", archive.getFileName(),
                Files.size(archive) / 1024, kind, (System.nanoTime() - started) / 1e9);
    }

    private static void train(Path layer, Path work, String archiveOption, Path classPathFile) throws Exception {
        Path task = Files.createDirectories(work.resolve("task"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        script(task.resolve("bootstrap"), "exec '" + layer.resolve("extensions/firetap") + "'\n");
        script(task.resolve("function"), "exec '" + java + "' -XX:TieredStopAtLevel=1 -cp '"
                + System.getProperty("java.class.path") + "' " + SampleFunction.class.getName() + "\n");
        Path socket = work.resolve("firetap.sock");
        try (AwsEndpoint firehose = AwsEndpoint.builder().deliveryStream(STREAM).retainRecords(false).start();
             LambdaEmulator lambda = LambdaEmulator.builder()
                     .layer(layer)
                     .taskRoot(task)
                     .handler("function")
                     .runtime(List.of(task.resolve("bootstrap").toString()))
                     .functionName("firetap-training")
                     // writing the archive happens at the extension's exit, after the SHUTDOWN flush
                     .shutdownDeadline(Duration.ofMinutes(2))
                     .env("FIRETAP_JAVA_OPTS", archiveOption)
                     .env("FIRETAP_STREAM_NAME", STREAM)
                     .env("FIRETAP_SOCKET_PATH", socket.toString())
                     .env("FIRETAP_INTAKE_PATH", work.resolve("firetap.fifo").toString())
                     .env("AWS_ENDPOINT_URL_FIREHOSE", firehose.endpointUri().toString())
                     .env("AWS_ACCESS_KEY_ID", "training")
                     .env("AWS_SECRET_ACCESS_KEY", "training")
                     .build().start()) {
            writeClassPath(lambda.pid("firetap"), classPathFile);
            long expected = 0;
            for (int i = 1; i <= INVOCATIONS; i++) {
                // a local client's line through the socket, then the function's through the intake
                try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                     OutputStream out = Channels.newOutputStream(client)) {
                    out.write(("training: a line from a local client, invocation " + i + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
                int lines = i % 10 == 0 ? 2_000 : 100;
                Invocation invocation = lambda.invoke("{\"lines\":" + lines + "}");
                if (invocation.status() != Invocation.Status.SUCCESS) {
                    throw new IllegalStateException("training invocation " + i + ": " + invocation.status()
                            + "\n" + String.join("\n", lambda.output("firetap")));
                }
                expected += lines + 1;
            }
            ShutdownReport end = lambda.shutdown();
            if (end.process("firetap").exitCode() != 0) {
                throw new IllegalStateException("the extension exited with " + end.process("firetap").exitCode()
                        + "\n" + String.join("\n", lambda.output("firetap")));
            }
            long delivered = firehose.deliveryStream(STREAM).lineCount();
            if (delivered != expected) {
                throw new IllegalStateException("training delivered " + delivered + " of " + expected + " lines");
            }
        }
    }

    /**
     * The extension's class path as the launcher gave it, one jar name a line: the launcher puts these
     * first, in this order, on the class path of a JVM that uses the archive (which records them) and
     * any jar added to the layer's {@code firetap/lib} after them, which keeps the archive usable.
     */
    private static void writeClassPath(long pid, Path classPathFile) throws IOException {
        List<String> command = List.of(Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\0"));
        int cp = command.indexOf("-cp");
        StringBuilder names = new StringBuilder();
        for (String jar : command.get(cp + 1).split(":")) {
            names.append(Path.of(jar).getFileName()).append('\n');
        }
        Files.writeString(classPathFile, names);
    }

    /** One modification time for every file of the layer, and the zip time that records it as UTC. */
    private static void settleTimes(Path layer) throws IOException {
        long millis = System.currentTimeMillis() / 2000 * 2000;
        FileTime time = FileTime.fromMillis(millis);
        try (Stream<Path> files = Files.walk(layer)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(file, time);
            }
        }
        // the zip writer (in the build's JVM) stores local wall-clock time: shift by the local offset
        long zipMillis = millis - TimeZone.getDefault().getOffset(millis);
        Files.writeString(layer.resolveSibling("zip-time.properties"), "zip.modificationtime=" + zipMillis + "\n");
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind
        }
    }
}
