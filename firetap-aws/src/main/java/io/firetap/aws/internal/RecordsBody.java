package io.firetap.aws.internal;

import com.google.gson.JsonPrimitive;
import io.firetap.core.sink.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * The JSON body of a records call, written in one exactly sized array: Firehose's
 * {@code PutRecordBatch}, {@code {"DeliveryStreamName":"…","Records":[{"Data":"<base64>"},…]}}, and
 * Kinesis's {@code PutRecords}, {@code {"StreamName":"…","Records":[{"Data":"<base64>","PartitionKey":"…"},…]}}
 * — the documents the SDK's JSON marshaller would write for the same requests (AWS JSON 1.1, blobs
 * as standard base64 with padding).
 *
 * <p>Each record's data is base64-encoded straight into its place in the body: no array per record
 * and no scratch, so the body is the only allocation of a call that matters (the extension's heap is
 * small, and what a call allocates is what its collector has to keep up with). The JDK's
 * {@code Base64} cannot write into the middle of an array, and the extension's JIT (C1) does not
 * vectorise it anyway.
 */
public final class RecordsBody {
    /** The standard base64 alphabet, as the SDK writes blobs. */
    private static final byte[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RECORDS = ",\"Records\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "{\"Data\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "]}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY = "\",\"PartitionKey\":".getBytes(StandardCharsets.US_ASCII);

    /** {@code {"<streamMember>":"<name>"} — the document's start, open for the records. */
    private final byte[] head;

    /**
     * @param streamMember the member that names the stream, {@code DeliveryStreamName} or {@code StreamName}
     * @param streamName   its value
     */
    public RecordsBody(String streamMember, String streamName) {
        this.head = ("{" + new JsonPrimitive(streamMember) + ":" + new JsonPrimitive(streamName))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A document whose records have only {@code Data}. */
    public byte[] encode(List<SinkRecord> records) {
        return encode(records, null);
    }

    /**
     * A document whose records have {@code Data} and, when {@code partitionKeys} is not null, the
     * {@code PartitionKey} it gives each record (asked once per record, in order).
     */
    public byte[] encode(List<SinkRecord> records, Function<SinkRecord, String> partitionKeys) {
        byte[][] keys = null;
        long size = head.length + RECORDS.length + END.length;
        if (partitionKeys != null) {
            keys = new byte[records.size()][];
            for (int i = 0; i < records.size(); i++) {
                keys[i] = new JsonPrimitive(partitionKeys.apply(records.get(i))).toString().getBytes(StandardCharsets.UTF_8);
                // "…","PartitionKey":"<key>" in place of the closing quote
                size += KEY.length + keys[i].length - 1;
            }
        }
        for (int i = 0; i < records.size(); i++) {
            // {"Data":"…"} plus a comma before every record but the first
            size += DATA.length + base64Length(records.get(i).size()) + 2 + (i == 0 ? 0 : 1);
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("records body of " + size + " bytes");
        }
        byte[] body = new byte[(int) size];
        int pos = put(head, body, 0);
        pos = put(RECORDS, body, pos);
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                body[pos++] = ',';
            }
            pos = put(DATA, body, pos);
            pos = base64(records.get(i).payload(), body, pos);
            if (keys != null) {
                pos = put(KEY, body, pos);
                pos = put(keys[i], body, pos);
            } else {
                body[pos++] = '"';
            }
            body[pos++] = '}';
        }
        pos = put(END, body, pos);
        if (pos != body.length) {
            throw new IllegalStateException("records body is " + pos + " bytes, sized " + body.length);
        }
        return body;
    }

    private static int put(byte[] bytes, byte[] body, int pos) {
        System.arraycopy(bytes, 0, body, pos, bytes.length);
        return pos + bytes.length;
    }

    /** Writes {@code data} in base64 with padding into {@code body} at {@code pos}; returns the position after it. */
    private static int base64(byte[] data, byte[] body, int pos) {
        int whole = data.length - data.length % 3;
        for (int i = 0; i < whole; i += 3) {
            int bits = (data[i] & 0xff) << 16 | (data[i + 1] & 0xff) << 8 | data[i + 2] & 0xff;
            body[pos] = ALPHABET[bits >>> 18];
            body[pos + 1] = ALPHABET[bits >>> 12 & 0x3f];
            body[pos + 2] = ALPHABET[bits >>> 6 & 0x3f];
            body[pos + 3] = ALPHABET[bits & 0x3f];
            pos += 4;
        }
        if (whole < data.length) {
            boolean two = data.length - whole == 2;
            int bits = (data[whole] & 0xff) << 16 | (two ? (data[whole + 1] & 0xff) << 8 : 0);
            body[pos] = ALPHABET[bits >>> 18];
            body[pos + 1] = ALPHABET[bits >>> 12 & 0x3f];
            body[pos + 2] = two ? ALPHABET[bits >>> 6 & 0x3f] : (byte) '=';
            body[pos + 3] = '=';
            pos += 4;
        }
        return pos;
    }

    /** How long {@code bytes} bytes are in base64 with padding. */
    public static long base64Length(long bytes) {
        return (bytes + 2) / 3 * 4;
    }
}
