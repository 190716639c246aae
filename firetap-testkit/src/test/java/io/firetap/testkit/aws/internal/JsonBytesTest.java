package io.firetap.testkit.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonBytesTest {
    private static Map<String, Object> parse(String json) {
        return JsonBytes.object(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheValueModel() {
        Map<String, Object> m = parse(" {\"s\":\"plain\", \"n\":-12.5e2, \"z\":0, \"t\":true, \"f\":false, \"x\":null,"
                + " \"a\":[1,[],{}], \"o\":{\"k\":\"v\"}}\n");
        assertThat(m).containsOnlyKeys("s", "n", "z", "t", "f", "x", "a", "o");
        assertThat(m.get("s")).isEqualTo("plain");
        assertThat(m.get("n")).isEqualTo(new BigDecimal("-12.5e2"));
        assertThat(m.get("z")).isEqualTo(BigDecimal.ZERO);
        assertThat(m.get("t")).isEqualTo(true);
        assertThat(m.get("f")).isEqualTo(false);
        assertThat(m.get("x")).isNull();
        assertThat(m.get("a")).isEqualTo(List.of(BigDecimal.ONE, List.of(), Map.of()));
        assertThat(m.get("o")).isEqualTo(Map.of("k", "v"));
    }

    @Test
    void decodesEscapesAndUtf8() {
        Map<String, Object> m = parse("{\"e\":\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00\", \"u\":\"héllo ✓ 😀\"}");
        assertThat(m.get("e")).isEqualTo("q\" b\\ s/ \b\f\n\r\t é 😀");
        assertThat(m.get("u")).isEqualTo("héllo ✓ 😀");
    }

    @Test
    void aBase64BlobRoundTrips() {
        byte[] data = new byte[300_000];
        Arrays.fill(data, (byte) 'x');
        String b64 = Base64.getEncoder().encodeToString(data);
        Map<String, Object> m = parse("{\"Records\":[{\"Data\":\"" + b64 + "\"}]}");
        Object record = ((List<?>) m.get("Records")).get(0);
        assertThat(WireFormat.JSON.blob(((Map<?, ?>) record).get("Data"))).isEqualTo(data);
    }

    @Test
    void rejectsWhatIsNotStrictJson() {
        for (String bad : List.of("", "[]", "\"s\"", "{", "{\"a\":1,}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}",
                "{\"a\":-}", "{\"a\":1e}", "{a:1}", "{\"a\" 1}", "{\"a\":tru}", "{\"a\":\"open}", "{\"a\":\"\\x\"}",
                "{\"a\":\"\\u12\"}", "{\"a\":\"tab\there\"}", "{\"a\":1} {}", "{\"a\":[1 2]}", "{'a':1}",
                "{\"a\":NaN}")) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(MalformedBodyException.class);
        }
        byte[] invalidUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> JsonBytes.object(invalidUtf8)).isInstanceOf(MalformedBodyException.class)
                .hasMessageContaining("UTF-8");
        String deep = "{\"a\":" + "[".repeat(JsonBytes.MAX_DEPTH + 1) + "]".repeat(JsonBytes.MAX_DEPTH + 1) + "}";
        assertThatThrownBy(() -> parse(deep)).isInstanceOf(MalformedBodyException.class).hasMessageContaining("nesting");
    }

    @Test
    void aSpecialByteAnywhereInALongStringIsSeen() {
        // the plain-ASCII scan skips eight bytes at a time: put each kind of special byte at each offset
        for (int length = 1; length <= 40; length++) {
            for (int at = 0; at < length; at++) {
                String base = "a".repeat(length);
                String escaped = base.substring(0, at) + "\\n" + base.substring(at + 1);
                assertThat(parse("{\"s\":\"" + escaped + "\"}").get("s"))
                        .isEqualTo(base.substring(0, at) + "\n" + base.substring(at + 1));
                String accented = base.substring(0, at) + "é" + base.substring(at + 1);
                assertThat(parse("{\"s\":\"" + accented + "\"}").get("s")).isEqualTo(accented);
                String withTab = "{\"s\":\"" + base.substring(0, at) + "\t" + base.substring(at + 1) + "\"}";
                assertThatThrownBy(() -> parse(withTab)).isInstanceOf(MalformedBodyException.class);
                assertThat(parse("{\"s\":\"" + base.substring(0, at) + "\",\"t\":1}").get("s"))
                        .isEqualTo(base.substring(0, at));
            }
        }
    }

    @Test
    void theLastOfARepeatedMemberWins() {
        assertThat(parse("{\"a\":1,\"a\":2}")).isEqualTo(Map.of("a", new BigDecimal(2)));
    }
}
