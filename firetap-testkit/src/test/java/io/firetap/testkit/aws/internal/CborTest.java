package io.firetap.testkit.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CborTest {

    @Test
    void roundTripsTheValuesTheProtocolUses() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("StreamName", "events");
        value.put("Blob", new byte[] {0, (byte) 0xFF, '\n'});
        value.put("Small", 23L);
        value.put("OneByte", 24L);
        value.put("TwoBytes", 65_535L);
        value.put("FourBytes", 4_294_967_295L);
        value.put("EightBytes", Long.MAX_VALUE);
        value.put("Negative", -500L);
        value.put("True", true);
        value.put("Null", null);
        value.put("Double", 1.5);
        value.put("List", List.of("a", 1L, List.of()));
        value.put("Nested", Map.of("k", "v"));

        @SuppressWarnings("unchecked")
        Map<Object, Object> decoded = (Map<Object, Object>) Cbor.decode(Cbor.encode(value));

        assertThat(decoded).containsOnlyKeys(value.keySet().toArray());
        assertThat((byte[]) decoded.get("Blob")).containsExactly(0, 0xFF, '\n');
        decoded.remove("Blob");
        Map<String, Object> rest = new LinkedHashMap<>(value);
        rest.remove("Blob");
        assertThat(decoded).isEqualTo(rest);
    }

    @Test
    void encodesHeadsInTheShortestForm() {
        assertThat(Cbor.encode(23L)).containsExactly(0x17);
        assertThat(Cbor.encode(24L)).containsExactly(0x18, 24);
        assertThat(Cbor.encode(256L)).containsExactly(0x19, 0x01, 0x00);
        assertThat(Cbor.encode(-1L)).containsExactly(0x20);
        assertThat(Cbor.encode("a")).containsExactly(0x61, 'a');
        assertThat(Cbor.encode(Map.of())).containsExactly(0xA0);
    }

    @Test
    void decodesIndefiniteLengthsAsJacksonWritesThem() {
        // {_ "Data": (_ h'0102', h'03'), "Key": (_ "ab", "c"), "L": [_ 1, 2]}
        byte[] bytes = {
            (byte) 0xBF,
            0x64, 'D', 'a', 't', 'a', 0x5F, 0x42, 1, 2, 0x41, 3, (byte) 0xFF,
            0x63, 'K', 'e', 'y', 0x7F, 0x62, 'a', 'b', 0x61, 'c', (byte) 0xFF,
            0x61, 'L', (byte) 0x9F, 1, 2, (byte) 0xFF,
            (byte) 0xFF
        };
        @SuppressWarnings("unchecked")
        Map<Object, Object> decoded = (Map<Object, Object>) Cbor.decode(bytes);
        assertThat((byte[]) decoded.get("Data")).containsExactly(1, 2, 3);
        assertThat(decoded.get("Key")).isEqualTo("abc");
        assertThat(decoded.get("L")).isEqualTo(List.of(1L, 2L));
    }

    @Test
    void decodesFloatsTagsAndBigIntegers() {
        assertThat(Cbor.decode(new byte[] {(byte) 0xF9, 0x3C, 0x00})).isEqualTo(1.0);
        assertThat(Cbor.decode(new byte[] {(byte) 0xF9, (byte) 0xC4, 0x00})).isEqualTo(-4.0);
        assertThat(Cbor.decode(new byte[] {(byte) 0xFA, 0x3F, (byte) 0xC0, 0, 0})).isEqualTo(1.5);
        // tag 1 (epoch time) around 1.5 seconds: the tag is dropped, the number kept
        assertThat(Cbor.decode(new byte[] {(byte) 0xC1, (byte) 0xFB, 0x3F, (byte) 0xF8, 0, 0, 0, 0, 0, 0})).isEqualTo(1.5);
        assertThat(Cbor.decode(new byte[] {0x1B, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}))
                .isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(Cbor.decode(new byte[] {(byte) 0xF4})).isEqualTo(false);
        assertThat(Cbor.decode(new byte[] {(byte) 0xF7})).isNull();
    }

    @Test
    void refusesMalformedInput() {
        assertThatThrownBy(() -> Cbor.decode(new byte[] {0x62, 'a'})).isInstanceOf(MalformedBodyException.class);
        assertThatThrownBy(() -> Cbor.decode(new byte[] {(byte) 0xBF, 0x61, 'a'})).isInstanceOf(MalformedBodyException.class);
        assertThatThrownBy(() -> Cbor.decode(new byte[] {0x01, 0x02})).isInstanceOf(MalformedBodyException.class)
                .hasMessageContaining("trailing");
        assertThatThrownBy(() -> Cbor.decode(new byte[] {0x1C})).isInstanceOf(MalformedBodyException.class);
        assertThatThrownBy(() -> Cbor.decode(new byte[] {(byte) 0xFF})).isInstanceOf(MalformedBodyException.class);
        assertThatThrownBy(() -> Cbor.decode(new byte[] {0x62, (byte) 0xC3, 0x28})).isInstanceOf(MalformedBodyException.class)
                .hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> Cbor.decode(new byte[] {0x5B, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}))
                .isInstanceOf(MalformedBodyException.class);
        byte[] deep = new byte[100];
        java.util.Arrays.fill(deep, (byte) 0x81);
        assertThatThrownBy(() -> Cbor.decode(deep)).isInstanceOf(MalformedBodyException.class).hasMessageContaining("nested");
    }
}
