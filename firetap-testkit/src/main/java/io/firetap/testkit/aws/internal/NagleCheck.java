package io.firetap.testkit.aws.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The testkit's servers run on the JDK's HTTP server, which writes a response's headers and body as
 * two small segments: unless {@code sun.net.httpserver.nodelay} is {@code true}, Nagle's algorithm and
 * the client's delayed ACK hold the body back about 40 ms. That property is JVM-wide, so the testkit
 * does not set it (the caller's test run does, e.g. {@code -Dsun.net.httpserver.nodelay=true} in
 * Surefire's {@code argLine}); it says once when it is missing.
 *
 * <p>Internal, not for public use.
 */
public final class NagleCheck {
    private static final Logger LOG = LoggerFactory.getLogger(NagleCheck.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private NagleCheck() {
    }

    /** Logs one warning per JVM when the property is not {@code true}. */
    public static void warnOnce() {
        if (!Boolean.getBoolean("sun.net.httpserver.nodelay") && WARNED.compareAndSet(false, true)) {
            LOG.warn("sun.net.httpserver.nodelay is not set: the testkit's HTTP answers may each wait about 40 ms for"
                    + " delayed ACKs; run the JVM with -Dsun.net.httpserver.nodelay=true for realistic timing");
        }
    }
}
