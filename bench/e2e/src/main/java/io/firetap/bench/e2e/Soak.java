package io.firetap.bench.e2e;

import io.firetap.testkit.aws.AcceptedStream;
import io.firetap.testkit.aws.AwsEndpoint;
import io.firetap.testkit.lambda.Invocation;
import io.firetap.testkit.lambda.LambdaEmulator;
import io.firetap.testkit.lambda.ShutdownReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The soak run: many small invocations at a steady rate against a Firehose endpoint that throttles and
 * fails part of the calls all along, with the extension's resident memory read through the run.
 *
 * <p>Every line the function writes carries a number unique in the run, so the endpoint's records
 * say what was lost (a number never delivered) and what was duplicated (one delivered twice — which
 * a retried call may legitimately cause only when a response is lost, and this run loses none).
 * Memory is read from {@code /proc/<pid>/status} ({@code VmRSS}, and {@code VmHWM}, the peak so far)
 * after every invocation that ends a percent of the run; 10 % is past warm-up, so RSS at 10 % and at
 * 100 % says whether memory stays flat. Not part of the default run: {@code bench/run --only soak}.
 */
final class Soak {
    /** Lines per invocation, and their size with the newline. */
    static final int LINES = 5;
    static final int LINE_BYTES = 100;
    /** Share of calls answered with a throttling error, and of the remaining calls' entries failed. */
    static final double THROTTLED_CALLS = 0.1;
    static final double FAILED_ENTRIES = 0.1;
    /** The endpoint's round trip, as a nearby Firehose answers. */
    static final Duration ROUND_TRIP = Duration.ofMillis(10);

    private final String stream;
    private final int invocations;
    private final int perSecond;
    private final Function<AwsEndpoint, LambdaEmulator.Builder> environment;

    /**
     * @param stream      the delivery stream the environment ships to
     * @param invocations how many
     * @param perSecond   the rate they are started at (an invocation that ends late starts the next at once)
     * @param environment the emulated sandbox for an endpoint
     */
    Soak(String stream, int invocations, int perSecond, Function<AwsEndpoint, LambdaEmulator.Builder> environment) {
        this.stream = stream;
        this.invocations = invocations;
        this.perSecond = perSecond;
        this.environment = environment;
    }

    /** The extension's settings for the run: the defaults, with metrics on standard error every 10 s. */
    static Map<String, String> settings() {
        Map<String, String> env = new HashMap<>();
        env.put("FIRETAP_DELIVERY", "adaptive");
        env.put("FIRETAP_METRICS", "stderr");
        env.put("FIRETAP_METRICS_INTERVAL", "10s");
        return env;
    }

    Map<String, Object> run() throws Exception {
        long period = TimeUnit.SECONDS.toNanos(1) / perSecond;
        List<Map<String, Object>> samples = new ArrayList<>();
        Map<String, Object> r = new LinkedHashMap<>();
        try (AwsEndpoint aws = AwsEndpoint.builder().deliveryStream(this.stream).latency(ROUND_TRIP).seed(21).start();
             LambdaEmulator lambda = environment.apply(aws).build().start()) {
            AcceptedStream stream = aws.deliveryStream(this.stream);
            long pid = lambda.pid("firetap");
            aws.faults().throttleCalls(THROTTLED_CALLS).failEntries(FAILED_ENTRIES);
            int failed = 0;
            long start = System.nanoTime();
            for (int i = 0; i < invocations; i++) {
                long due = start + i * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long from = (long) i * LINES;
                Invocation inv = lambda.invoke("{\"lines\":" + LINES + ",\"size\":" + LINE_BYTES + ",\"from\":" + from
                        + "}");
                if (inv.status() != Invocation.Status.SUCCESS) {
                    failed++;
                }
                int done = i + 1;
                if (done * 100L / invocations != (long) i * 100 / invocations || done == invocations) {
                    samples.add(memory(pid, done, (System.nanoTime() - start) / 1e9, stream.lineCount()));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // how far behind its schedule the run ended: a machine too busy for the rate shows here
            double slip = seconds - (double) (invocations - 1) / perSecond;
            Map<String, Object> atEnd = memory(pid, invocations, seconds, stream.lineCount());
            aws.faults().clear();
            ShutdownReport end = lambda.shutdown();

            long written = (long) invocations * LINES;
            boolean[] seen = new boolean[(int) written];
            long delivered = 0;
            long duplicates = 0;
            long foreign = 0;
            for (String line : stream.lines()) {
                delivered++;
                long n = number(line);
                if (n < 0 || n >= written) {
                    foreign++;
                } else if (seen[(int) n]) {
                    duplicates++;
                } else {
                    seen[(int) n] = true;
                }
            }
            long lost = 0;
            for (boolean s : seen) {
                lost += s ? 0 : 1;
            }
            r.put("invocations", invocations);
            r.put("ratePerSecond", perSecond);
            r.put("achievedPerSecond", invocations / seconds);
            r.put("scheduleSlipSeconds", slip);
            r.put("failedInvocations", failed);
            r.put("seconds", seconds);
            r.put("linesWritten", written);
            r.put("linesDelivered", delivered - duplicates - foreign);
            r.put("lost", lost);
            r.put("duplicates", duplicates);
            r.put("otherLines", foreign);
            r.put("calls", stream.calls());
            r.put("injectedFaults", aws.faults().injected().asMap().toString());
            r.put("violations", aws.violations().size());
            r.put("extensionExit", end.process("firetap").exitCode());
            Map<String, Object> at10 = samples.get(Math.max(0, samples.size() / 10 - 1));
            r.put("at10Percent", at10);
            r.put("at100Percent", atEnd);
            r.put("rssGrowthMiB", (double) atEnd.get("vmRssMiB") - (double) at10.get("vmRssMiB"));
            r.put("hwmGrowthMiB", (double) atEnd.get("vmHwmMiB") - (double) at10.get("vmHwmMiB"));
            r.put("samples", samples);
            r.put("metricsLines", lambda.output("firetap").stream().filter(l -> l.startsWith("{\"_aws\"")).count());
        }
        return r;
    }

    /** The line's number: its first ten characters (the function writes them zero-padded), or -1. */
    private static long number(String line) {
        if (line.length() < 10) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < 10; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static Map<String, Object> memory(long pid, int done, double seconds, long delivered) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("invocations", done);
        m.put("seconds", seconds);
        m.put("linesDelivered", delivered);
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                m.put("vmRssMiB", Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
            } else if (line.startsWith("VmHWM:")) {
                m.put("vmHwmMiB", Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
            } else if (line.startsWith("RssAnon:")) {
                // heap, stacks, malloc: what a leak would grow
                m.put("rssAnonMiB", Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
            } else if (line.startsWith("RssFile:")) {
                // mapped files paged in: the JVM's library, the class-data archive, jars
                m.put("rssFileMiB", Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
            }
        }
        return m;
    }

    /** The run as a markdown section. */
    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> s) {
        Map<String, Object> at10 = (Map<String, Object>) s.get("at10Percent");
        Map<String, Object> at100 = (Map<String, Object>) s.get("at100Percent");
        StringBuilder md = new StringBuilder("## Soak: steady invocations, throttling and failed entries injected\n\n");
        md.append(String.format(Locale.ROOT, "%,d invocations of %d lines of %d B at %d/s (achieved %.1f/s, ended"
                + " %.1f s behind schedule, %d failed) in %.0f s; the endpoint (%d ms round trip) throttled %.0f %% of calls and failed %.0f %%"
                + " of entries: %s.\n\n", s.get("invocations"), LINES, LINE_BYTES, s.get("ratePerSecond"),
                s.get("achievedPerSecond"), s.get("scheduleSlipSeconds"), s.get("failedInvocations"), s.get("seconds"),
                ROUND_TRIP.toMillis(), THROTTLED_CALLS * 100, FAILED_ENTRIES * 100, s.get("injectedFaults")));
        md.append("| lines written | delivered | lost | duplicates | other lines | calls |\n|---|---|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| %,d | %,d | %d | %d | %d | %,d |\n\n", s.get("linesWritten"),
                s.get("linesDelivered"), s.get("lost"), s.get("duplicates"), s.get("otherLines"), s.get("calls")));
        md.append("| extension memory | at 10 % | at 100 % | growth |\n|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| VmRSS MiB | %.1f | %.1f | %+.1f |\n", at10.get("vmRssMiB"),
                at100.get("vmRssMiB"), s.get("rssGrowthMiB")));
        md.append(String.format(Locale.ROOT, "| VmHWM (peak) MiB | %.1f | %.1f | %+.1f |\n\n", at10.get("vmHwmMiB"),
                at100.get("vmHwmMiB"), s.get("hwmGrowthMiB")));
        StringBuilder rss = new StringBuilder();
        StringBuilder hwm = new StringBuilder();
        StringBuilder anon = new StringBuilder();
        StringBuilder file = new StringBuilder();
        List<Map<String, Object>> samples = (List<Map<String, Object>>) s.get("samples");
        for (int tenth = 1; tenth <= 10; tenth++) {
            Map<String, Object> m = samples.get(Math.min(samples.size(), samples.size() * tenth / 10) - 1);
            rss.append(String.format(Locale.ROOT, "%s%.1f", tenth == 1 ? "" : " ", m.get("vmRssMiB")));
            hwm.append(String.format(Locale.ROOT, "%s%.1f", tenth == 1 ? "" : " ", m.get("vmHwmMiB")));
            anon.append(String.format(Locale.ROOT, "%s%.1f", tenth == 1 ? "" : " ", m.get("rssAnonMiB")));
            file.append(String.format(Locale.ROOT, "%s%.1f", tenth == 1 ? "" : " ", m.get("rssFileMiB")));
        }
        md.append("At each tenth of the run (MiB) — VmRSS: ").append(rss).append("; VmHWM: ").append(hwm)
                .append("; of VmRSS, RssAnon (heap, stacks, malloc): ").append(anon)
                .append("; RssFile (mapped files): ").append(file).append(".\n\n");
        return md.toString();
    }
}
