package io.firetap.bench.e2e;

import io.firetap.testkit.aws.AwsEndpoint;
import io.firetap.testkit.lambda.Invocation;
import io.firetap.testkit.lambda.LambdaEmulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * What firetap adds to a cold start, seen from outside the sandbox: the same small custom-runtime
 * function (Python, the standard library's HTTP client, 100 lines per event) with the layer and its
 * wrapper and without any layer, in turn, each in a fresh sandbox. From the moment the sandbox
 * starts (the emulator launches the extension, or the runtime when there is none) to the moment the
 * caller has the first response (the runtime's post), and to the moment Lambda may freeze the sandbox
 * (the last extension's next {@code /next}): the differences are firetap's cold-start cost. Beside
 * them, with the layer's extension running but the function not wrapped: the runtime's start to its
 * first {@code /next}, whose difference to the wrapped one is what the wrapper adds to a runtime
 * light enough (100–150 ms to its first {@code /next} here) not to hide it in its own start's spread.
 */
final class SandboxCost {
    static final String HANDLER = "pyfn";
    /** The configurations: the layer and the wrapper; the layer, the function unwrapped; no layer. */
    private static final int WRAPPED = 0;
    private static final int UNWRAPPED = 1;
    private static final int WITHOUT = 2;
    /** Every order of the three: cycling through them balances who starts after whom. */
    private static final int[][] ORDERS = {
        {WRAPPED, UNWRAPPED, WITHOUT}, {UNWRAPPED, WITHOUT, WRAPPED}, {WITHOUT, WRAPPED, UNWRAPPED},
        {WRAPPED, WITHOUT, UNWRAPPED}, {WITHOUT, UNWRAPPED, WRAPPED}, {UNWRAPPED, WRAPPED, WITHOUT}};
    private static final String FUNCTION = """
            # a custom runtime in a few lines: next, write, respond
            import json, os, sys, urllib.request
            base = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
            while True:
                with urllib.request.urlopen(base + "next") as r:
                    rid = r.headers["Lambda-Runtime-Aws-Request-Id"]
                    event = json.loads(r.read() or b"{}")
                for i in range(event.get("lines", 100)):
                    print("line %d of %s %s" % (i, rid, "x" * 60))
                sys.stdout.flush()
                urllib.request.urlopen(urllib.request.Request(base + rid + "/response", data=b"ok", method="POST")).read()
            """;

    private SandboxCost() {
    }

    /**
     * Writes the function into {@code task} to run under the interpreter that {@code python3} on the
     * PATH stands for: a version manager's shim (pyenv's is a shell script) would add its own start,
     * some 100 ms and as noisy as the rest, to every cold start; {@code false} when there is none.
     */
    static boolean install(Path task) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return false; // no python3 on the PATH
        }
        String interpreter = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0 || interpreter.isEmpty()) {
            return false;
        }
        Path file = task.resolve(HANDLER);
        Files.writeString(file, "#!" + interpreter + "\n" + FUNCTION);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return true;
    }

    /**
     * {@code rounds} cold starts of each of three configurations: with the layer and the function
     * wrapped, with the layer but the function its own bootstrap (the extension runs, the wrapper
     * does not), and without any layer. Round {@code i} runs them in the order {@code ORDERS[i % 6]}:
     * over six rounds each comes first, second and third twice and follows each other one twice, so
     * no configuration always starts in the wake of the same one.
     *
     * @param withFiretap the environment with the layer, whose bootstrap execs the wrapper with {@link #HANDLER}
     */
    static Map<String, Object> run(Path task, Function<AwsEndpoint, LambdaEmulator.Builder> withFiretap, int rounds)
            throws Exception {
        List<Double> responseWith = new ArrayList<>();
        List<Double> responseWithout = new ArrayList<>();
        List<Double> freezeWith = new ArrayList<>();
        List<Double> freezeWithout = new ArrayList<>();
        List<Double> responseAdded = new ArrayList<>();
        List<Double> freezeAdded = new ArrayList<>();
        List<Double> firstNextWrapped = new ArrayList<>();
        List<Double> firstNextUnwrapped = new ArrayList<>();
        List<Double> wrapperAdds = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            ColdStart[] cold = new ColdStart[3];
            for (int c : ORDERS[i % ORDERS.length]) {
                cold[c] = coldStart(task, withFiretap, c);
            }
            ColdStart with = cold[WRAPPED];
            ColdStart unwrapped = cold[UNWRAPPED];
            ColdStart without = cold[WITHOUT];
            responseWith.add(with.response());
            freezeWith.add(with.freeze());
            responseWithout.add(without.response());
            freezeWithout.add(without.freeze());
            responseAdded.add(with.response() - without.response());
            freezeAdded.add(with.freeze() - without.freeze());
            firstNextWrapped.add(with.runtimeToFirstNext());
            firstNextUnwrapped.add(unwrapped.runtimeToFirstNext());
            wrapperAdds.add(with.runtimeToFirstNext() - unwrapped.runtimeToFirstNext());
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("firstResponseWithFiretapMs", EndToEndBench.stats(responseWith));
        r.put("firstResponseWithoutMs", EndToEndBench.stats(responseWithout));
        r.put("firstResponseAddedMs", EndToEndBench.stats(responseAdded));
        r.put("firstFreezeWithFiretapMs", EndToEndBench.stats(freezeWith));
        r.put("firstFreezeWithoutMs", EndToEndBench.stats(freezeWithout));
        r.put("firstFreezeAddedMs", EndToEndBench.stats(freezeAdded));
        r.put("runtimeToFirstNextWrappedMs", EndToEndBench.stats(firstNextWrapped));
        r.put("runtimeToFirstNextUnwrappedMs", EndToEndBench.stats(firstNextUnwrapped));
        r.put("wrapperAddsMs", EndToEndBench.stats(wrapperAdds));
        r.put("rounds", rounds);
        return r;
    }

    /**
     * One cold start, in ms: sandbox start → the first response, and → the first freeze; runtime
     * process start → its first {@code /next}.
     */
    private record ColdStart(double response, double freeze, double runtimeToFirstNext) {
    }

    /** A cold start of configuration {@code c}: {@link #WRAPPED}, {@link #UNWRAPPED} or {@link #WITHOUT}. */
    private static ColdStart coldStart(Path task, Function<AwsEndpoint, LambdaEmulator.Builder> withFiretap, int c)
            throws Exception {
        List<String> handler = List.of(task.resolve(HANDLER).toString());
        if (c == WITHOUT) {
            return coldStart(LambdaEmulator.builder().taskRoot(task).handler(HANDLER).runtime(handler)
                    .functionName("firetap-bench").timeout(Duration.ofMinutes(1)).build());
        }
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("bench").retainRecords(false).start()) {
            LambdaEmulator.Builder b = withFiretap.apply(aws);
            return coldStart((c == WRAPPED ? b : b.runtime(handler)).build());
        }
    }

    private static ColdStart coldStart(LambdaEmulator lambda) throws Exception {
        try (lambda) {
            long t0 = System.nanoTime();
            lambda.start();
            Invocation first = lambda.invoke("{\"lines\":100}");
            long frozen = System.nanoTime();
            if (first.status() != Invocation.Status.SUCCESS) {
                throw new IllegalStateException("the first invocation failed: " + first);
            }
            lambda.shutdown();
            double freeze = (frozen - t0) / 1e6;
            return new ColdStart(freeze - first.hold().toNanos() / 1e6, freeze,
                    lambda.runtimeToFirstNext().toNanos() / 1e6);
        }
    }

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> r) {
        StringBuilder md = new StringBuilder();
        md.append("## 9. Cold-start cost against the same function without firetap\n\n");
        md.append("| from the sandbox's start to | without firetap ms | with firetap ms | firetap adds ms (paired) |\n");
        md.append("|---|---|---|---|\n");
        row(md, "the caller has the first response", r, "firstResponse");
        row(md, "Lambda may freeze the sandbox (billed until here)", r, "firstFreeze");
        md.append("\n| from the runtime process's start to its first `/next` | median ms (min–max) |\n|---|---|\n");
        md.append("| wrapped: the layer, the sh wrapper execs the function | "
                + Report.spread(r.get("runtimeToFirstNextWrappedMs"), "%.1f") + " |\n");
        md.append("| unwrapped: the layer (its extension runs), the function its own bootstrap | "
                + Report.spread(r.get("runtimeToFirstNextUnwrappedMs"), "%.1f") + " |\n");
        md.append("| what the wrapper adds (paired differences) | " + Report.spread(r.get("wrapperAddsMs"), "%.1f") + " |\n");
        md.append(String.format(Locale.ROOT, "\nA small custom-runtime function (Python, 100 lines per event) in a fresh"
                + " sandbox each time, %s rounds of three configurations, their order cycling through all six: with the layer (the sh"
                + " wrapper execs the function; the default adaptive delivery), with the layer but the function its own"
                + " bootstrap (the extension runs, the wrapper does not), and without any layer; medians (min–max)."
                + " Targets: the first response ≤ 60 ms later, the first freeze ≤ 250 ms later; the wrapper adds ≤ 10 ms"
                + " to the runtime's start (a light runtime, so the figure is not lost in a JVM's start-up; §3 gives the"
                + " same for the JVM function).\n\n", r.get("rounds")));
        return md.toString();
    }

    @SuppressWarnings("unchecked")
    private static void row(StringBuilder md, String what, Map<String, Object> r, String key) {
        Map<String, Object> without = (Map<String, Object>) r.get(key + "WithoutMs");
        Map<String, Object> with = (Map<String, Object>) r.get(key + "WithFiretapMs");
        Map<String, Object> added = (Map<String, Object>) r.get(key + "AddedMs");
        md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f (%.0f–%.0f) |\n", what, without.get("median"),
                with.get("median"), added.get("median"), added.get("min"), added.get("max")));
    }
}
