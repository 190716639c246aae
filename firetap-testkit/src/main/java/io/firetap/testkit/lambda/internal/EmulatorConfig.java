package io.firetap.testkit.lambda.internal;

import io.firetap.testkit.lambda.Invocation;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What {@code LambdaEmulator.Builder} collected, fixed when the emulator is built: the emulated
 * function and the limits the emulator enforces.
 *
 * <p>Internal, not for public use.
 *
 * @param layer            an unzipped layer whose {@code extensions/} executables run as extensions, or {@code null}
 * @param extensions       further extension executables
 * @param runtimeCommand   the runtime's command line, or {@code null} for none
 * @param taskRoot         {@code LAMBDA_TASK_ROOT} and every process's working directory, or {@code null}
 * @param handler          {@code _HANDLER}, or {@code null}
 * @param environment      the function's own variables, in the order they were set
 * @param onFrozen         runs after each invocation while the environment is frozen, or {@code null}
 * @param echo             where every captured line is copied, prefixed by its process, or {@code null}
 */
public record EmulatorConfig(
        Path layer,
        List<Path> extensions,
        List<String> runtimeCommand,
        Path taskRoot,
        String handler,
        Map<String, String> environment,
        String functionName,
        String functionVersion,
        String region,
        int memoryMb,
        Duration timeout,
        Duration initTimeout,
        Duration shutdownDeadline,
        boolean freeze,
        Consumer<Invocation> onFrozen,
        PrintStream echo) {

    public EmulatorConfig {
        extensions = List.copyOf(extensions);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    /** The extensions to start, in order: the layer's executables (sorted by name), then the ones added one by one. */
    public List<Path> extensionExecutables() {
        List<Path> all = new ArrayList<>();
        if (layer != null) {
            Path dir = layer.resolve("extensions");
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(Files::isRegularFile).filter(Files::isExecutable).sorted().forEach(all::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + dir, e);
                }
            }
        }
        all.addAll(extensions);
        return Collections.unmodifiableList(all);
    }

    /** The function's ARN, in the emulator's fixed account. */
    public String functionArn() {
        return "arn:aws:lambda:" + region + ":000000000000:function:" + functionName;
    }
}
