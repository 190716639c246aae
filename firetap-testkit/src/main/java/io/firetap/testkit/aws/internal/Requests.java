package io.firetap.testkit.aws.internal;

import java.util.List;
import java.util.Map;

/**
 * Typed reads of request members; a member of the wrong JSON/CBOR type is a {@code SerializationException}, as on the service.
 *
 * <p>Internal, not for public use.
 */
final class Requests {
    private Requests() {
    }

    static String string(Map<String, Object> map, String member) {
        Object value = map.get(member);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new MalformedBodyException("member " + member + " must be a string, was " + WireFormat.kind(value));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> structure(Map<String, Object> map, String member) {
        Object value = map.get(member);
        if (value == null || value instanceof Map) {
            return (Map<String, Object>) value;
        }
        throw new MalformedBodyException("member " + member + " must be a structure, was " + WireFormat.kind(value));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> structures(Map<String, Object> map, String member) {
        Object value = map.get(member);
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list)) {
            throw new MalformedBodyException("member " + member + " must be a list, was " + WireFormat.kind(value));
        }
        for (Object element : list) {
            if (element != null && !(element instanceof Map)) {
                throw new MalformedBodyException("member " + member + " must hold structures, found " + WireFormat.kind(element));
            }
        }
        return (List<Map<String, Object>>) value;
    }

    static byte[] blob(Map<String, Object> map, String member, WireFormat format) {
        Object value = map.get(member);
        return value == null ? null : format.blob(value);
    }
}
