package io.firetap.sink.http;

import com.google.gson.stream.JsonWriter;
import io.firetap.core.FunctionMetadata;
import io.firetap.core.sink.SinkRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * How a batch becomes a request body. Records hold whole lines, each ending in {@code \n}; the JSON
 * shapes carry one entry per line (text decoded as UTF-8, invalid bytes replaced).
 */
enum BodyFormat {
    /** The lines as written, newline-delimited: {@code application/x-ndjson}. */
    NDJSON("application/x-ndjson"),
    /** {@code {"logs":[{"timestamp","message","type","requestId","function":{...}}]}}: the shape HTTP log extensions send. */
    JSON("application/json"),
    /** Splunk HEC events, concatenated: {@code {"time","host","source","sourcetype","index","event"}}. */
    HEC("application/json");

    final String contentType;

    BodyFormat(String contentType) {
        this.contentType = contentType;
    }

    /** HEC metadata; unused by the other formats. */
    record HecFields(String host, String source, String sourcetype, String index) {
    }

    byte[] body(List<SinkRecord> batch, FunctionMetadata function, HecFields hec) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(estimate(batch));
        if (this == NDJSON) {
            batch.forEach(r -> out.writeBytes(r.payload()));
            return out.toByteArray();
        }
        try (Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            if (this == JSON) {
                JsonWriter json = new JsonWriter(w);
                json.beginObject().name("logs").beginArray();
                for (SinkRecord r : batch) {
                    String time = Instant.ofEpochMilli(r.timestampMillis()).toString();
                    for (String line : lines(r)) {
                        json.beginObject().name("timestamp").value(time).name("message").value(line)
                                .name("type").value("function");
                        if (r.requestId() != null) {
                            json.name("requestId").value(r.requestId());
                        }
                        json.name("function").beginObject()
                                .name("name").value(function.name())
                                .name("version").value(function.version())
                                .name("memoryMb").value(function.memoryMb())
                                .name("region").value(function.region())
                                .name("architecture").value(function.architecture())
                                .endObject().endObject();
                    }
                }
                json.endArray().endObject();
                json.flush();
            } else {
                for (SinkRecord r : batch) {
                    String time = String.format(java.util.Locale.ROOT, "%.3f", r.timestampMillis() / 1000.0);
                    for (String line : lines(r)) {
                        JsonWriter json = new JsonWriter(w);
                        json.beginObject().name("time").jsonValue(time).name("host").value(hec.host())
                                .name("source").value(hec.source()).name("sourcetype").value(hec.sourcetype());
                        if (hec.index() != null) {
                            json.name("index").value(hec.index());
                        }
                        json.name("event").value(line).endObject();
                        json.flush();
                        w.write('\n');
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String[] lines(SinkRecord r) {
        String text = new String(r.payload(), StandardCharsets.UTF_8);
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        return text.split("\n", -1);
    }

    private static int estimate(List<SinkRecord> batch) {
        long n = 64;
        for (SinkRecord r : batch) {
            n += r.size() + 16;
        }
        return (int) Math.min(n, Integer.MAX_VALUE - 8);
    }
}
