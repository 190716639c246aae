package io.firetap.core.config;

import java.time.Duration;
import java.util.Optional;

/** Parses and prints durations the way firetap's configuration spells them. */
public final class Durations {
    private Durations() {
    }

    /** {@code 250ms}, {@code 2s}, {@code 1m}, {@code 500us} or a plain number of milliseconds. */
    public static Optional<Duration> parse(String text) {
        Optional<Quantity> q = Quantity.parse(text);
        if (q.isEmpty()) {
            return Optional.empty();
        }
        long n = q.get().number();
        try {
            switch (q.get().unit()) {
                case "": case "ms": return Optional.of(Duration.ofMillis(n));
                case "us": return Optional.of(Duration.ofNanos(Math.multiplyExact(n, 1000L)));
                case "s": return Optional.of(Duration.ofSeconds(n));
                case "m": case "min": return Optional.of(Duration.ofMinutes(n));
                default: return Optional.empty();
            }
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** {@code 250ms}, {@code 2s}, {@code 1m}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 60_000 == 0) {
            return (ms / 60_000) + "m";
        }
        if (ms != 0 && ms % 1000 == 0) {
            return (ms / 1000) + "s";
        }
        if (ms == 0 && !d.isZero()) {
            return (d.toNanos() / 1000) + "us";
        }
        return ms + "ms";
    }
}
