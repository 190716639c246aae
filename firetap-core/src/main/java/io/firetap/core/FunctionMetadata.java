package io.firetap.core;

import io.firetap.core.config.Settings;

/**
 * What firetap knows about the function whose logs it ships, from the variables Lambda sets in
 * every process of the execution environment. Fields Lambda did not set are empty strings
 * (or 0 for memory), never null.
 *
 * @param name         {@code AWS_LAMBDA_FUNCTION_NAME}
 * @param version      {@code AWS_LAMBDA_FUNCTION_VERSION}
 * @param memoryMb     {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE}
 * @param region       {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}
 * @param architecture {@code x86_64} or {@code arm64}, from the JVM
 * @param logGroup     {@code AWS_LAMBDA_LOG_GROUP_NAME}
 * @param logStream    {@code AWS_LAMBDA_LOG_STREAM_NAME}
 */
public record FunctionMetadata(String name, String version, int memoryMb, String region, String architecture,
        String logGroup, String logStream) {

    public FunctionMetadata {
        name = nonNull(name);
        version = nonNull(version);
        region = nonNull(region);
        architecture = nonNull(architecture);
        logGroup = nonNull(logGroup);
        logStream = nonNull(logStream);
    }

    /** Reads the Lambda variables from {@code settings}; absent ones stay empty. */
    public static FunctionMetadata from(Settings settings) {
        int memory;
        try {
            memory = Integer.parseInt(settings.string("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0"));
        } catch (NumberFormatException e) {
            memory = 0;
        }
        return new FunctionMetadata(
                settings.string("AWS_LAMBDA_FUNCTION_NAME", ""),
                settings.string("AWS_LAMBDA_FUNCTION_VERSION", ""),
                memory,
                settings.get("AWS_REGION").orElse(settings.string("AWS_DEFAULT_REGION", "")),
                architecture(System.getProperty("os.arch", "")),
                settings.string("AWS_LAMBDA_LOG_GROUP_NAME", ""),
                settings.string("AWS_LAMBDA_LOG_STREAM_NAME", ""));
    }

    /** Lambda's spelling of the JVM's {@code os.arch}. */
    static String architecture(String osArch) {
        switch (osArch) {
            case "amd64": case "x86_64": return "x86_64";
            case "aarch64": case "arm64": return "arm64";
            default: return osArch;
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
