package io.firetap.core.config;

/**
 * A configuration value firetap cannot use. The message always names the variable, the value
 * found and what is allowed, so it can be shown to the user as is (the extension reports it
 * through the Extensions API's {@code init/error}).
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String variable;

    public ConfigException(String variable, String message) {
        super(message);
        this.variable = variable;
    }

    /** A value that is set but not allowed. */
    public static ConfigException invalid(String variable, String value, String allowed) {
        return new ConfigException(variable, variable + "='" + value + "' is not valid: expected " + allowed);
    }

    /** A value that is required but not set. */
    public static ConfigException missing(String variable, String why) {
        return new ConfigException(variable, variable + " is not set: " + why);
    }

    /** The variable the message is about. */
    public String variable() {
        return variable;
    }
}
