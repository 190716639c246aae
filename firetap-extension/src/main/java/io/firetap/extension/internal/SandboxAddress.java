package io.firetap.extension.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
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
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            String[] fields = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (fields.length < 2) {
                continue;
            }
            for (int i = 1; i < fields.length; i++) {
                if (fields[i].toLowerCase(Locale.ROOT).equals(name)) {
                    InetAddress a = literal(fields[0]);
                    if (a != null) {
                        return a;
                    }
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
            String[] parts = text.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
                    return null;
                }
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                b[i] = (byte) v;
            }
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
