package io.firetap.extension.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the Telemetry listener binds, and the host name Lambda is told to post to.
 *
 * <p>Lambda posts telemetry to {@code http://sandbox.localdomain:<port>}, a name the execution
 * environment's {@code /etc/hosts} defines. Asking the resolver for it elsewhere (a laptop, CI)
 * falls through to DNS, which without a network can stall for seconds on the start-up path. So
 * the hosts file is read directly: if it names {@code sandbox.localdomain}, the listener binds that
 * address and advertises the name; otherwise it binds the loopback address and advertises it as a
 * literal, which any local emulator can reach. No lookup is ever made.
 *
 * @param bindAddress the address to bind
 * @param uriHost     the host to put into the subscription's destination URI
 */
public record SandboxAddress(InetAddress bindAddress, String uriHost) {
    /** The name Lambda's execution environment defines for its own address. */
    public static final String SANDBOX_HOST = "sandbox.localdomain";
    /** Where the name is defined. */
    public static final Path HOSTS_FILE = Path.of("/etc/hosts");
    private static final long MAX_HOSTS_BYTES = 1 << 20;

    public SandboxAddress {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(uriHost, "uriHost");
    }

    /** Decides from {@link #HOSTS_FILE}. */
    public static SandboxAddress detect() {
        return detect(HOSTS_FILE);
    }

    /** Decides from the given hosts file (tests pass their own). */
    public static SandboxAddress detect(Path hostsFile) {
        InetAddress sandbox = lookUp(hostsFile, SANDBOX_HOST);
        if (sandbox != null) {
            return new SandboxAddress(sandbox, SANDBOX_HOST);
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        String literal = loopback.getHostAddress();
        return new SandboxAddress(loopback, literal.indexOf(':') >= 0 ? "[" + literal + "]" : literal);
    }

    /** The address {@code hostsFile} gives {@code name}, or {@code null}. Never resolves anything. */
    static InetAddress lookUp(Path hostsFile, String name) {
        String text;
        try {
            if (!Files.isRegularFile(hostsFile) || Files.size(hostsFile) > MAX_HOSTS_BYTES) {
                return null;
            }
            text = Files.readString(hostsFile, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
        // Plain loops, no regex or lambdas: this runs on the cold-start path, where their first use is costly.
        int lineStart = 0;
        while (lineStart < text.length()) {
            int lineEnd = text.indexOf('\n', lineStart);
            if (lineEnd < 0) {
                lineEnd = text.length();
            }
            int hash = text.indexOf('#', lineStart);
            int end = hash >= 0 && hash < lineEnd ? hash : lineEnd;
            InetAddress found = matchLine(text, lineStart, end, name);
            if (found != null) {
                return found;
            }
            lineStart = lineEnd + 1;
        }
        return null;
    }

    /** The address of one hosts line {@code text[from, to)} if it lists {@code name}. */
    private static InetAddress matchLine(String text, int from, int to, String name) {
        String address = null;
        int i = from;
        while (i < to) {
            while (i < to && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < to && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (start == i) {
                break;
            }
            String field = text.substring(start, i);
            if (address == null) {
                address = field;
            } else if (field.equalsIgnoreCase(name)) {
                InetAddress a = literal(address);
                if (a != null) {
                    return a;
                }
            }
        }
        return null;
    }

    /** Parses an IP literal without any name lookup; {@code null} when it is not one. */
    static InetAddress literal(String text) {
        try {
            if (text.indexOf(':') >= 0) {
                // With a ':' the JDK expects an IPv6 literal and never falls back to a lookup.
                return InetAddress.getByName(text);
            }
            byte[] b = new byte[4];
            int part = 0;
            int value = 0;
            int digits = 0;
            for (int i = 0; i <= text.length(); i++) {
                char c = i < text.length() ? text.charAt(i) : '.';
                if (c >= '0' && c <= '9' && digits < 3) {
                    value = value * 10 + (c - '0');
                    digits++;
                } else if (c == '.' && digits > 0 && value <= 255 && part < 4) {
                    b[part++] = (byte) value;
                    value = 0;
                    digits = 0;
                } else {
                    return null;
                }
            }
            return part == 4 ? InetAddress.getByAddress(b) : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
