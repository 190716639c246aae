package io.firetap.extension.internal;

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
import java.io.IOException;
import java.io.StringReader;
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
 * Not thread-safe: one per listener, used by one batch at a time.
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
     * <p>The batch is read as a stream, not as one tree: an event becomes a small object of its
     * fields, and the record of a {@code function} event that is not shipped (the wrapper delivers
     * that output) is skipped unread, its time not parsed. Nothing changes before the whole body has
     * parsed: a malformed one fails with no effect.
     *
     * @param shipFunction     {@code false} while the wrapper delivers the function's output itself
     * @param fallbackRequestId the request id to tag lines with when the stream has not named one
     */
    public Result parse(byte[] body, boolean shipFunction, String fallbackRequestId, long nowMillis)
            throws MalformedBatchException {
        boolean functionShipped = shipFunction && shipped.contains(TelemetryType.FUNCTION);
        List<Item> items = new ArrayList<>();
        String started = startedRequestId;
        int events = 0;
        int skipped = 0;
        int ignored = 0;
        try (JsonReader reader = new JsonReader(new StringReader(new String(body, StandardCharsets.UTF_8)))) {
            reader.setStrictness(Strictness.STRICT);
            if (reader.peek() != JsonToken.BEGIN_ARRAY) {
                // a whole value first, so that malformed JSON is told apart from JSON of the wrong shape
                JsonParser.parseReader(reader);
                throw new MalformedBatchException("the body is JSON but not an array of events", null);
            }
            reader.beginArray();
            while (reader.hasNext()) {
                events++;
                if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                    reader.skipValue();
                    skipped++;
                    continue;
                }
                JsonObject event = new JsonObject();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    if (name.equals("record") && isFunction(event) && !functionShipped) {
                        // not shipped: not read either (a record before its type is read, then dropped)
                        reader.skipValue();
                    } else {
                        event.add(name, JsonParser.parseReader(reader));
                    }
                }
                reader.endObject();
                String type = string(event.get("type"));
                if (type == null) {
                    skipped++;
                    continue;
                }
                JsonElement record = event.get("record");
                switch (type) {
                    case "function":
                        if (!shipped.contains(TelemetryType.FUNCTION)) {
                            break;
                        }
                        if (!shipFunction) {
                            ignored++;
                            break;
                        }
                        addRecord(items, record, time(event.get("time"), nowMillis), Source.TELEMETRY_FUNCTION,
                                requestIdOf(record, started, fallbackRequestId));
                        break;
                    case "extension":
                        if (shipped.contains(TelemetryType.EXTENSION) && !isOwnDiagnostic(record)) {
                            addRecord(items, record, time(event.get("time"), nowMillis), Source.TELEMETRY_EXTENSION,
                                    requestIdOf(record, started, fallbackRequestId));
                        }
                        break;
                    default:
                        if (type.startsWith("platform.")) {
                            String requestId = record != null && record.isJsonObject()
                                    ? string(record.getAsJsonObject().get("requestId")) : null;
                            if (type.equals("platform.start") && requestId != null) {
                                started = requestId;
                            }
                            platform(items, type, event, requestId, nowMillis);
                        } else {
                            skipped++;
                        }
                }
            }
            reader.endArray();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new MalformedBatchException("data after the JSON array", null);
            }
        } catch (MalformedBatchException e) {
            throw e;
        } catch (JsonParseException | IllegalStateException | IOException e) {
            throw new MalformedBatchException("not valid JSON: " + firstLine(e.getMessage()), e);
        }
        startedRequestId = started;
        return new Result(items, events, skipped, ignored);
    }

    /** Whether the event's fields so far say it is a {@code function} event. */
    private static boolean isFunction(JsonObject event) {
        JsonElement type = event.get("type");
        return type != null && type.isJsonPrimitive() && type.getAsString().equals("function");
    }

    private void platform(List<Item> items, String type, JsonObject event, String requestId, long nowMillis) {
        if (shipped.contains(TelemetryType.PLATFORM)) {
            items.add(new Item.Line(LogLine.of(event.toString().getBytes(StandardCharsets.UTF_8),
                    time(event.get("time"), nowMillis), Source.TELEMETRY_PLATFORM, requestId)));
        }
        if (type.equals("platform.runtimeDone") && requestId != null) {
            items.add(new Item.RuntimeDone(requestId));
        }
    }

    private static String requestIdOf(JsonElement record, String started, String fallback) {
        if (record != null && record.isJsonObject()) {
            String id = string(record.getAsJsonObject().get("requestId"));
            if (id != null) {
                return id;
            }
        }
        return started != null ? started : fallback;
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
        long fast = isoUtcMillis(s);
        if (fast != Long.MIN_VALUE) {
            return fast;
        }
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException ex) {
            return fallback;
        }
    }

    /**
     * The form Lambda writes, {@code 2024-05-01T12:00:00.000Z} (any number of fraction digits, or
     * none), read without the general parser; {@link Long#MIN_VALUE} for any other form, which
     * {@link Instant#parse} then reads.
     */
    static long isoUtcMillis(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59) {
            return Long.MIN_VALUE;
        }
        int millis = 0;
        if (n > 20) {
            if (s.charAt(19) != '.' || n == 21) {
                return Long.MIN_VALUE;
            }
            for (int i = 20; i < n - 1; i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return Long.MIN_VALUE;
                }
                if (i < 23) {
                    millis = millis * 10 + (c - '0');
                }
            }
            for (int i = Math.min(n - 1, 23); i < 23; i++) {
                millis *= 10;
            }
        }
        if (day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return Long.MIN_VALUE;
        }
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
    }

    /** The decimal number in {@code s} at {@code from}, {@code count} digits; -1 if any is not a digit. */
    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
