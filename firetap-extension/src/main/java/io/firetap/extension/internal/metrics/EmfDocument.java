package io.firetap.extension.internal.metrics;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One document in CloudWatch's
 * <a href="https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html">embedded
 * metric format</a> (EMF): a JSON object on one line, which CloudWatch Logs turns into metric values.
 *
 * <pre>
 * {"_aws":{"Timestamp":1764720000000,"CloudWatchMetrics":[{"Namespace":"firetap",
 *     "Dimensions":[["FunctionName","Sink"]],"Metrics":[{"Name":"LinesDelivered","Unit":"Count"}]}]},
 *  "FunctionName":"checkout","Sink":"firehose","LinesDelivered":1800,"emitter":"firetap"}
 * </pre>
 *
 * <p>One directive per document; each dimension and metric it names is a member of the root object
 * (dimensions as strings, metrics as a number or an array of up to {@value #MAX_VALUES_PER_METRIC}
 * numbers). Since a member has one value, a metric with several values of a dimension (one per sink,
 * say) takes one document each. A dimension without a value (no function name outside Lambda) is
 * left out of every dimension set rather than sent empty, which CloudWatch would refuse. Every
 * document ends with {@code "emitter":"firetap"}, so firetap can tell its own lines from another
 * extension's when they come back through the Telemetry API.
 */
final class EmfDocument {
    /** The specification's limit on dimensions in one dimension set. */
    static final int MAX_DIMENSIONS_PER_SET = 30;
    /** The specification's limit on metric definitions in one directive. */
    static final int MAX_METRICS_PER_DIRECTIVE = 100;
    /** The specification's limit on values in one metric's array. */
    static final int MAX_VALUES_PER_METRIC = 100;
    static final String EMITTER_MEMBER = "emitter";
    static final String EMITTER = "firetap";
    private static final String OWN_PREFIX = "{\"_aws\":{";
    private static final String OWN_SUFFIX = ",\"" + EMITTER_MEMBER + "\":\"" + EMITTER + "\"}";

    private record Metric(String name, MetricUnit unit, long whole, double[] values) {
    }

    private final String namespace;
    private final Map<String, String> dimensions = new LinkedHashMap<>();
    private final List<List<String>> dimensionSets = new ArrayList<>();
    private final List<Metric> metrics = new ArrayList<>();

    EmfDocument(String namespace) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
    }

    /** A dimension's value; a blank one is left out (and out of every set that names it). */
    EmfDocument dimension(String name, String value) {
        Objects.requireNonNull(name, "name");
        if (value != null && !value.isBlank()) {
            dimensions.put(name, value);
        }
        return this;
    }

    /** A combination of dimensions every metric of the document is published under. */
    EmfDocument dimensionSet(String... names) {
        if (names.length > MAX_DIMENSIONS_PER_SET) {
            throw new IllegalArgumentException("at most " + MAX_DIMENSIONS_PER_SET + " dimensions in a set");
        }
        dimensionSets.add(List.of(names));
        return this;
    }

    EmfDocument metric(String name, MetricUnit unit, long value) {
        return add(new Metric(Objects.requireNonNull(name, "name"), Objects.requireNonNull(unit, "unit"), value, null));
    }

    /** A metric with several values (samples) in this document: 1 to {@value #MAX_VALUES_PER_METRIC} of them. */
    EmfDocument metric(String name, MetricUnit unit, double[] values) {
        if (values.length == 0 || values.length > MAX_VALUES_PER_METRIC) {
            throw new IllegalArgumentException("1 to " + MAX_VALUES_PER_METRIC + " values, not " + values.length);
        }
        return add(new Metric(Objects.requireNonNull(name, "name"), Objects.requireNonNull(unit, "unit"), 0,
                values.clone()));
    }

    private EmfDocument add(Metric metric) {
        if (metrics.size() == MAX_METRICS_PER_DIRECTIVE) {
            throw new IllegalStateException("at most " + MAX_METRICS_PER_DIRECTIVE + " metrics in a directive");
        }
        metrics.add(metric);
        return this;
    }

    /** The document as one line of JSON, without the line's {@code '\n'}. */
    String toJson(long timestampMillis) {
        StringWriter out = new StringWriter(512);
        try (JsonWriter json = new JsonWriter(out)) {
            json.beginObject().name("_aws").beginObject();
            json.name("Timestamp").value(timestampMillis);
            json.name("CloudWatchMetrics").beginArray().beginObject();
            json.name("Namespace").value(namespace);
            json.name("Dimensions").beginArray();
            for (List<String> set : presentSets()) {
                json.beginArray();
                for (String name : set) {
                    json.value(name);
                }
                json.endArray();
            }
            json.endArray();
            json.name("Metrics").beginArray();
            for (Metric m : metrics) {
                json.beginObject().name("Name").value(m.name()).name("Unit").value(m.unit().wireName()).endObject();
            }
            json.endArray();
            json.endObject().endArray().endObject();
            for (Map.Entry<String, String> d : dimensions.entrySet()) {
                json.name(d.getKey()).value(d.getValue());
            }
            for (Metric m : metrics) {
                json.name(m.name());
                if (m.values() == null) {
                    json.value(m.whole());
                } else {
                    json.beginArray();
                    for (double v : m.values()) {
                        json.value(v);
                    }
                    json.endArray();
                }
            }
            json.name(EMITTER_MEMBER).value(EMITTER);
            json.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The dimension sets with the dimensions that have no value left out, without repeats. */
    private Set<List<String>> presentSets() {
        Set<List<String>> sets = new LinkedHashSet<>();
        for (List<String> set : dimensionSets) {
            List<String> present = new ArrayList<>(set.size());
            for (String name : set) {
                if (dimensions.containsKey(name)) {
                    present.add(name);
                }
            }
            sets.add(List.copyOf(present));
        }
        return sets;
    }

    /** Whether {@code line} (with or without its {@code '\n'}) is a document firetap wrote. */
    static boolean isOwn(String line) {
        int end = line.endsWith("\n") ? line.length() - 1 : line.length();
        return line.startsWith(OWN_PREFIX) && line.startsWith(OWN_SUFFIX, end - OWN_SUFFIX.length());
    }
}
