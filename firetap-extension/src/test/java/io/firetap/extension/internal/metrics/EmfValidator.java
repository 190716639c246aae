package io.firetap.extension.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a line against CloudWatch's embedded metric format specification
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html),
 * written from the specification rather than from firetap's writer, and returns what the line says.
 *
 * <ul>
 *   <li>The line is one JSON object and nothing else, at most 256 KiB (a Lambda log line's limit).</li>
 *   <li>{@code _aws} is an object with exactly {@code Timestamp} (whole epoch milliseconds) and
 *       {@code CloudWatchMetrics}, a non-empty array of directives.</li>
 *   <li>A directive has exactly {@code Namespace} (CloudWatch's namespace rules), {@code Dimensions} (an
 *       array of dimension sets: arrays of at most 30 names, which may be empty) and {@code Metrics} (1 to
 *       100 definitions with a {@code Name}, an optional {@code Unit} from CloudWatch's units and an
 *       optional {@code StorageResolution} of 1 or 60).</li>
 *   <li>Every dimension named is a root member holding a string of 1 to 1,024 printable ASCII characters,
 *       not all spaces; a dimension name is 1 to 255 ASCII characters, not starting with a colon.</li>
 *   <li>Every metric named is a root member holding a number or an array of 1 to 100 numbers, named once
 *       per directive, never also a dimension.</li>
 * </ul>
 */
public final class EmfValidator {
    public static final int MAX_LINE_BYTES = 256 * 1024;
    public static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
            "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent",
            "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
            "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second",
            "Count/Second", "None");
    /** 2020-01-01, and 2100-01-01: a timestamp outside is not epoch milliseconds (seconds, or nanoseconds). */
    private static final long EARLIEST_MILLIS = 1_577_836_800_000L;
    private static final long LATEST_MILLIS = 4_102_444_800_000L;

    private EmfValidator() {
    }

    /**
     * What one valid document says.
     *
     * @param timestamp     epoch milliseconds
     * @param namespace     the directive's namespace (firetap writes one directive per document)
     * @param dimensionSets the directive's dimension sets
     * @param dimensions    every dimension named, with its value
     * @param metrics       every metric named, with its values (one for a number)
     * @param units         every metric named, with its unit (absent when none was given)
     */
    public record Document(long timestamp, String namespace, List<List<String>> dimensionSets,
            Map<String, String> dimensions, Map<String, List<Double>> metrics, Map<String, String> units) {

        /** The metric's one value, or 0 when the document does not have it. */
        public double value(String metric) {
            List<Double> values = metrics.get(metric);
            if (values == null) {
                return 0;
            }
            assertThat(values).as("%s holds one value", metric).hasSize(1);
            return values.get(0);
        }

        public String dimension(String name) {
            return dimensions.get(name);
        }
    }

    /** Whether the line looks like an EMF document at all (a JSON object with an {@code _aws} member). */
    public static boolean looksLikeEmf(String line) {
        return line.startsWith("{") && line.contains("\"_aws\"");
    }

    /** Validates {@code line}, failing with an {@link AssertionError} that says which rule it breaks. */
    public static Document validate(String line) {
        assertThat(line.getBytes(StandardCharsets.UTF_8).length).as("line size").isLessThanOrEqualTo(MAX_LINE_BYTES);
        JsonObject root = parseObject(line);
        assertThat(root.has("_aws")).as("root has _aws: %s", line).isTrue();
        assertThat(root.get("_aws").isJsonObject()).as("_aws is an object").isTrue();
        JsonObject aws = root.getAsJsonObject("_aws");
        assertThat(aws.keySet()).as("members of _aws").containsExactlyInAnyOrder("Timestamp", "CloudWatchMetrics");

        JsonElement ts = aws.get("Timestamp");
        assertThat(ts.isJsonPrimitive() && ts.getAsJsonPrimitive().isNumber()).as("Timestamp is a number").isTrue();
        assertThat(ts.getAsBigDecimal().stripTrailingZeros().scale()).as("Timestamp is whole milliseconds")
                .isLessThanOrEqualTo(0);
        long timestamp = ts.getAsLong();
        assertThat(timestamp).as("Timestamp in epoch milliseconds").isBetween(EARLIEST_MILLIS, LATEST_MILLIS);

        JsonElement directivesElement = aws.get("CloudWatchMetrics");
        assertThat(directivesElement.isJsonArray()).as("CloudWatchMetrics is an array").isTrue();
        JsonArray directives = directivesElement.getAsJsonArray();
        assertThat(directives).as("directives").isNotEmpty();

        String namespace = null;
        List<List<String>> sets = new ArrayList<>();
        Map<String, String> dimensions = new LinkedHashMap<>();
        Map<String, List<Double>> metrics = new LinkedHashMap<>();
        Map<String, String> units = new LinkedHashMap<>();
        for (JsonElement d : directives) {
            assertThat(d.isJsonObject()).as("a directive is an object").isTrue();
            JsonObject directive = d.getAsJsonObject();
            assertThat(directive.keySet()).as("members of a directive")
                    .containsExactlyInAnyOrder("Namespace", "Dimensions", "Metrics");
            namespace = string(directive.get("Namespace"), "Namespace");
            assertThat(validNamespace(namespace)).as("namespace '%s'", namespace).isTrue();

            JsonElement dims = directive.get("Dimensions");
            assertThat(dims.isJsonArray()).as("Dimensions is an array").isTrue();
            for (JsonElement s : dims.getAsJsonArray()) {
                assertThat(s.isJsonArray()).as("a dimension set is an array").isTrue();
                assertThat(s.getAsJsonArray().size()).as("dimensions in a set").isLessThanOrEqualTo(30);
                List<String> set = new ArrayList<>();
                for (JsonElement n : s.getAsJsonArray()) {
                    String name = string(n, "a dimension name");
                    assertThat(validDimensionName(name)).as("dimension name '%s'", name).isTrue();
                    assertThat(root.has(name)).as("dimension %s is a root member", name).isTrue();
                    String value = string(root.get(name), "the value of dimension " + name);
                    assertThat(validDimensionValue(value)).as("value '%s' of dimension %s", value, name).isTrue();
                    assertThat(set).as("dimension %s once per set", name).doesNotContain(name);
                    set.add(name);
                    dimensions.put(name, value);
                }
                sets.add(set);
            }

            JsonElement defs = directive.get("Metrics");
            assertThat(defs.isJsonArray()).as("Metrics is an array").isTrue();
            assertThat(defs.getAsJsonArray().size()).as("metrics in a directive").isBetween(1, 100);
            Set<String> named = new HashSet<>();
            for (JsonElement m : defs.getAsJsonArray()) {
                assertThat(m.isJsonObject()).as("a metric definition is an object").isTrue();
                JsonObject def = m.getAsJsonObject();
                assertThat(Set.of("Name", "Unit", "StorageResolution")).as("members of a metric definition")
                        .containsAll(def.keySet());
                String name = string(def.get("Name"), "a metric name");
                assertThat(name.length()).as("metric name length").isBetween(1, 255);
                assertThat(named.add(name)).as("metric %s defined once", name).isTrue();
                if (def.has("Unit")) {
                    String unit = string(def.get("Unit"), "the unit of " + name);
                    assertThat(UNITS).as("unit of %s", name).contains(unit);
                    units.put(name, unit);
                }
                if (def.has("StorageResolution")) {
                    assertThat(def.get("StorageResolution").getAsInt()).as("StorageResolution").isIn(1, 60);
                }
                assertThat(root.has(name)).as("metric %s is a root member", name).isTrue();
                metrics.put(name, numbers(root.get(name), name));
            }
        }
        for (String metric : metrics.keySet()) {
            assertThat(dimensions).as("%s is a metric and a dimension", metric).doesNotContainKey(metric);
        }
        return new Document(timestamp, namespace, sets, dimensions, metrics, units);
    }

    private static JsonObject parseObject(String line) {
        try (JsonReader reader = new JsonReader(new StringReader(line))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement root = JsonParser.parseReader(reader);
            assertThat(reader.peek()).as("nothing after the object: %s", line).isEqualTo(JsonToken.END_DOCUMENT);
            assertThat(root.isJsonObject()).as("the line is a JSON object: %s", line).isTrue();
            return root.getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("not one JSON object: " + line, e);
        }
    }

    private static String string(JsonElement e, String what) {
        assertThat(e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()).as("%s is a string", what)
                .isTrue();
        return e.getAsString();
    }

    private static List<Double> numbers(JsonElement e, String metric) {
        List<Double> values = new ArrayList<>();
        if (e.isJsonArray()) {
            assertThat(e.getAsJsonArray().size()).as("values of %s", metric).isBetween(1, 100);
            for (JsonElement v : e.getAsJsonArray()) {
                values.add(number(v, metric));
            }
        } else {
            values.add(number(e, metric));
        }
        return values;
    }

    private static double number(JsonElement e, String metric) {
        assertThat(e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()).as("a value of %s is a number", metric)
                .isTrue();
        double v = e.getAsDouble();
        assertThat(Double.isFinite(v)).as("a value of %s is finite", metric).isTrue();
        return v;
    }

    private static boolean validNamespace(String s) {
        if (s.isEmpty() || s.length() > 255 || s.isBlank() || s.startsWith("AWS/") || s.startsWith(":")) {
            return false;
        }
        return s.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || ".-_/#: ".indexOf(c) >= 0);
    }

    private static boolean validDimensionName(String s) {
        return !s.isEmpty() && s.length() <= 255 && !s.isBlank() && !s.startsWith(":") && printableAscii(s);
    }

    private static boolean validDimensionValue(String s) {
        return !s.isEmpty() && s.length() <= 1024 && !s.isBlank() && printableAscii(s);
    }

    private static boolean printableAscii(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }
}
