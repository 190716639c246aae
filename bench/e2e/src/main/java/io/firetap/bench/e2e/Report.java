package io.firetap.bench.e2e;

import java.util.Locale;
import java.util.Map;

/** The markdown report, with the project's targets beside each figure. */
final class Report {
    private Report() {
    }

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> r, String chart) {
        Map<String, Object> machine = (Map<String, Object>) r.get("machine");
        Map<String, Object> throughput = (Map<String, Object>) r.get("throughput");
        Map<String, Object> hold = (Map<String, Object>) r.get("hold");
        Map<String, Object> cost = (Map<String, Object>) r.get("cost");
        Map<String, Object> cold = (Map<String, Object>) r.get("coldStart");
        Map<String, Object> rss = (Map<String, Object>) r.get("peakRss");
        StringBuilder md = new StringBuilder();
        md.append("# firetap end-to-end benchmark — ").append(machine.get("date")).append("\n\n");
        md.append(f("Commit `%s`, %s cores, the bench on %s, %s; %s runs per figure (median, min–max). The built"
                + " layer's launcher, extension and sh wrapper under the testkit's Lambda emulator, shipping through the"
                + " Firehose sink on its default transport to the fake Firehose on loopback. Layer: `%s`. Reproduce:"
                + " `mvn -B -q package -DskipTests && bench/run`. Took %.0f s.\n\n", machine.get("commit"), machine.get("cores"),
                machine.get("java"), machine.get("os"), machine.get("repetitions"), machine.get("layer"),
                r.get("tookSeconds")));
        md.append("![hold and throughput](").append(chart).append(")\n\n");

        md.append("## 1. Throughput (handler → stdout → intake FIFO → extension → Firehose) vs the raw limit\n\n");
        md.append("| line size | firetap lines/s | firetap MB/s | raw limit lines/s | raw MB/s | ratio |\n|---|---|---|---|---|---|\n");
        for (Object o : throughput.values()) {
            Map<String, Object> row = (Map<String, Object>) o;
            md.append(f("| %s B | %s | %s | %s | %s | %.2f |\n", row.get("lineBytes"),
                    spread(row.get("firetapLinesPerSecond"), "%,.0f"), spread(row.get("firetapMBPerSecond"), "%.1f"),
                    spread(row.get("rawLinesPerSecond"), "%,.0f"), spread(row.get("rawMBPerSecond"), "%.1f"),
                    row.get("ratioToRaw")));
        }
        md.append("\nRaw limit: the same bytes from a child's stdout pipe into a UNIX socket and a reader that discards"
                + " them. Targets: ≥ 1 M lines/s at 100 B and ≥ 0.3 × the raw limit.\n\n");

        md.append("## 2. Post-runtime hold (response → extension's next `/next`)\n\n");
        md.append("| lines per invocation | invocations | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n");
        for (Object o : hold.values()) {
            Map<String, Object> row = (Map<String, Object>) o;
            md.append(f("| %s | %s | %.2f | %.2f | %.2f | %.2f |\n", row.get("linesPerInvocation"), row.get("invocations"),
                    row.get("p50Ms"), row.get("p90Ms"), row.get("p99Ms"), row.get("maxMs")));
        }
        md.append("\nTarget: p99 ≤ 10 ms at 1,000 lines.\n\n");

        md.append("## 3. Cold start\n\n| what | median ms | min–max ms |\n|---|---|---|\n");
        coldRow(md, "extension process start → `/register`", cold.get("extensionToRegisterMs"));
        coldRow(md, "extension process start → first `/next` (init done; the sinks warm up in the background)",
                cold.get("extensionToFirstNextMs"));
        coldRow(md, "extension process start → the first call to the destination done (the first invocation's lines)",
                cold.get("extensionToFirstCallDoneMs"));
        coldRow(md, "floor: an empty `main` with the extension's JVM, options and class path, start → exit",
                cold.get("emptyMainStartToExitMs"));
        coldRow(md, "extension CPU time (user + system) from its start to the end of the first invocation",
                cold.get("extensionCpuToFirstInvocationEndMs"));
        coldRow(md, "floor: the empty `main`'s CPU time", cold.get("emptyMainCpuMs"));
        md.append(f("| extension CPU time per warm invocation of 100 lines, strict mode: one call each (µs, over %s after as many to warm up) | %.0f | |\n",
                cold.get("warmInvocationsMeasured"), cold.get("extensionCpuPerWarmInvocationOf100LinesMicros")));
        md.append(f("| the same in the default adaptive mode (back-to-back invocations: steady traffic, one call per flush interval) | %.0f | |\n",
                cold.get("extensionCpuPerWarmInvocationOf100LinesAdaptiveMicros")));
        coldRow(md, "runtime process start → its first `/next`, wrapped (the launcher execs the handler)",
                cold.get("runtimeToFirstNextWrappedMs"));
        coldRow(md, "the same, direct (the handler is the bootstrap; cold starts alternate)",
                cold.get("runtimeToFirstNextDirectMs"));
        coldRow(md, "what the wrapper adds (paired differences)", cold.get("wrapperAddsMs"));
        md.append("\nTargets: register ≤ floor + 30 ms, first `/next` ≤ 150 ms, first call done ≤ 300 ms; CPU to the end"
                + " of the first invocation ≤ 400 ms, per warm invocation of 100 lines ≤ 2 ms; the wrapper adds ≤ 10 ms.\n\n");

        md.append(f("## 4. Memory\n\nPeak RSS (VmHWM) of a fresh extension, firetap's only process in the sandbox:"
                + " after 20 invocations of 10 lines, %.1f MiB; then while the function writes 100 B lines at 100,000"
                + " lines/s, %.1f MiB; during scenario 1's unthrottled flood (the buffer full, the writer held),"
                + " %.1f MiB. For reference, the function's own runtime process (the handler, which the sh wrapper"
                + " exec'd; a JVM here): %.1f / %.1f / %.1f MiB. Floor: an empty `main` with the extension's JVM,"
                + " options and class path, %s MiB. Target: every firetap process together ≤ 64 MiB at rest, ≤ 80 MiB"
                + " at 100,000 lines/s.\n\n", rss.get("extensionLightMiB"), rss.get("extensionAt100kMiB"), rss.get("extensionMiB"),
                rss.get("runtimeLightMiB"), rss.get("runtimeAt100kMiB"), rss.get("runtimeMiB"),
                cold == null ? "(not measured: the cold scenario did not run)" : spread(cold.get("emptyMainPeakRssMiB"), "%.1f")));

        md.append("## 5. Cost (20 invocations each)\n\n| packing | lines per invocation | bytes per line, newline included"
                + " | records | billed ÷ payload | PutRecordBatch calls per MiB |\n|---|---|---|---|---|---|\n");
        for (Object o : cost.values()) {
            Map<String, Object> row = (Map<String, Object>) o;
            md.append(f("| %s | %s | %s | %s | %.4f | %.2f |\n", Boolean.TRUE.equals(row.get("packing")) ? "on" : "off",
                    row.get("linesPerInvocation"), row.get("lineBytesWithNewline"), row.get("records"),
                    row.get("billedRatio"), row.get("callsPerMiB")));
        }
        md.append("\nFirehose bills each record in 5 KB (5,120-byte) steps, so one flush wastes at most one step: at"
                + " 1,000 lines of 100 B with the newline (100,000 bytes) the least possible is 102,400 ÷ 100,000 ="
                + " 1.024; with 100 B of text plus the newline (101,000 bytes), 1.014. Target: ≤ 1.02 at 1,000 lines"
                + " per flush.\n\n");

        Map<String, Object> proxy = (Map<String, Object>) r.get("proxy");
        Map<String, Object> idle = (Map<String, Object>) proxy.get("idle");
        Map<String, Object> loaded = (Map<String, Object>) proxy.get("at100k");
        md.append(f("## 6. The wrapper's cost per invocation\n\nRuntime time of an invocation that writes nothing,"
                + " through the extension's Runtime API proxy and the intake's drain marker, minus the same function run"
                + " directly: %s rounds of four environments side by side (direct, through the proxy, direct again,"
                + " through a bare relay), invoked in turn in an order that changes each round (over four rounds each"
                + " runs first, second, third and last once, and right after each other once), not frozen between"
                + " invocations, after 300 warm-up invocations each. The floor is the same measurement between the two"
                + " direct environments: what the machine alone shows: a p99 of the cost no lower than the floor's cannot"
                + " be told from the machine's noise. The relay is what any extra hop costs on this machine: the function run directly,"
                + " its Runtime API calls passed byte for byte through a TCP relay in a JVM of its own (one thread per"
                + " direction, no HTTP parsed): the floor the proxy's figure is to be read against.\n\n"
                + "| load on the extension | through the proxy µs (median) | direct µs | added p50 µs | added p99 µs |"
                + " floor p50 µs | floor p99 µs | relay p50 µs | relay p99 µs |\n|---|---|---|---|---|---|---|---|---|\n",
                idle.get("pairs")));
        md.append(proxyRow("none", idle));
        md.append(proxyRow(f("%,.0f lines/s written to its socket", loaded.get("linesPerSecondWritten")), loaded));
        md.append("\nTargets: p50 ≤ 200 µs; p99 ≤ 1 ms while the extension ships 100,000 lines/s.\n\n");

        Map<String, Object> sinks = (Map<String, Object>) r.get("sinks");
        md.append("## 7. Each sink alone (pipeline + sink + real SDK client → loopback endpoint, one JVM, 100 B lines)\n\n");
        md.append("| sink | packing | lines/s |\n|---|---|---|\n");
        for (Map.Entry<String, Object> e : sinks.entrySet()) {
            String key = e.getKey();
            md.append(f("| %s | %s | %s |\n", key.startsWith("firehose") ? "firehose" : "kinesis",
                    key.endsWith("PackingOn") ? "on" : "off", spread(e.getValue(), "%,.0f")));
        }
        md.append("\nSteady state: each figure follows warm-up runs of the same configuration that are not counted"
                + " (5, or 2 with --quick), in the bench's JVM with the default JIT; the extension itself runs C1"
                + " only (§1 is its end-to-end figure). Target: ≥ 1 M lines/s with packing on.\n");
        md.append("\n");
        Map<String, Object> delivery = (Map<String, Object>) r.get("delivery");
        md.append("## 8. Delivery modes at a 20 ms round trip (100 lines of 100 B per invocation)\n\n"
                + "| mode | traffic | invocations | first hold ms | hold p50 ms | p99 ms | max ms | round trip p50 ms |"
                + " calls per invocation | delivered before the freeze | largest write → arrival ms |"
                + " lines delivered / written |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Object> e : delivery.entrySet()) {
            Map<String, Object> row = (Map<String, Object>) e.getValue();
            Object roundTrip = row.get("roundTripP50Ms");
            md.append(f("| %s | %s, every %s ms | %s | %.1f | %.2f | %.2f | %.2f | %s | %.2f | %s of %s | %s | %s / %s |\n",
                    e.getKey().startsWith("adaptive") ? "adaptive" : "strict",
                    e.getKey().endsWith("Steady") ? "steady" : "sparse", row.get("everyMs"), row.get("invocations"),
                    row.get("firstHoldMs"), row.get("holdP50Ms"), row.get("holdP99Ms"), row.get("holdMaxMs"),
                    roundTrip == null ? "—" : f("%.2f", roundTrip), row.get("callsPerInvocation"), row.get("deliveredBeforeFreeze"), row.get("invocations"),
                    row.get("largestWriteToArrivalMs"), row.get("linesDelivered"), row.get("linesWritten")));
        }
        md.append("\nThe tail one by one, and which invocations' lines were not all in the sink while frozen after them:\n\n");
        for (Map.Entry<String, Object> e : delivery.entrySet()) {
            Map<String, Object> row = (Map<String, Object>) e.getValue();
            md.append(f("- %s: longest holds (invocation, ms) %s; missed their freeze: %s; the first invocation's lines"
                    + " in by the freeze after the second: %s\n", e.getKey(), row.get("worstHoldsMs"),
                    row.get("missedTheirFreeze"), Boolean.TRUE.equals(row.get("firstInBySecondFreeze")) ? "yes" : "no"));
        }
        md.append("\nThe endpoint answers every call 20 ms after it arrives (half before it takes effect, half before"
                + " the answer). \"Round trip\" is what that endpoint gave in the same run: under sparse traffic,"
                + " while frozen after each invocation, a plain call of the same size on one kept-alive socket (no"
                + " signing, no client library), its time from the request's first byte to the answer's last."
                + " Holds and calls leave the first invocation (the cold start) aside; its hold is the \"first hold\""
                + " column. \"Delivered before the freeze\" counts every invocation, the first included."
                + " The write → arrival delay is the endpoint's arrival time of"
                + " the call less the wall-clock millisecond the function wrote into the line. Adaptive's bound under"
                + " steady traffic: 1.5 × FIRETAP_FLUSH_INTERVAL (1 s) plus one call. §1–§6 run in strict mode (one flush"
                + " per invocation). Targets (adaptive): steady hold p50 ≤ 1 ms, p99 ≤ 5 ms, ≤ 0.1 calls per invocation;"
                + " sparse hold p50 ≤ the same run's round trip p50 + 3 ms, every invocation delivered before its"
                + " freeze.\n\n");

        if (r.get("sandbox") != null) {
            md.append(SandboxCost.markdown((Map<String, Object>) r.get("sandbox")));
        }
        if (r.get("soak") != null) {
            md.append(Soak.markdown((Map<String, Object>) r.get("soak")));
        }
        return md.toString();
    }

    @SuppressWarnings("unchecked")
    private static void coldRow(StringBuilder md, String what, Object stats) {
        Map<String, Object> s = (Map<String, Object>) stats;
        md.append(f("| %s | %.0f | %.0f–%.0f |\n", what, s.get("median"), s.get("min"), s.get("max")));
    }

    /** The median of {@code stats} ({@link EndToEndBench#stats}) and its min–max, each in {@code format}. */
    @SuppressWarnings("unchecked")
    static String spread(Object stats, String format) {
        Map<String, Object> s = (Map<String, Object>) stats;
        return f(format, s.get("median")) + " (" + f(format, s.get("min")) + "–" + f(format, s.get("max")) + ")";
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private static String proxyRow(String load, Map<String, Object> row) {
        return f("| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |\n", load,
                row.get("wrappedRuntimeMicros"), row.get("directRuntimeMicros"), row.get("overheadP50Micros"),
                row.get("overheadP99Micros"), row.get("floorP50Micros"), row.get("floorP99Micros"),
                row.get("relayP50Micros"), row.get("relayP99Micros"));
    }
}
