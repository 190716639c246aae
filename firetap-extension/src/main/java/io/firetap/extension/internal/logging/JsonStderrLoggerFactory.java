package io.firetap.extension.internal.logging;

import java.io.PrintStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/** Hands out one {@link JsonStderrLogger} per name, all sharing one threshold. */
final class JsonStderrLoggerFactory implements ILoggerFactory {
    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private volatile LogLevel level;

    JsonStderrLoggerFactory(LogLevel level) {
        this.level = level;
    }

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new JsonStderrLogger(n, this));
    }

    LogLevel level() {
        return level;
    }

    void setLevel(LogLevel value) {
        this.level = value;
    }

    /** Looked up on every line rather than captured, so tests that replace {@code System.err} see the output. */
    PrintStream out() {
        return System.err;
    }
}
