package io.firetap.extension.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.firetap.core.LogLine;
import io.firetap.core.Source;
import io.firetap.extension.TelemetryType;
import io.firetap.extension.internal.logging.JsonStderrServiceProvider;
import io.firetap.extension.internal.metrics.MetricsReporter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Turns one Telemetry API batch (a JSON array of {@code {"time","type","record"}}) into lines to ship
 * and {@code platform.runtimeDone} markers, in the order they came.
 *
 * <ul>
 *   <li>{@code function} and {@code extension} records: a string is one line (a trailing {@code '\n'}
 *       removed); an object (JSON log format) is shipped as one compact JSON line.</li>
 *   <li>{@code platform.*} events: the whole event as one compact JSON line, when {@code platform}
 *       is shipped; {@code platform.runtimeDone} also yields a marker, and {@code platform.start}
 *       sets the request id later {@code function} lines are tagged with.</li>
 *   <li>Elements that are not events are skipped and counted; a body that is not a JSON array
 *       fails as a whole, before anything is delivered.</li>
 * </ul>
 * Not thread-safe: one per listener, used by its one handler thread.
 */
public final class TelemetryBatchParser {

    /** One thing a batch yields, in order. */
    public sealed interface Item {
        /** A line to hand to the intake. */
        record Line(LogLine record) implements Item {
        }

        /** {@code platform.runtimeDone} for this request. */
        record RuntimeDone(String requestId) implements Item {
        }
    }

    /**
     * What one batch yielded.
     *
     * @param items    lines and markers in order
     * @param events   events in the batch
     * @param skipped  elements that were not events (not objects, no type)
     * @param ignored  {@code function} records not shipped because the wrapper delivers that output
     */
    public record Result(List<Item> items, int events, int skipped, int ignored) {
    }

    /** The body was not a JSON array of events. The message says where, never what. */
    public static final class MalformedBatchException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedBatchException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Set<TelemetryType> shipped;
    private String startedRequestId;

    /** @param shipped the record kinds to ship as lines */
    public TelemetryBatchParser(Set<TelemetryType> shipped) {
        this.shipped = shipped.isEmpty() ? EnumSet.noneOf(TelemetryType.class) : EnumSet.copyOf(shipped);
    }

    /**
     * Parses one batch.
     *
     * @param shipFunction     {@code false} while the wrapper delivers the function's output itself
     * @param fallbackRequestId the request id to tag lines with when the stream has not named one
     */
    public Result parse(byte[] body, boolean shipFunction, String fallbackRequestId, long nowMillis)
            throws MalformedBatchException {
        JsonArray events = parseArray(body);
        List<Item> items = new ArrayList<>(events.size());
        int skipped = 0;
        int ignored = 0;
        for (JsonElement e : events) {
            if (!e.isJsonObject()) {
                skipped++;
                continue;
            }
            JsonObject event = e.getAsJsonObject();
            String type = string(event.get("type"));
            if (type == null) {
                skipped++;
                continue;
            }
            JsonElement record = event.get("record");
            long time = time(event.get("time"), nowMillis);
            switch (type) {
                case "function":
                    if (!shipped.contains(TelemetryType.FUNCTION)) {
                        break;
                    }
                    if (!shipFunction) {
                        ignored++;
                        break;
                    }
                    addRecord(items, record, time, Source.TELEMETRY_FUNCTION, requestIdOf(record, fallbackRequestId));
                    break;
                case "extension":
                    if (shipped.contains(TelemetryType.EXTENSION) && !isOwnDiagnostic(record)) {
                        addRecord(items, record, time, Source.TELEMETRY_EXTENSION, requestIdOf(record, fallbackRequestId));
                    }
                    break;
                default:
                    if (type.startsWith("platform.")) {
                        platform(items, type, event, record, time);
                    } else {
                        skipped++;
                    }
            }
        }
        return new Result(items, events.size(), skipped, ignored);
    }

    private void platform(List<Item> items, String type, JsonObject event, JsonElement record, long time) {
        String requestId = record != null && record.isJsonObject() ? string(record.getAsJsonObject().get("requestId")) : null;
        if (type.equals("platform.start") && requestId != null) {
            startedRequestId = requestId;
        }
        if (shipped.contains(TelemetryType.PLATFORM)) {
            items.add(new Item.Line(LogLine.of(event.toString().getBytes(StandardCharsets.UTF_8), time,
                    Source.TELEMETRY_PLATFORM, requestId)));
        }
        if (type.equals("platform.runtimeDone") && requestId != null) {
            items.add(new Item.RuntimeDone(requestId));
        }
    }

    private String requestIdOf(JsonElement record, String fallback) {
        if (record != null && record.isJsonObject()) {
            String id = string(record.getAsJsonObject().get("requestId"));
            if (id != null) {
                return id;
            }
        }
        return startedRequestId != null ? startedRequestId : fallback;
    }

    private static void addRecord(List<Item> items, JsonElement record, long time, Source source, String requestId) {
        byte[] line;
        if (record == null || record.isJsonNull()) {
            return;
        } else if (record.isJsonPrimitive()) {
            String text = record.getAsString();
            int end = text.endsWith("\n") ? text.length() - 1 : text.length();
            line = text.substring(0, end).getBytes(StandardCharsets.UTF_8);
        } else {
            line = record.toString().getBytes(StandardCharsets.UTF_8);
        }
        items.add(new Item.Line(LogLine.of(line, time, source, requestId)));
    }

    /**
     * firetap's own stderr — its diagnostics and its metrics — comes back as {@code extension} records;
     * shipping it would feed the pipeline its own reports.
     */
    private static boolean isOwnDiagnostic(JsonElement record) {
        if (record == null) {
            return false;
        }
        if (record.isJsonPrimitive()) {
            String text = record.getAsString();
            return JsonStderrServiceProvider.looksLikeDiagnostic(text) || MetricsReporter.isOwnLine(text);
        }
        // in the JSON log format Lambda may pass a line that is a JSON object on as an object
        return record.isJsonObject() && MetricsReporter.isOwnDocument(record.getAsJsonObject());
    }

    private static JsonArray parseArray(byte[] body) throws MalformedBatchException {
        try (JsonReader reader = new JsonReader(new InputStreamReader(new ByteArrayInputStream(body),
                StandardCharsets.UTF_8))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement root = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new MalformedBatchException("data after the JSON array", null);
            }
            if (!root.isJsonArray()) {
                throw new MalformedBatchException("the body is JSON but not an array of events", null);
            }
            return root.getAsJsonArray();
        } catch (MalformedBatchException e) {
            throw e;
        } catch (JsonParseException | IllegalStateException | IOException e) {
            throw new MalformedBatchException("not valid JSON: " + firstLine(e.getMessage()), e);
        }
    }

    /** gson's messages end in a troubleshooting link on a second line; the first says where. */
    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        String first = nl < 0 ? message : message.substring(0, nl);
        return first.replace("com.google.gson.stream.MalformedJsonException: ", "")
                .replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON ", "malformed ");
    }

    private static String string(JsonElement e) {
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }

    private static long time(JsonElement e, long fallback) {
        String s = string(e);
        if (s == null) {
            return fallback;
        }
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException ex) {
            return fallback;
        }
    }
}
