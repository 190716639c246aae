package io.firetap.testkit.aws.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every model-constraint failure of one request, then reports them in one
 * {@code ValidationException} the way the services' front end words it: "N validation error(s)
 * detected: Value '...' at 'path' failed to satisfy constraint: ...; ...".
 *
 * <p>Internal, not for public use.
 */
final class ValidationErrors {
    private final List<String> failures = new ArrayList<>();

    void notNull(Object value, String path) {
        if (value == null) {
            failures.add("Value null at '" + path + "' failed to satisfy constraint: Member must not be null");
        }
    }

    void lengthAtLeast(String shownValue, long length, long min, String path) {
        if (length < min) {
            failures.add(constraint(shownValue, path, "Member must have length greater than or equal to " + min));
        }
    }

    void lengthAtMost(String shownValue, long length, long max, String path) {
        if (length > max) {
            failures.add(constraint(shownValue, path, "Member must have length less than or equal to " + max));
        }
    }

    void pattern(String value, String regex, String path) {
        if (value != null && !value.matches(regex)) {
            failures.add(constraint(value, path, "Member must satisfy regular expression pattern: " + regex));
        }
    }

    void throwIfAny() {
        if (failures.isEmpty()) {
            return;
        }
        int n = failures.size();
        throw ServiceError.validation(n + (n == 1 ? " validation error" : " validation errors") + " detected: "
                + String.join("; ", failures));
    }

    /** How the service's front end prints a blob member it rejects. */
    static String blob(byte[] data) {
        return "java.nio.HeapByteBuffer[pos=0 lim=" + data.length + " cap=" + data.length + "]";
    }

    private static String constraint(String shownValue, String path, String rule) {
        return "Value '" + shownValue + "' at '" + path + "' failed to satisfy constraint: " + rule;
    }
}
