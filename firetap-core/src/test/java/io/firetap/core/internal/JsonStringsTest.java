package io.firetap.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonStringsTest {
    private static String quoted(String s) {
        StringBuilder sb = new StringBuilder();
        JsonStrings.append(sb, s);
        return sb.toString();
    }

    @Test
    void whatAJsonParserReadsBackIsTheTextWithLoneSurrogatesReplaced() {
        String text = "tab\there \"quoted\" back\\slash nul\0 bell\u0007 sep\u2028 pair\uD83D\uDE00"
                + " lone-high\uD83D! lone-low\uDE00!";
        String read = JsonParser.parseString(quoted(text)).getAsString();
        assertThat(read).isEqualTo(text.replace("\uD83D!", "\uFFFD!").replace("\uDE00!", "\uFFFD!"));
    }

    @Test
    void theOutputIsOneLineOfValidUtf8() {
        String out = quoted("a\nb\rc\uD800");
        assertThat(out).doesNotContain("\n", "\r");
        byte[] utf8 = out.getBytes(StandardCharsets.UTF_8);
        assertThat(new String(utf8, StandardCharsets.UTF_8)).isEqualTo(out);
        assertThat(out).isEqualTo("\"a\\nb\\rc\uFFFD\"");
    }
}
