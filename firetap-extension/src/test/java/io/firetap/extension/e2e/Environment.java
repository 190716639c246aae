package io.firetap.extension.e2e;

import io.firetap.extension.ExtensionMain;
import io.firetap.testkit.aws.AwsEndpoint;
import io.firetap.testkit.lambda.LambdaEmulator;
import io.firetap.testkit.local.SampleFunction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A function's execution environment for end-to-end tests: a layer folder whose
 * {@code extensions/firetap} starts the real extension, a task root with a handler that runs the
 * sample function, a bootstrap that is the real launcher (in wrapper mode: POSIX sh), and the
 * environment pointing the Firehose sink at a testkit endpoint.
 */
final class Environment {
    private Environment() {
    }

    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    static final String CLASSPATH = System.getProperty("java.class.path");

    /** Writes the layer (extension) and task root (handler, wrapper bootstrap) into {@code dir}. */
    static void write(Path dir) throws IOException {
        script(dir.resolve("layer/extensions/firetap"), java("-Dfiretap.extension.name=firetap",
                ExtensionMain.class.getName()));
        script(dir.resolve("task/handler"), java(SampleFunction.class.getName()));
        Path bootstrap = dir.resolve("task/bootstrap");
        try (InputStream launcher = Environment.class.getResourceAsStream("/io/firetap/wrapper/firetap")) {
            Files.write(bootstrap, launcher.readAllBytes());
        }
        Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));
        script(dir.resolve("task/bytes"), java(BytesFunction.class.getName()));
        script(dir.resolve("task/threads"), java(ThreadsFunction.class.getName()));
    }

    /** An emulator with the wrapper as runtime ({@code bootstrap}) and the sample function as handler. */
    static LambdaEmulator.Builder withWrapper(Path dir, AwsEndpoint aws) {
        return base(dir, aws).runtime(List.of(dir.resolve("task/bootstrap").toString())).handler("handler");
    }

    /**
     * An emulator in exec-wrapper mode: the runtime's command line is the launcher followed by a JVM
     * running AWS's Java runtime interface client with {@code handler} (as {@code AWS_LAMBDA_EXEC_WRAPPER}
     * makes Lambda's Java runtimes do).
     */
    static LambdaEmulator.Builder withJavaRuntimeClient(Path dir, AwsEndpoint aws, String handler) {
        return base(dir, aws).handler(handler).runtime(List.of(dir.resolve("task/bootstrap").toString(), JAVA,
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", CLASSPATH,
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", handler));
    }

    /** Writes {@code body} as an executable POSIX sh script. */
    static Path shell(Path file, String body) throws IOException {
        script(file, body);
        return file;
    }

    /** An emulator running the sample function directly, without the wrapper: lines reach firetap through telemetry. */
    static LambdaEmulator.Builder withoutWrapper(Path dir, AwsEndpoint aws) {
        return base(dir, aws).runtime(List.of(dir.resolve("task/handler").toString())).handler("handler");
    }

    private static LambdaEmulator.Builder base(Path dir, AwsEndpoint aws) {
        return LambdaEmulator.builder()
                .layer(dir.resolve("layer"))
                .taskRoot(dir.resolve("task"))
                .functionName("checkout")
                // most tests here assert that an invocation's lines are in the sink while frozen after it:
                // strict mode's guarantee; AdaptiveDeliveryEndToEndTest covers the default mode
                .env("FIRETAP_DELIVERY", "strict")
                .env("FIRETAP_STREAM_NAME", "logs")
                .env("FIRETAP_SOCKET_PATH", dir.resolve("firetap.sock").toString())
                .env("FIRETAP_INTAKE_PATH", dir.resolve("firetap.fifo").toString())
                .env("AWS_ENDPOINT_URL_FIREHOSE", aws.endpointUri().toString())
                .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
                .env("AWS_SECRET_ACCESS_KEY", "not-a-secret")
                .env("AWS_SESSION_TOKEN", "not-a-token");
    }

    private static String java(String... args) {
        return "exec '" + JAVA + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp '" + CLASSPATH + "' "
                + List.of(args).stream().map(a -> "'" + a + "'").collect(Collectors.joining(" ")) + " \"$@\"\n";
    }

    private static void script(Path file, String body) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
