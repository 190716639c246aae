package io.firetap.testkit.lambda.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment Lambda gives the processes of an execution environment: its reserved variables,
 * then the function's own; {@code _HANDLER} and {@code LAMBDA_TASK_ROOT} only for the runtime,
 * never for extensions.
 *
 * <p>Internal, not for public use.
 */
public final class FunctionEnvironment {

    private FunctionEnvironment() {
    }

    /** Every variable, in the order Lambda documents them, for an extension or for the runtime. */
    public static Map<String, String> of(EmulatorConfig config, String runtimeApi, boolean forRuntime) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        if (System.getenv("JAVA_HOME") != null) {
            env.put("JAVA_HOME", System.getenv("JAVA_HOME"));
        }
        if (System.getenv("HOME") != null) {
            env.put("HOME", System.getenv("HOME"));
        }
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        env.put("AWS_REGION", config.region());
        env.put("AWS_DEFAULT_REGION", config.region());
        env.put("AWS_LAMBDA_FUNCTION_NAME", config.functionName());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", config.functionVersion());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(config.memoryMb()));
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + config.functionName());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "emulated");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_provided.al2023");
        env.putAll(config.environment());
        if (forRuntime) {
            if (config.handler() != null) {
                env.put("_HANDLER", config.handler());
            }
            if (config.taskRoot() != null) {
                env.put("LAMBDA_TASK_ROOT", config.taskRoot().toString());
            }
        } else {
            env.remove("_HANDLER");
            env.remove("LAMBDA_TASK_ROOT");
        }
        return env;
    }
}
