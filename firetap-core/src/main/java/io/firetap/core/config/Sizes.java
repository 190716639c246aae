package io.firetap.core.config;

import java.util.Optional;

/** Parses and prints byte sizes the way firetap's configuration spells them. */
public final class Sizes {
    private Sizes() {
    }

    /** {@code 8MiB}, {@code 8 MiB}, {@code 512KiB}, {@code 4MB}, {@code 100B} or a plain number of bytes. */
    public static Optional<Long> parse(String text) {
        Optional<Quantity> q = Quantity.parse(text);
        if (q.isEmpty()) {
            return Optional.empty();
        }
        long number = q.get().number();
        long unit;
        switch (q.get().unit()) {
            case "": case "b": unit = 1; break;
            case "kib": case "k": unit = 1L << 10; break;
            case "mib": case "m": unit = 1L << 20; break;
            case "gib": case "g": unit = 1L << 30; break;
            case "kb": unit = 1_000L; break;
            case "mb": unit = 1_000_000L; break;
            case "gb": unit = 1_000_000_000L; break;
            default: return Optional.empty();
        }
        if (number > Long.MAX_VALUE / unit) {
            return Optional.empty();
        }
        return Optional.of(number * unit);
    }

    /** The shortest exact binary spelling: {@code 4MiB}, {@code 1000KiB}, {@code 1234B}. */
    public static String format(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GiB";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "KiB";
        }
        return bytes + "B";
    }
}
