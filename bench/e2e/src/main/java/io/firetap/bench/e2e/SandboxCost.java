package io.firetap.bench.e2e;

import io.firetap.testkit.aws.AwsEndpoint;
import io.firetap.testkit.lambda.Invocation;
import io.firetap.testkit.lambda.LambdaEmulator;
import java.io.IOException;
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
 * (the last extension's next {@code /next}): the differences are firetap's cold-start cost.
 */
final class SandboxCost {
    static final String HANDLER = "pyfn";
    private static final String FUNCTION = """
            #!/usr/bin/env python3
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

    /** Whether the function can run here: it needs {@code python3} on the PATH. */
    static boolean available() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "python3"))) {
                return true;
            }
        }
        return false;
    }

    /** Writes the function into {@code task}. */
    static void install(Path task) throws IOException {
        Path file = task.resolve(HANDLER);
        Files.writeString(file, FUNCTION);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * {@code rounds} cold starts of each, alternating.
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
        for (int i = 0; i < rounds; i++) {
            double[] with;
            try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream("bench").retainRecords(false).start()) {
                with = coldStart(withFiretap.apply(aws).build());
            }
            double[] without = coldStart(LambdaEmulator.builder().taskRoot(task).handler(HANDLER)
                    .runtime(List.of(task.resolve(HANDLER).toString())).functionName("firetap-bench")
                    .timeout(Duration.ofMinutes(1)).build());
            responseWith.add(with[0]);
            freezeWith.add(with[1]);
            responseWithout.add(without[0]);
            freezeWithout.add(without[1]);
            responseAdded.add(with[0] - without[0]);
            freezeAdded.add(with[1] - without[1]);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("firstResponseWithFiretapMs", EndToEndBench.stats(responseWith));
        r.put("firstResponseWithoutMs", EndToEndBench.stats(responseWithout));
        r.put("firstResponseAddedMs", EndToEndBench.stats(responseAdded));
        r.put("firstFreezeWithFiretapMs", EndToEndBench.stats(freezeWith));
        r.put("firstFreezeWithoutMs", EndToEndBench.stats(freezeWithout));
        r.put("firstFreezeAddedMs", EndToEndBench.stats(freezeAdded));
        return r;
    }

    /** Sandbox start → the first response, and → the first freeze, in ms. */
    private static double[] coldStart(LambdaEmulator lambda) throws Exception {
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
            return new double[] {freeze - first.hold().toNanos() / 1e6, freeze};
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
        md.append("\nA small custom-runtime function (Python, 100 lines per event) in a fresh sandbox each time, with the"
                + " layer (the sh wrapper execs it; the default adaptive delivery) and without any layer, alternating;"
                + " medians (min–max of the paired differences). Targets: the first response ≤ 60 ms later, the first"
                + " freeze ≤ 250 ms later.\n\n");
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
