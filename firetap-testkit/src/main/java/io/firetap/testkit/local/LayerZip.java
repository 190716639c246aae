package io.firetap.testkit.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unzips a Lambda layer the way Lambda does, keeping the executable bits recorded in the zip
 * (which {@code java.util.zip} does not expose), so {@code extensions/*} can be run from a
 * test's temporary folder, and the modification times: an entry's exact time when the zip records
 * one (an extended timestamp), else its wall-clock time read as UTC, Lambda's time zone. (A
 * class-data archive checks the times of the jars it was made from.)
 */
public final class LayerZip {
    private LayerZip() {
    }

    /** Unzips {@code zip} into {@code target} (created if needed) and returns {@code target}. */
    public static Path unzip(Path zip, Path target) throws IOException {
        Map<String, Integer> modes = unixModes(zip);
        Path root = target.toAbsolutePath().normalize();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                Path file = root.resolve(entry.getName()).normalize();
                if (!file.startsWith(root)) {
                    throw new IOException("zip entry outside the target folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(file);
                    continue;
                }
                Files.createDirectories(file.getParent());
                Files.copy(in, file);
                Files.setLastModifiedTime(file, modified(entry));
                int mode = modes.getOrDefault(entry.getName(), 0644);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(
                        (mode & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return root;
    }

    private static FileTime modified(ZipEntry entry) {
        byte[] extra = entry.getExtra();
        for (int at = 0; extra != null && at + 4 <= extra.length; ) {
            int id = (extra[at] & 0xff) | (extra[at + 1] & 0xff) << 8;
            if (id == 0x5455) {
                return entry.getLastModifiedTime();
            }
            at += 4 + ((extra[at + 2] & 0xff) | (extra[at + 3] & 0xff) << 8);
        }
        return FileTime.from(entry.getTimeLocal().toInstant(ZoneOffset.UTC));
    }

    /** The Unix mode of every entry, from the central directory's external attributes. */
    public static Map<String, Integer> unixModes(Path zip) throws IOException {
        byte[] all;
        try (InputStream in = Files.newInputStream(zip)) {
            all = in.readAllBytes();
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = all.length - 22;
        while (eocd >= 0 && b.getInt(eocd) != 0x06054b50) {
            eocd--;
        }
        if (eocd < 0) {
            throw new IOException(zip + " is not a zip file");
        }
        int entries = Short.toUnsignedInt(b.getShort(eocd + 10));
        int at = b.getInt(eocd + 16);
        Map<String, Integer> modes = new HashMap<>();
        for (int i = 0; i < entries; i++) {
            int nameLength = Short.toUnsignedInt(b.getShort(at + 28));
            int extraLength = Short.toUnsignedInt(b.getShort(at + 30));
            int commentLength = Short.toUnsignedInt(b.getShort(at + 32));
            int external = b.getInt(at + 38);
            modes.put(new String(all, at + 46, nameLength, StandardCharsets.UTF_8), (external >>> 16) & 07777);
            at += 46 + nameLength + extraLength + commentLength;
        }
        return modes;
    }
}
