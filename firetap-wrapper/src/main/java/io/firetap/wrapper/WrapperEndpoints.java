package io.firetap.wrapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What the sh wrapper connects the runtime to, opened by the extension before it registers: the
 * stdout intake (a FIFO at {@value #INTAKE_PATH_VARIABLE}, default {@value #DEFAULT_INTAKE_PATH})
 * and the Runtime API proxy on a free loopback port, whose address is written to the file next to
 * the intake ({@code <intake>}{@value #ADDRESS_SUFFIX}, one line {@code 127.0.0.1:<port>}).
 *
 * <p>The address file is the wrapper's sign that the extension is there: it is written last,
 * atomically (a temporary file renamed into place), owner-only, and removed by {@link #close()}.
 * The launcher ({@code extensions/firetap}) reads the same two names.
 */
public final class WrapperEndpoints implements AutoCloseable {
    /** The variable naming the intake FIFO. */
    public static final String INTAKE_PATH_VARIABLE = "FIRETAP_INTAKE_PATH";
    /** Next to the default socket, {@code /tmp/firetap.sock}. */
    public static final String DEFAULT_INTAKE_PATH = "/tmp/firetap.fifo";
    /** Appended to the intake's path: the file that holds the proxy's address. */
    public static final String ADDRESS_SUFFIX = ".runtime-api";

    private final StdoutIntake intake;
    private final RuntimeApiProxy proxy;
    private final Path addressFile;

    private WrapperEndpoints(StdoutIntake intake, RuntimeApiProxy proxy, Path addressFile) {
        this.intake = intake;
        this.proxy = proxy;
        this.addressFile = addressFile;
    }

    /** The address file that belongs to the intake at {@code intakePath}. */
    public static Path addressFile(Path intakePath) {
        return intakePath.resolveSibling(intakePath.getFileName() + ADDRESS_SUFFIX);
    }

    /**
     * Opens the intake, binds the proxy and writes the address file. Nothing is served or read
     * yet: the runtime's calls wait in the proxy's backlog and its output in the pipe until
     * {@link RuntimeApiProxy#start} and {@link StdoutIntake#start} are called.
     *
     * @param warnings where the intake and the proxy report failures later on
     */
    public static WrapperEndpoints open(Path intakePath, Consumer<String> warnings) throws IOException {
        Objects.requireNonNull(intakePath, "intakePath");
        Path addressFile = addressFile(intakePath);
        // a file left by an earlier extension must not send a runtime to a port nobody serves
        Files.deleteIfExists(addressFile);
        StdoutIntake intake = StdoutIntake.open(intakePath, warnings);
        RuntimeApiProxy proxy = null;
        try {
            proxy = RuntimeApiProxy.bind();
            writeAtomically(addressFile, proxy.address() + "\n");
            return new WrapperEndpoints(intake, proxy, addressFile);
        } catch (IOException | RuntimeException e) {
            if (proxy != null) {
                proxy.close();
            }
            intake.close();
            throw e;
        }
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, content, StandardCharsets.US_ASCII);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** The stdout intake. */
    public StdoutIntake intake() {
        return intake;
    }

    /** The Runtime API proxy. */
    public RuntimeApiProxy proxy() {
        return proxy;
    }

    /** The file holding the proxy's address. */
    public Path addressFile() {
        return addressFile;
    }

    /**
     * Removes the address file (a wrapper starting from now on runs the runtime unwrapped), stops the
     * proxy and closes the intake after passing on what it has read. Idempotent.
     */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(addressFile);
        } catch (IOException e) {
            // the process is ending; a leftover file is replaced by the next extension's start
        }
        proxy.close();
        intake.close();
    }
}
