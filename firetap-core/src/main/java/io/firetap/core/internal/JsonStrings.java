package io.firetap.core.internal;

/**
 * The one JSON string escaper of firetap's own output (line envelopes, its log lines): control
 * characters, quotes, backslashes and U+2028/2029 escaped; a lone surrogate, which UTF-8 cannot
 * carry, becomes U+FFFD; everything else is written as it is. No JSON library on this path: the
 * extension's logger uses it before anything else is loaded.
 *
 * <p>Internal, not for public use.
 */
public final class JsonStrings {
    private JsonStrings() {
    }

    /** Appends {@code s} to {@code sb} as a quoted JSON string. */
    public static void append(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20 || c == 0x7f || (c >= 0x2028 && c <= 0x2029)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isSurrogate(c)) {
                        // Lone surrogates cannot be encoded as UTF-8; paired ones pass through.
                        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                            sb.append(c).append(s.charAt(++i));
                        } else {
                            sb.append('\uFFFD');
                        }
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
