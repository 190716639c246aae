package io.firetap.wrapper.internal;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
        addressFile.toFile().delete();
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

    /**
     * java.io rather than NIO's temporary files: this runs before {@code /register}, and
     * {@code Files.createTempFile} seeds a SecureRandom for the name and loads the file-attribute
     * machinery, tens of milliseconds of a cold start. The temporary name is fixed (only this
     * extension writes there); the file is owner-only before anything is written to it, and the
     * rename replaces the old file atomically.
     */
    private static void writeAtomically(Path file, String content) throws IOException {
        File target = file.toFile();
        File temp = new File(target.getPath() + ".tmp");
        temp.delete();
        try {
            try (FileOutputStream out = new FileOutputStream(temp)) {
                ownerOnly(temp);
                out.write(content.getBytes(StandardCharsets.US_ASCII));
            }
            if (!temp.renameTo(target)) {
                throw new IOException("could not rename " + temp + " to " + target);
            }
        } catch (IOException | RuntimeException e) {
            temp.delete();
            throw e;
        }
    }

    /** {@code rw-------}. */
    static void ownerOnly(File file) throws IOException {
        boolean ok = file.setReadable(false, false) & file.setWritable(false, false) & file.setExecutable(false, false)
                & file.setReadable(true, true) & file.setWritable(true, true);
        if (!ok) {
            throw new IOException("could not make " + file + " owner-only");
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
        // a leftover file (if this fails) is replaced by the next extension's start
        addressFile.toFile().delete();
        proxy.close();
        intake.close();
    }
}
