package io.firetap.core.config;

import java.util.Locale;
import java.util.Optional;

/**
 * A configured amount as firetap spells it: a whole number, then an optional unit ({@code 250ms},
 * {@code 8 MiB}, {@code 1_000}); underscores are ignored. What {@link Durations} and {@link Sizes}
 * read before they apply their units.
 *
 * @param number the leading digits' value
 * @param unit   what follows them, trimmed and lower-cased; empty when nothing does
 */
record Quantity(long number, String unit) {

    /** The number and its unit, or empty when {@code text} does not start with digits or they overflow. */
    static Optional<Quantity> parse(String text) {
        String t = text.trim().replace("_", "");
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Quantity(Long.parseLong(t.substring(0, i)), t.substring(i).trim().toLowerCase(Locale.ROOT)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
