package io.firetap.aws.internal;

import com.google.gson.JsonPrimitive;
import io.firetap.core.sink.SinkRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * The JSON body of a records call, written in one exactly sized array: Firehose's
 * {@code PutRecordBatch}, {@code {"DeliveryStreamName":"…","Records":[{"Data":"<base64>"},…]}}, and
 * Kinesis's {@code PutRecords}, {@code {"StreamName":"…","Records":[{"Data":"<base64>","PartitionKey":"…"},…]}}
 * — the documents the SDK's JSON marshaller would write for the same requests (AWS JSON 1.1, blobs
 * as standard base64 with padding).
 *
 * <p>The records are base64-encoded by {@link Base64.Encoder#encode(byte[], byte[])}, which the JVM
 * runs with vector instructions (its stream form, {@code wrap}, encodes byte by byte), in chunks
 * through two small scratch arrays and copied into their place in the body.
 */
public final class RecordsBody {
    /** Bytes encoded per step: a multiple of 3, so chunks encode without padding. */
    private static final int CHUNK = 3 * 16 * 1024;
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
        Writer out = new Writer(body);
        out.put(head);
        out.put(RECORDS);
        Base64.Encoder encoder = Base64.getEncoder();
        byte[] chunk = null;
        byte[] encoded = null;
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                out.put((byte) ',');
            }
            out.put(DATA);
            byte[] data = records.get(i).payload();
            int offset = 0;
            if (data.length >= CHUNK) {
                if (chunk == null) {
                    chunk = new byte[CHUNK];
                    encoded = new byte[CHUNK / 3 * 4];
                }
                for (; data.length - offset >= CHUNK; offset += CHUNK) {
                    System.arraycopy(data, offset, chunk, 0, CHUNK);
                    out.put(encoded, encoder.encode(chunk, encoded));
                }
            }
            if (offset < data.length) {
                ByteBuffer tail = encoder.encode(ByteBuffer.wrap(data, offset, data.length - offset));
                out.put(tail.array(), tail.remaining());
            }
            if (keys != null) {
                out.put(KEY);
                out.put(keys[i]);
            } else {
                out.put((byte) '"');
            }
            out.put((byte) '}');
        }
        out.put(END);
        if (out.position != body.length) {
            throw new IllegalStateException("records body is " + out.position + " bytes, sized " + body.length);
        }
        return body;
    }

    /** How long {@code bytes} bytes are in base64 with padding. */
    public static long base64Length(long bytes) {
        return (bytes + 2) / 3 * 4;
    }

    /** Writes into the body array. */
    private static final class Writer {
        private final byte[] target;
        private int position;

        Writer(byte[] target) {
            this.target = target;
        }

        void put(byte[] bytes, int length) {
            System.arraycopy(bytes, 0, target, position, length);
            position += length;
        }

        void put(byte[] bytes) {
            System.arraycopy(bytes, 0, target, position, bytes.length);
            position += bytes.length;
        }

        void put(byte b) {
            target[position++] = b;
        }
    }
}
