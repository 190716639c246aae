package io.firetap.core.internal;

import io.firetap.core.LogLine;
import io.firetap.core.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

/**
 * Lines that did not fit in memory, on local disk: append-only segment files under one directory,
 * read back in the order they were written by one cursor per lane, each file deleted once every
 * lane has settled all of its lines ({@link #release}) — not when it is read.
 *
 * <p>Lines are written by the batch the buffer stages ({@link #stage}, then {@link #commit}): a batch
 * is on disk whole or, when the write fails, not at all, so a line is either counted as spilled or
 * refused, never half-written. Readers count records rather than reading to the end of a file, so
 * the torn tail of a failed write or of a crashed process is never parsed.
 *
 * <p>The directory is created owner-only (0700) and files are 0600. A lock file makes one process
 * the directory's owner; a second one that finds it locked (two pipelines on one machine: tests, local
 * runs — never in a Lambda sandbox) spills into a directory of its own beside it, deleted at close.
 * Segments found at start that no live process holds (a crashed extension restarted in the same
 * sandbox) are adopted: their lines are replayed first, before anything new.
 *
 * <p>Nothing is forced to the device: the files only have to outlive this process, not the machine
 * (a fresh sandbox has a fresh {@code /tmp}), so writes go to the page cache and cost a copy.
 *
 * <p>Not thread-safe: the buffer's lock guards it.
 */
public final class SpillStore {
    static final String SEGMENT_PREFIX = "segment-";
    static final String SEGMENT_SUFFIX = ".spill";
    static final String LOCK_FILE = "firetap-spill.lock";
    private static final byte[] MAGIC = "FTSPILL1".getBytes(StandardCharsets.US_ASCII);
    /** length, timestamp, source, request id length. */
    private static final int HEADER_BYTES = 4 + 8 + 1 + 2;
    private static final int READ_CHUNK = 64 * 1024;
    private static final int STAGE_CHUNK = 64 * 1024;
    private static final Source[] SOURCES = Source.values();
    private static final String DIR_MODE = "rwx------";
    private static final String FILE_MODE = "rw-------";

    private static final java.util.concurrent.atomic.AtomicInteger FALLBACKS = new java.util.concurrent.atomic.AtomicInteger();

    /** Where the segments are: the configured directory, or this store's own one beside it when that is taken. */
    private Path dir;
    /** Set when {@link #dir} is this store's own directory, deleted with it at {@link #close()}. */
    private boolean ownDirectory;
    private final long capBytes;
    private final long segmentBytes;
    private final Cursor[] cursors;
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();

    private FileChannel lockChannel;
    private FileLock lock;
    /** Why the store cannot take lines at all, or {@code null} while it can. */
    private String unusable;
    private boolean closed;

    private Segment writing;
    private long nextSegmentNumber;
    /** Lines ever committed (adopted ones included): the ordinal the next committed line gets. */
    private long committed;
    /** Lines every lane has settled: the oldest {@code released} lines are gone. */
    private long released;
    private long diskBytes;
    private long adoptedLines;

    private byte[] stage = new byte[STAGE_CHUNK];
    private int stagedBytes;
    private int stagedLines;
    private String lastRefusal = "";

    private SpillStore(Path dir, long capBytes, long segmentBytes, int lanes) {
        this.dir = dir;
        this.capBytes = capBytes;
        this.segmentBytes = segmentBytes;
        this.cursors = new Cursor[lanes];
        for (int i = 0; i < lanes; i++) {
            cursors[i] = new Cursor();
        }
    }

    /**
     * A store under {@code dir} holding at most {@code capBytes} on disk, in segments of about
     * {@code segmentBytes}. When the directory already holds segments that no live process owns, they
     * are adopted ({@link #adoptedLines()}). Never throws for a directory it cannot use: the store then
     * refuses every line and says why ({@link #unusableReason()}).
     */
    public static SpillStore open(Path dir, long capBytes, long segmentBytes, int lanes) {
        SpillStore store = new SpillStore(dir, capBytes, segmentBytes, lanes);
        if (Files.isDirectory(dir)) {
            // only a directory that exists can hold leftovers; otherwise nothing is created before the first spill
            store.claim();
            if (store.unusable == null && !store.ownDirectory) {
                store.adoptLeftovers();
            }
        }
        return store;
    }

    /** Creates the directory (0700) if needed and takes its lock; sets {@link #unusable} when it cannot. */
    private void claim() {
        if (lock != null || unusable != null) {
            return;
        }
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString(DIR_MODE)));
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(DIR_MODE));
            Path lockPath = dir.resolve(LOCK_FILE);
            if (!Files.exists(lockPath)) {
                try {
                    Files.createFile(lockPath, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString(FILE_MODE)));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another process created it first; the lock below decides
                }
            }
            lockChannel = FileChannel.open(lockPath, StandardOpenOption.WRITE);
            try {
                lock = lockChannel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                // another pipeline of this process holds it
                lock = null;
            }
            if (lock == null) {
                closeQuietly(lockChannel);
                lockChannel = null;
                useOwnDirectory();
            }
        } catch (IOException | UnsupportedOperationException e) {
            closeQuietly(lockChannel);
            lockChannel = null;
            unusable = "spill directory " + dir + " is not usable: " + describe(e);
        }
    }

    /**
     * The configured directory belongs to another live process (only outside Lambda, where one sandbox
     * runs one extension: tests, local runs): spill into a directory of this store's own beside it, which
     * nobody adopts after a crash, rather than share files or not spill at all.
     */
    private void useOwnDirectory() throws IOException {
        if (ownDirectory) {
            unusable = "spill directory " + dir + " is locked";
            return;
        }
        Path own = dir.resolveSibling(dir.getFileName() + "-" + ProcessHandle.current().pid() + "-"
                + FALLBACKS.incrementAndGet());
        Files.createDirectories(own, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(DIR_MODE)));
        dir = own;
        ownDirectory = true;
        claim();
    }

    private void adoptLeftovers() {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, SEGMENT_PREFIX + "*" + SEGMENT_SUFFIX)) {
            files.forEach(found::add);
        } catch (IOException e) {
            unusable = "spill directory " + dir + " cannot be listed: " + describe(e);
            return;
        }
        found.sort(null);
        for (Path file : found) {
            long number = segmentNumber(file);
            if (number < 0) {
                continue;
            }
            Segment s = scan(file, number);
            nextSegmentNumber = Math.max(nextSegmentNumber, number + 1);
            if (s == null || s.count == 0) {
                deleteQuietly(file);
                continue;
            }
            s.first = committed;
            committed += s.count;
            adoptedLines += s.count;
            diskBytes += s.bytes;
            segments.add(s);
        }
    }

    /** Counts the whole records of a leftover segment; {@code null} when it is not one. */
    private static Segment scan(Path file, long number) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
            while (magic.hasRemaining() && ch.read(magic) >= 0) {
                // fill
            }
            if (magic.hasRemaining() || !Arrays.equals(magic.array(), MAGIC)) {
                return null;
            }
            long pos = MAGIC.length;
            long count = 0;
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            while (pos + HEADER_BYTES <= size) {
                header.clear();
                if (ch.read(header, pos) < HEADER_BYTES) {
                    break;
                }
                header.flip();
                int length = header.getInt();
                header.getLong();
                int source = header.get();
                int idLength = header.getShort();
                long end = pos + HEADER_BYTES + Math.max(idLength, 0) + (long) length;
                if (length < 0 || source < 0 || source >= SOURCES.length || idLength < -1 || end > size) {
                    break;
                }
                pos = end;
                count++;
            }
            Segment s = new Segment(number, file);
            s.count = count;
            s.bytes = size;
            s.sealed = true;
            return s;
        } catch (IOException e) {
            return null;
        }
    }

    private static long segmentNumber(Path file) {
        String name = file.getFileName().toString();
        String digits = name.substring(SEGMENT_PREFIX.length(), name.length() - SEGMENT_SUFFIX.length());
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Lines found at start in segments a previous process left behind; they are the first lines read back. */
    public long adoptedLines() {
        return adoptedLines;
    }

    /** Why the store refuses every line (its directory cannot be used), or {@code null} when it is usable. */
    public String unusableReason() {
        return unusable;
    }

    /**
     * Adds {@code r} to the batch to be written by {@link #commit}.
     *
     * @return {@code false} when the line does not fit under the cap or the store cannot be used; {@link
     *         #lastRefusal()} says why
     */
    public boolean stage(LogLine r) {
        if (closed) {
            lastRefusal = "spill store closed";
            return false;
        }
        claim();
        if (unusable != null) {
            lastRefusal = unusable;
            return false;
        }
        byte[] id = r.requestId() == null ? null : r.requestId().getBytes(StandardCharsets.UTF_8);
        if (id != null && id.length > Short.MAX_VALUE) {
            id = Arrays.copyOf(id, Short.MAX_VALUE);
        }
        int size = HEADER_BYTES + (id == null ? 0 : id.length) + r.length();
        long newSegment = writing == null || writing.bytes >= segmentBytes ? MAGIC.length : 0;
        if (diskBytes + stagedBytes + size + newSegment > capBytes) {
            lastRefusal = "spill cap reached";
            return false;
        }
        if (stagedBytes + size > stage.length) {
            stage = Arrays.copyOf(stage, Math.max(stage.length * 2, stagedBytes + size));
        }
        ByteBuffer b = ByteBuffer.wrap(stage, stagedBytes, size);
        b.putInt(r.length());
        b.putLong(r.timestampMillis());
        b.put((byte) r.source().ordinal());
        b.putShort((short) (id == null ? -1 : id.length));
        if (id != null) {
            b.put(id);
        }
        r.copyTo(stage, b.position());
        stagedBytes += size;
        stagedLines++;
        return true;
    }

    /** Lines staged and not yet committed. */
    public int stagedLines() {
        return stagedLines;
    }

    /** Bytes staged and not yet committed. */
    public int stagedBytes() {
        return stagedBytes;
    }

    /**
     * Writes the staged lines to the end of the current segment (starting a new one when it is full).
     *
     * @return how many lines are now on disk: all staged ones, or 0 when the write failed (then
     *         {@link #lastRefusal()} says why, and the caller counts them as dropped)
     */
    public int commit() {
        int lines = stagedLines;
        if (lines == 0) {
            return 0;
        }
        int bytes = stagedBytes;
        stagedLines = 0;
        stagedBytes = 0;
        if (stage.length > STAGE_CHUNK * 4) {
            // a huge line grew it: do not keep the memory
            stage = new byte[STAGE_CHUNK];
        }
        try {
            if (writing == null || writing.bytes >= segmentBytes) {
                startSegment();
            }
            ByteBuffer src = ByteBuffer.wrap(stage, 0, bytes);
            long pos = writing.bytes;
            while (src.hasRemaining()) {
                pos += writing.channel.write(src, pos);
            }
        } catch (IOException | RuntimeException e) {
            lastRefusal = "spill write failed: " + describe(e);
            if (writing != null) {
                // what follows the committed records may be torn: nothing more goes into this file
                sealWriting();
            }
            return 0;
        }
        writing.bytes += bytes;
        writing.count += lines;
        diskBytes += bytes;
        committed += lines;
        return lines;
    }

    /** Drops the staged lines without writing them. */
    public void discardStaged() {
        stagedLines = 0;
        stagedBytes = 0;
    }

    private void startSegment() throws IOException {
        if (writing != null) {
            sealWriting();
        }
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < 2 * segmentBytes) {
            throw new IOException("only " + free + " bytes left on the file system");
        }
        Path file = dir.resolve(String.format("%s%016d%s", SEGMENT_PREFIX, nextSegmentNumber, SEGMENT_SUFFIX));
        Segment s = new Segment(nextSegmentNumber++, file);
        s.channel = FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(FILE_MODE)));
        try {
            ByteBuffer magic = ByteBuffer.wrap(MAGIC);
            while (magic.hasRemaining()) {
                s.channel.write(magic);
            }
        } catch (IOException e) {
            s.channel.close();
            deleteQuietly(file);
            throw e;
        }
        s.first = committed;
        s.bytes = MAGIC.length;
        diskBytes += MAGIC.length;
        segments.add(s);
        writing = s;
    }

    private void sealWriting() {
        writing.sealed = true;
        closeQuietly(writing.channel);
        writing.channel = null;
        writing = null;
    }

    /** Why the last line was refused. */
    public String lastRefusal() {
        return lastRefusal;
    }

    /**
     * The next line {@code lane} has not read, or {@code null} when it cannot be read (it is counted as
     * lost by the caller; the rest of its segment is skipped, since its position is no longer known).
     * The caller reads only lines that were committed, in order.
     */
    public LogLine read(int lane) {
        Cursor c = cursors[lane];
        long ordinal = c.next++;
        if (closed) {
            return null;
        }
        Segment s = segmentOf(ordinal);
        if (s == null) {
            return null;
        }
        if (c.segment != s) {
            c.moveTo(s);
        }
        if (c.broken) {
            return null;
        }
        try {
            return c.readRecord();
        } catch (IOException | RuntimeException e) {
            c.broken = true;
            c.error = describe(e);
            return null;
        }
    }

    /** Why the last unreadable line of {@code lane} could not be read. */
    public String readError(int lane) {
        return cursors[lane].error;
    }

    private Segment segmentOf(long ordinal) {
        for (Segment s : segments) {
            if (ordinal >= s.first && ordinal < s.first + s.count) {
                return s;
            }
        }
        return null;
    }

    /**
     * Forgets the oldest {@code lines} lines (every lane has settled them) and deletes the segments that
     * hold nothing else. When nothing is left, the segment being written goes too.
     */
    public void release(long lines) {
        released = Math.min(committed, released + lines);
        while (!segments.isEmpty()) {
            Segment s = segments.peekFirst();
            boolean done = released >= s.first + s.count;
            if (!done || (s == writing && released < committed)) {
                break;
            }
            if (s == writing) {
                sealWriting();
            }
            segments.pollFirst();
            remove(s);
        }
    }

    private void remove(Segment s) {
        for (Cursor c : cursors) {
            if (c.segment == s) {
                c.close();
            }
        }
        closeQuietly(s.channel);
        deleteQuietly(s.file);
        diskBytes -= s.bytes;
    }

    /** Lines on disk that not every lane has settled. */
    public long lines() {
        return committed - released;
    }

    /** Bytes the store's segments take on disk now. */
    public long diskBytes() {
        return diskBytes;
    }

    public long capBytes() {
        return capBytes;
    }

    public Path directory() {
        return dir;
    }

    /** Deletes every segment and the lock file; the store refuses lines from now on. Idempotent. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        discardStaged();
        while (!segments.isEmpty()) {
            Segment s = segments.pollFirst();
            if (s == writing) {
                sealWriting();
            }
            remove(s);
        }
        for (Cursor c : cursors) {
            c.close();
        }
        if (lock != null) {
            deleteQuietly(dir.resolve(LOCK_FILE));
            try {
                lock.release();
            } catch (IOException e) {
                // the channel's close below releases it too
            }
            closeQuietly(lockChannel);
            lock = null;
        }
        if (ownDirectory) {
            deleteQuietly(dir);
        }
    }

    /**
     * Lets go of the directory's lock and every open file without deleting anything, as a process that
     * dies does: for tests of what the next process finds.
     */
    void abandonLock() {
        closed = true;
        for (Cursor c : cursors) {
            c.close();
        }
        for (Segment s : segments) {
            closeQuietly(s.channel);
        }
        closeQuietly(lockChannel);
        lock = null;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a file we cannot delete is left to the sandbox's end; nothing reads it again
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // closing a file we no longer use: nothing to do
            }
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** One file: lines {@code [first, first + count)} in store order. */
    private static final class Segment {
        final long number;
        final Path file;
        long first;
        long count;
        long bytes;
        boolean sealed;
        /** Open for appends while this is the segment being written. */
        FileChannel channel;

        Segment(long number, Path file) {
            this.number = number;
            this.file = file;
        }
    }

    /** One lane's position: an open file and a read-ahead chunk. */
    private static final class Cursor {
        long next;
        Segment segment;
        FileChannel channel;
        long filePos;
        ByteBuffer chunk = ByteBuffer.allocate(0);
        boolean broken;
        String error = "";

        void moveTo(Segment s) {
            close();
            segment = s;
            broken = false;
            filePos = MAGIC.length;
            chunk = ByteBuffer.allocate(READ_CHUNK);
            chunk.flip();
        }

        LogLine readRecord() throws IOException {
            if (channel == null) {
                channel = FileChannel.open(segment.file, StandardOpenOption.READ);
            }
            ensure(HEADER_BYTES);
            int length = chunk.getInt();
            long timestamp = chunk.getLong();
            int source = chunk.get();
            int idLength = chunk.getShort();
            if (length < 0 || source < 0 || source >= SOURCES.length || idLength < -1) {
                throw new IOException("corrupt record in " + segment.file.getFileName());
            }
            ensure(Math.max(idLength, 0) + length);
            String id = null;
            if (idLength >= 0) {
                byte[] idBytes = new byte[idLength];
                chunk.get(idBytes);
                id = new String(idBytes, StandardCharsets.UTF_8);
            }
            byte[] line = new byte[length];
            chunk.get(line);
            if (chunk.capacity() > READ_CHUNK && !chunk.hasRemaining()) {
                chunk = ByteBuffer.allocate(READ_CHUNK);
                chunk.flip();
            }
            return LogLine.of(line, timestamp, SOURCES[source], id);
        }

        /** Makes at least {@code n} bytes readable in {@link #chunk}. */
        private void ensure(int n) throws IOException {
            if (chunk.remaining() >= n) {
                return;
            }
            if (chunk.capacity() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(n);
                bigger.put(chunk);
                chunk = bigger;
            } else {
                chunk.compact();
            }
            while (chunk.position() < n) {
                int got = channel.read(chunk, filePos);
                if (got < 0) {
                    throw new IOException("segment " + segment.file.getFileName() + " ends early");
                }
                filePos += got;
            }
            chunk.flip();
        }

        void close() {
            closeQuietly(channel);
            channel = null;
            segment = null;
            chunk = ByteBuffer.allocate(0);
        }
    }
}
