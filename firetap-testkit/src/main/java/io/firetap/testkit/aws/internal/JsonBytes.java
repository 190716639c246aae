package io.firetap.testkit.aws.internal;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON (RFC 8259) reader straight over a request's bytes, into the endpoint's value
 * model: {@link LinkedHashMap}, {@link ArrayList}, {@link String}, {@link BigDecimal},
 * {@link Boolean} and {@code null}.
 *
 * <p>Why not a general parser: a PutRecordBatch body is megabytes of base64 inside JSON strings,
 * and the endpoint shares the machine with the code under test. Reading bytes directly — an ASCII
 * string without escapes becomes a Latin-1 {@code String} in one copy — keeps the fake's share of
 * the CPU small, so benchmarks measure the client. Anything malformed (bad syntax, invalid UTF-8,
 * raw control characters, nesting deeper than {@value #MAX_DEPTH}) is a {@link MalformedBodyException}.
 *
 * <p>Internal, not for public use.
 */
final class JsonBytes {
    static final int MAX_DEPTH = 64;

    private final byte[] b;
    private int i;

    private JsonBytes(byte[] body) {
        this.b = body;
    }

    /** The object {@code body} holds; anything else, or anything after it, is malformed. */
    static Map<String, Object> object(byte[] body) {
        JsonBytes p = new JsonBytes(body);
        p.space();
        if (p.i >= body.length || body[p.i] != '{') {
            throw new MalformedBodyException("body is not a JSON object");
        }
        Map<String, Object> root = p.object(0);
        p.space();
        if (p.i != body.length) {
            throw new MalformedBodyException("body has content after its JSON object");
        }
        return root;
    }

    private Object value(int depth) {
        space();
        if (i >= b.length) {
            throw fail("the body ends where a value was expected");
        }
        switch (b[i]) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            default:
                return number();
        }
    }

    private Map<String, Object> object(int depth) {
        if (depth > MAX_DEPTH) {
            throw fail("nesting deeper than " + MAX_DEPTH);
        }
        i++; // {
        Map<String, Object> out = new LinkedHashMap<>();
        space();
        if (peek() == '}') {
            i++;
            return out;
        }
        while (true) {
            space();
            if (peek() != '"') {
                throw fail("a member name was expected");
            }
            String name = string();
            space();
            expect(':');
            out.put(name, value(depth));
            space();
            int c = next();
            if (c == '}') {
                return out;
            }
            if (c != ',') {
                throw fail("',' or '}' was expected");
            }
        }
    }

    private List<Object> array(int depth) {
        if (depth > MAX_DEPTH) {
            throw fail("nesting deeper than " + MAX_DEPTH);
        }
        i++; // [
        List<Object> out = new ArrayList<>();
        space();
        if (peek() == ']') {
            i++;
            return out;
        }
        while (true) {
            out.add(value(depth));
            space();
            int c = next();
            if (c == ']') {
                return out;
            }
            if (c != ',') {
                throw fail("',' or ']' was expected");
            }
        }
    }

    private String string() {
        int start = ++i; // after the opening quote
        // the common case: printable ASCII, no escapes — skipped eight bytes at a time while no byte
        // is a quote, a backslash, a control character or non-ASCII
        while (i + 8 <= b.length) {
            long x = ByteWords.word(b, i);
            if ((ByteWords.zeroBytes(x ^ 0x2222222222222222L) | ByteWords.zeroBytes(x ^ 0x5c5c5c5c5c5c5c5cL)
                    | ((x - 0x2020202020202020L) & ~x & 0x8080808080808080L) | (x & 0x8080808080808080L)) != 0) {
                break;
            }
            i += 8;
        }
        while (i < b.length) {
            byte c = b[i];
            if (c == '"') {
                String s = new String(b, start, i - start, StandardCharsets.ISO_8859_1);
                i++;
                return s;
            }
            if (c == '\\' || c < 0x20) { // a backslash, a control character, or (negative) a non-ASCII byte
                break;
            }
            i++;
        }
        StringBuilder out = new StringBuilder(i - start + 16);
        out.append(new String(b, start, i - start, StandardCharsets.ISO_8859_1));
        CharsetDecoder utf8 = null;
        while (true) {
            if (i >= b.length) {
                throw fail("a string is not closed");
            }
            byte c = b[i];
            if (c == '"') {
                i++;
                return out.toString();
            }
            if (c == '\\') {
                escape(out);
            } else if (c >= 0 && c < 0x20) {
                throw fail("a raw control character in a string");
            } else if (c >= 0) {
                out.append((char) c);
                i++;
            } else {
                int runStart = i;
                while (i < b.length && b[i] < 0) {
                    i++;
                }
                if (utf8 == null) {
                    utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT);
                }
                try {
                    CharBuffer chars = utf8.decode(ByteBuffer.wrap(b, runStart, i - runStart));
                    out.append(chars);
                } catch (CharacterCodingException e) {
                    throw fail("a string is not valid UTF-8");
                }
            }
        }
    }

    private void escape(StringBuilder out) {
        i++; // backslash
        int c = next();
        switch (c) {
            case '"' -> out.append('"');
            case '\\' -> out.append('\\');
            case '/' -> out.append('/');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'u' -> {
                if (i + 4 > b.length) {
                    throw fail("a \\u escape is cut short");
                }
                int v = 0;
                for (int k = 0; k < 4; k++) {
                    int d = Character.digit(b[i++], 16);
                    if (d < 0) {
                        throw fail("a \\u escape with a non-hex digit");
                    }
                    v = v * 16 + d;
                }
                out.append((char) v);
            }
            default -> throw fail("an invalid escape in a string");
        }
    }

    private BigDecimal number() {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        if (peek() == '0') {
            i++;
        } else if (digits() == 0) {
            throw fail("a value was expected");
        }
        if (peek() == '.') {
            i++;
            if (digits() == 0) {
                throw fail("a number has no digits after its decimal point");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            i++;
            if (peek() == '+' || peek() == '-') {
                i++;
            }
            if (digits() == 0) {
                throw fail("a number has no exponent digits");
            }
        }
        return new BigDecimal(new String(b, start, i - start, StandardCharsets.ISO_8859_1));
    }

    private int digits() {
        int n = 0;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            i++;
            n++;
        }
        return n;
    }

    private void literal(String word) {
        for (int k = 0; k < word.length(); k++) {
            if (i >= b.length || b[i] != word.charAt(k)) {
                throw fail("a value was expected");
            }
            i++;
        }
    }

    private void space() {
        while (i < b.length) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            i++;
        }
    }

    private int peek() {
        return i < b.length ? b[i] : -1;
    }

    private int next() {
        if (i >= b.length) {
            throw fail("the body ends too early");
        }
        return b[i++];
    }

    private void expect(char c) {
        if (next() != c) {
            throw fail("'" + c + "' was expected");
        }
    }

    private MalformedBodyException fail(String what) {
        return new MalformedBodyException("body is not valid JSON: " + what + " at byte " + Math.min(i, b.length));
    }
}
