package io.firetap.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.firetap.core.sink.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The records documents the sinks write themselves, read back as a JSON parser (and the service) reads them. */
class RecordsBodyTest {

    @Test
    void everyRecordDecodesToItsPayloadAtChunkBoundariesAndAroundThem() {
        Random random = new Random(7);
        List<byte[]> payloads = new ArrayList<>();
        // empty, padding cases, one byte each side of the 48 KiB encoding step, and a full 1,000 KiB record
        for (int size : new int[] {0, 1, 2, 3, 4, 5, 49_151, 49_152, 49_153, 98_304, 98_305, 1_000 * 1024}) {
            byte[] p = new byte[size];
            random.nextBytes(p);
            payloads.add(p);
        }
        List<SinkRecord> records = new ArrayList<>();
        for (byte[] p : payloads) {
            records.add(new SinkRecord(p, 1, null, 0L));
        }

        byte[] body = new RecordsBody("DeliveryStreamName", "logs").encode(records);

        JsonObject document = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
        assertThat(document.keySet()).containsExactly("DeliveryStreamName", "Records");
        assertThat(document.get("DeliveryStreamName").getAsString()).isEqualTo("logs");
        JsonArray entries = document.getAsJsonArray("Records");
        assertThat(entries).hasSize(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            JsonObject entry = entries.get(i).getAsJsonObject();
            assertThat(entry.keySet()).containsExactly("Data");
            String data = entry.get("Data").getAsString();
            // standard alphabet with padding, as the SDK writes blobs
            assertThat(data).isEqualTo(Base64.getEncoder().encodeToString(payloads.get(i)));
        }
    }

    @Test
    void theStreamNameIsAJsonStringWhateverItHolds() {
        byte[] body = new RecordsBody("DeliveryStreamName", "odd\"name\\with\u0001").encode(List.of(SinkRecord.ofLine("x")));

        JsonObject document = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
        assertThat(document.get("DeliveryStreamName").getAsString()).isEqualTo("odd\"name\\with\u0001");
        assertThat(document.getAsJsonArray("Records").get(0).getAsJsonObject().get("Data").getAsString())
                .isEqualTo(Base64.getEncoder().encodeToString("x\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void partitionKeysFollowTheDataOfTheirRecordAndAreAskedOnceEach() {
        List<SinkRecord> records = List.of(SinkRecord.ofLine("a"), SinkRecord.ofLine("bc"), SinkRecord.ofLine(""));
        List<String> keys = List.of("0", "odd\"key\\\u0001", "k");
        List<SinkRecord> asked = new ArrayList<>();

        byte[] body = new RecordsBody("StreamName", "stream").encode(records, r -> {
            asked.add(r);
            return keys.get(asked.size() - 1);
        });

        assertThat(asked).containsExactlyElementsOf(records);
        JsonObject document = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
        assertThat(document.keySet()).containsExactly("StreamName", "Records");
        assertThat(document.get("StreamName").getAsString()).isEqualTo("stream");
        JsonArray entries = document.getAsJsonArray("Records");
        assertThat(entries).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonObject entry = entries.get(i).getAsJsonObject();
            assertThat(entry.keySet()).containsExactly("Data", "PartitionKey");
            assertThat(entry.get("Data").getAsString())
                    .isEqualTo(Base64.getEncoder().encodeToString(records.get(i).payload()));
            assertThat(entry.get("PartitionKey").getAsString()).isEqualTo(keys.get(i));
        }
    }
}
