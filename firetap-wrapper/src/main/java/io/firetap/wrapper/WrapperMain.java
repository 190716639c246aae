package io.firetap.wrapper;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The firetap wrapper: runs the function's handler (or, as {@code AWS_LAMBDA_EXEC_WRAPPER}, the
 * runtime's command line) as a child, streams its stdout to the extension's socket, marks where
 * each invocation's output ends, and never breaks the function.
 *
 * <ul>
 *   <li>Bootstrap mode (no arguments): the command is {@code $_HANDLER}, resolved against
 *       {@code $LAMBDA_TASK_ROOT} unless absolute. Exec-wrapper mode: the arguments are the command.</li>
 *   <li>stdin, stderr, the working directory and the environment pass through; the child's
 *       {@code AWS_LAMBDA_RUNTIME_API} points at the wrapper's loopback proxy.</li>
 *   <li>The child's exit status becomes the wrapper's (128 + N after death by signal N); SIGTERM and
 *       SIGINT are forwarded to it, and after a grace period it is killed.</li>
 *   <li>If the extension's socket is missing or breaks, the output goes to the wrapper's own stdout.</li>
 * </ul>
 */
public final class WrapperMain {
    /** Set for the child: a launcher started inside it runs the command directly instead of wrapping again. */
    public static final String GUARD_VARIABLE = "FIRETAP_WRAPPED";
    static final String SOCKET_VARIABLE = "FIRETAP_SOCKET_PATH";
    static final String DEFAULT_SOCKET = "/tmp/firetap.sock";
    static final String GRACE_VARIABLE = "FIRETAP_WRAPPER_GRACE_MS";
    static final long DEFAULT_GRACE_MS = 1_500;
    /** Exit status when the command cannot be found or started, as a shell reports it. */
    static final int CANNOT_START = 127;

    private WrapperMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    static int run(String[] args, Map<String, String> env) {
        // The start path spawns the child first and does everything else afterwards, while the
        // child boots: only what the child's environment needs (the proxy's bound port) and the
        // signal handlers come before it. No lambdas or String.format on this path: each costs
        // class loading and bootstrap time on every cold start.
        List<String> command;
        try {
            command = command(args, env);
        } catch (IllegalArgumentException e) {
            Diagnostics.error(e.getMessage());
            return CANNOT_START;
        }
        if ("1".equals(env.get(GUARD_VARIABLE))) {
            // started inside a wrapped function: run the command as it is, no second wrapper
            return runPlain(command);
        }
        long grace = grace(env);
        String upstream = env.get("AWS_LAMBDA_RUNTIME_API");
        ServerSocket listener = null;
        if (upstream != null && !upstream.isBlank()) {
            try {
                if (!RuntimeProxy.forwardable(upstream)) {
                    throw new IOException("AWS_LAMBDA_RUNTIME_API='" + upstream + "' is not host:port");
                }
                listener = RuntimeProxy.listen();
            } catch (IOException e) {
                Diagnostics.warn("the Runtime API proxy could not start (" + e.getMessage()
                        + "); the function talks to Lambda directly and invocation ends are not marked");
            }
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.PIPE);
        Map<String, String> childEnv = builder.environment();
        childEnv.put(GUARD_VARIABLE, "1");
        // managed runtimes write their logs to this descriptor instead of stdout when it is set
        childEnv.remove("_LAMBDA_TELEMETRY_LOG_FD");
        childEnv.putIfAbsent("PYTHONUNBUFFERED", "1");
        if (listener != null) {
            childEnv.put("AWS_LAMBDA_RUNTIME_API", RuntimeProxy.address(listener));
        }
        // handlers first: a signal that arrives while the child starts must still reach it
        SignalForwarder signals = new SignalForwarder(grace);
        signals.install();
        Process child;
        try {
            child = builder.start();
            signals.child = child;
        } catch (IOException e) {
            Diagnostics.error("cannot start the function's handler " + command.get(0) + ": " + e.getMessage());
            RuntimeProxy.closeQuietly(listener);
            return CANNOT_START;
        }

        // The child runs; now the rest. The reader connects to the extension before it reads the
        // first byte, so nothing goes to stdout only because the link was not up yet; the child's
        // output waits in the pipe meanwhile, and its first Runtime API call in the listen backlog.
        Path socket = Path.of(env.getOrDefault(SOCKET_VARIABLE, DEFAULT_SOCKET));
        ExtensionLink link = new ExtensionLink(socket, new FileOutputStream(FileDescriptor.out));
        OutputForwarder forwarder = new OutputForwarder(child.getInputStream(), link, openSecondWriteEnd(child.pid()));
        Thread reader = new Thread(forwarder, "firetap-stdout");
        reader.setDaemon(true);
        reader.start();
        RuntimeProxy proxy = null;
        if (listener != null) {
            proxy = RuntimeProxy.start(listener, upstream, new Boundaries(link, forwarder));
        }

        int status = waitFor(child);
        forwarder.closeDrainWriter();
        try {
            // the child's own children may keep stdout open; don't wait on them for long
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (proxy != null) {
            proxy.close();
        }
        link.close();
        return status;
    }

    /** The two moments the proxy reports, turned into the extension's START and END frames. */
    private static final class Boundaries implements RuntimeProxy.Hooks {
        private final ExtensionLink link;
        private final OutputForwarder forwarder;

        Boundaries(ExtensionLink link, OutputForwarder forwarder) {
            this.link = link;
            this.forwarder = forwarder;
        }

        @Override
        public void invocationStarted(String requestId) {
            link.start(requestId);
        }

        @Override
        public void resultSent(String requestId) {
            forwarder.drain();
            link.end(requestId);
        }

        @Override
        public void beforeInitError() {
            forwarder.drain();
        }
    }

    /** The command to run: the arguments, or {@code $_HANDLER} against {@code $LAMBDA_TASK_ROOT}. */
    static List<String> command(String[] args, Map<String, String> env) {
        if (args.length > 0) {
            return List.of(args);
        }
        String handler = env.get("_HANDLER");
        if (handler == null || handler.isBlank()) {
            throw new IllegalArgumentException("firetap wrapper: nothing to run — _HANDLER is not set and no command was"
                    + " given (in a function's bootstrap, set the handler to the executable to run; as"
                    + " AWS_LAMBDA_EXEC_WRAPPER, Lambda passes the runtime's command)");
        }
        Path path = Path.of(handler);
        if (!path.isAbsolute()) {
            String root = env.get("LAMBDA_TASK_ROOT");
            path = root == null ? path.toAbsolutePath() : Path.of(root).resolve(handler);
        }
        if (!Files.isExecutable(path)) {
            throw new IllegalArgumentException("firetap wrapper: the handler " + path + " (from _HANDLER=" + handler
                    + ") is not an executable file");
        }
        List<String> command = new ArrayList<>(1);
        command.add(path.toString());
        return command;
    }

    private static long grace(Map<String, String> env) {
        String raw = env.get(GRACE_VARIABLE);
        if (raw == null || raw.isBlank()) {
            return DEFAULT_GRACE_MS;
        }
        try {
            long ms = Long.parseLong(raw.trim());
            if (ms >= 0 && ms <= 60_000) {
                return ms;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        Diagnostics.warn(GRACE_VARIABLE + "='" + raw + "' is not valid: expected milliseconds, 0-60000; using "
                + DEFAULT_GRACE_MS);
        return DEFAULT_GRACE_MS;
    }

    /** Another write end of the child's stdout pipe, for the drain marker; {@code null} without {@code /proc}. */
    private static OutputStream openSecondWriteEnd(long pid) {
        try {
            return new FileOutputStream("/proc/" + pid + "/fd/1");
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /**
     * Forwards SIGTERM and SIGINT to the child, then kills it after the grace period. A named class
     * rather than lambdas: they would cost an invokedynamic bootstrap on the start path.
     */
    private static final class SignalForwarder implements SignalHandler {
        private final long graceMs;
        volatile Process child;

        SignalForwarder(long graceMs) {
            this.graceMs = graceMs;
        }

        void install() {
            for (String name : new String[] {"TERM", "INT"}) {
                try {
                    Signal.handle(new Signal(name), this);
                } catch (IllegalArgumentException e) {
                    // the signal cannot be handled on this platform
                }
            }
        }

        @Override
        public void handle(Signal signal) {
            Process running = child;
            if (running == null) {
                // no child yet: end as the signal would have ended us
                Runtime.getRuntime().halt(128 + signal.getNumber());
            }
            if (signal.getName().equals("TERM")) {
                // through the handle: Process.destroy() would also close the child's stdout pipe
                running.toHandle().destroy();
            } else {
                sendSignal(running.pid(), signal.getName());
            }
            Thread killer = new Thread(new GraceKiller(running, graceMs), "firetap-grace");
            killer.setDaemon(true);
            killer.start();
        }
    }

    /** Kills the child if it has not exited within the grace period. */
    private static final class GraceKiller implements Runnable {
        private final Process child;
        private final long graceMs;

        GraceKiller(Process child, long graceMs) {
            this.child = child;
            this.graceMs = graceMs;
        }

        @Override
        public void run() {
            try {
                if (!child.waitFor(graceMs, TimeUnit.MILLISECONDS)) {
                    child.toHandle().destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sendSignal(long pid, String name) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        } catch (IOException e) {
            Diagnostics.warn("could not forward SIG" + name + " to the function: " + e.getMessage());
        }
    }

    private static int runPlain(List<String> command) {
        try {
            SignalForwarder signals = new SignalForwarder(DEFAULT_GRACE_MS);
            signals.install();
            Process child = new ProcessBuilder(command).inheritIO().start();
            signals.child = child;
            return waitFor(child);
        } catch (IOException e) {
            Diagnostics.error("cannot start " + command.get(0) + ": " + e.getMessage());
            return CANNOT_START;
        }
    }

    private static int waitFor(Process child) {
        while (true) {
            try {
                return child.waitFor();
            } catch (InterruptedException e) {
                // keep waiting: the wrapper ends with its child
            }
        }
    }
}
