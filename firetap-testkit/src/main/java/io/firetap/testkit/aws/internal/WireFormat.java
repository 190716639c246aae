package io.firetap.testkit.aws.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The two body encodings of the AWS JSON 1.1 and CBOR 1.1 protocols, over one value model:
 * maps, lists, strings, numbers, booleans, null and blobs. A blob travels as base64 text in
 * JSON and as a CBOR byte string; {@link #blob} hides the difference.
 *
 * <p>Internal, not for public use.
 */
public enum WireFormat {
    JSON("application/x-amz-json-1.1") {
        @Override
        public Map<String, Object> decode(byte[] body) {
            if (body.length == 0) {
                return new LinkedHashMap<>();
            }
            // Straight over the bytes: a 4 MiB batch is ~5.6 MB of JSON, too much to copy into a String and a tree.
            return JsonBytes.object(body);
        }

        @Override
        public byte[] encode(Map<String, Object> body) {
            return GSON.toJson(body).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] blob(Object value) {
            if (value instanceof String text) {
                try {
                    return Base64.getDecoder().decode(text);
                } catch (IllegalArgumentException e) {
                    throw new MalformedBodyException("blob is not valid base64: " + e.getMessage(), e);
                }
            }
            throw new MalformedBodyException("blob must be a base64 string, was " + kind(value));
        }
    },

    CBOR("application/x-amz-cbor-1.1") {
        @Override
        public Map<String, Object> decode(byte[] body) {
            if (body.length == 0) {
                return new LinkedHashMap<>();
            }
            Object root = Cbor.decode(body);
            if (!(root instanceof Map<?, ?> map)) {
                throw new MalformedBodyException("CBOR body is not a map");
            }
            return stringKeys(map);
        }

        @Override
        public byte[] encode(Map<String, Object> body) {
            return Cbor.encode(body);
        }

        @Override
        public byte[] blob(Object value) {
            if (value instanceof byte[] bytes) {
                return bytes;
            }
            throw new MalformedBodyException("blob must be a CBOR byte string, was " + kind(value));
        }
    };

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private final String contentType;

    WireFormat(String contentType) {
        this.contentType = contentType;
    }

    /** The request body as a map of member names to values. */
    public abstract Map<String, Object> decode(byte[] body);

    /** A response body in this encoding; {@code byte[]} values become blobs. */
    public abstract byte[] encode(Map<String, Object> body);

    /** The bytes of a blob member as this encoding carries it. */
    public abstract byte[] blob(Object value);

    public String contentType() {
        return contentType;
    }

    /** The encoding a request used, by its Content-Type; anything not CBOR is read as JSON, as the services do. */
    public static WireFormat ofContentType(String contentType) {
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("cbor")) {
            return CBOR;
        }
        return JSON;
    }

    static String kind(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new MalformedBodyException("CBOR map key is not a text string: " + kind(e.getKey()));
            }
            Object value = e.getValue();
            if (value instanceof Map<?, ?> nested) {
                value = stringKeys(nested);
            } else if (value instanceof List<?> list) {
                value = stringKeyLists(list);
            }
            out.put(key, value);
        }
        return out;
    }

    private static List<Object> stringKeyLists(List<?> list) {
        List<Object> out = new ArrayList<>(list.size());
        for (Object element : list) {
            if (element instanceof Map<?, ?> nested) {
                out.add(stringKeys(nested));
            } else if (element instanceof List<?> inner) {
                out.add(stringKeyLists(inner));
            } else {
                out.add(element);
            }
        }
        return out;
    }
}
