package io.firetap.core.pipeline;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a sink's delivery promises the function, chosen per sink with
 * {@code FIRETAP_<SINK>_DELIVERY} (see {@link #variableFor}).
 */
public enum DeliveryClass {
    /**
     * The default: the per-invocation barrier waits for this sink (within its budget), so an
     * invocation's lines reach it before the environment freezes whenever the barrier holds.
     */
    GUARANTEED,
    /**
     * The barrier never waits for this sink: it gets its lines on its own flush interval (while the
     * environment runs) and at SHUTDOWN. For a secondary destination, such as an archive, that must
     * never add to the function's time.
     */
    BEST_EFFORT;

    private static final String PREFIX = "FIRETAP_";
    private static final String SUFFIX = "_DELIVERY";
    private static final Pattern VARIABLE = Pattern.compile(Pattern.quote(PREFIX) + "(.+)" + Pattern.quote(SUFFIX));

    /**
     * The variable that sets the delivery class of the sink named {@code sinkName}:
     * {@code FIRETAP_<NAME>_DELIVERY}, the name in upper case with every character other than a
     * letter or digit written {@code _} (so {@code s3} is {@code FIRETAP_S3_DELIVERY}).
     */
    public static String variableFor(String sinkName) {
        return PREFIX + sinkName.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + SUFFIX;
    }

    /** Whether {@code name} has the form of a per-sink delivery variable. */
    static boolean isDeliveryVariable(String name) {
        Matcher m = VARIABLE.matcher(name);
        return m.matches();
    }
}
