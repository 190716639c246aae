package io.firetap.extension.internal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A listening UNIX-domain socket at a path, readable and writable by its owner only, from the first
 * moment anyone can reach it.
 *
 * <p>Java cannot set the umask, and {@code bind} creates the file with the umask's mode. So the
 * socket is bound inside a fresh directory only the owner can enter, narrowed to {@code rw-------}
 * there, and then renamed onto the final path, which atomically replaces a stale socket left by an
 * earlier run. Nobody else can connect at any point in between.
 */
public final class SocketFile implements AutoCloseable {
    private static final Set<PosixFilePermission> OWNER_RW =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final Path path;
    private final ServerSocketChannel channel;
    private final Object fileKey;

    private SocketFile(Path path, ServerSocketChannel channel, Object fileKey) {
        this.path = path;
        this.channel = channel;
        this.fileKey = fileKey;
    }

    /** Binds a listening socket at {@code path} with owner-only permissions (see the class comment). */
    public static SocketFile bind(Path path, int backlog) throws IOException {
        Objects.requireNonNull(path, "path");
        Path target = path.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("cannot create the socket " + target + ": a directory is in the way");
        }
        Path dir = privateDirectory(parent);
        Path staged = dir.resolve("s");
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(staged), backlog);
            Files.setPosixFilePermissions(staged, OWNER_RW);
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            Object key = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return new SocketFile(target, channel, key);
        } catch (AccessDeniedException e) {
            channel.close();
            throw new IOException("cannot create the socket " + target + ": permission denied"
                    + " (a stale file owned by another user?)", e);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        } finally {
            Files.deleteIfExists(staged);
            Files.deleteIfExists(dir);
        }
    }

    private static Path privateDirectory(Path parent) throws IOException {
        var ownerOnly = PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        for (int attempt = 0; ; attempt++) {
            // Short on purpose: the staged socket path must stay within the 107-byte limit. Guessable is
            // fine: mkdir fails on anything already there, so nobody can slip in a directory of theirs.
            // (SecureRandom would cost tens of milliseconds of start-up.)
            String name = ".ft" + Integer.toHexString(0x1000000 | ThreadLocalRandom.current().nextInt(0x1000000))
                    .substring(1);
            try {
                return Files.createDirectory(parent.resolve(name), ownerOnly);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 16) {
                    throw e;
                }
            }
        }
    }

    /** The socket's path. */
    public Path path() {
        return path;
    }

    /** The listening channel (blocking mode as created; callers may change it). */
    public ServerSocketChannel channel() {
        return channel;
    }

    /** Closes the channel and removes the file, unless another process has since replaced it. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            try {
                Object now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
                if (Objects.equals(now, fileKey)) {
                    Files.deleteIfExists(path);
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // Already gone: nothing to clean up.
            }
        }
    }
}
