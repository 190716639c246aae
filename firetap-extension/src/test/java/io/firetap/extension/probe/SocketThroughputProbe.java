package io.firetap.extension.probe;

import io.firetap.core.LogLine;
import io.firetap.core.pipeline.Intake;
import io.firetap.extension.internal.OutputEndMarkers;
import io.firetap.extension.internal.SocketReceiver;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures how many lines per second the socket receiver hands to an intake that only counts,
 * for one plain client writing {@code lines} lines of {@code bytes} bytes. Not a test (no timed
 * assertions): run it by hand, see the module README.
 *
 * <pre>java -cp … io.firetap.extension.probe.SocketThroughputProbe [lines] [bytesPerLine] [rounds]</pre>
 */
public final class SocketThroughputProbe {
    private SocketThroughputProbe() {
    }

    public static void main(String[] args) throws Exception {
        int lines = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        byte[] payload = new byte[lines * (size + 1)];
        for (int i = 0; i < lines; i++) {
            int base = i * (size + 1);
            for (int j = 0; j < size; j++) {
                payload[base + j] = (byte) ('a' + (i + j) % 26);
            }
            payload[base + size] = '\n';
        }
        Path dir = Files.createTempDirectory("ftprobe");
        for (int round = 0; round < rounds; round++) {
            AtomicLong seen = new AtomicLong();
            CountDownLatch done = new CountDownLatch(1);
            Intake counting = new Intake() {
                @Override
                public boolean offer(LogLine record) {
                    return offerAll(List.of(record)) == 1;
                }

                @Override
                public int offerAll(List<LogLine> records) {
                    if (seen.addAndGet(records.size()) >= lines) {
                        done.countDown();
                    }
                    return records.size();
                }
            };
            try (SocketReceiver receiver = SocketReceiver.start(dir.resolve("p.sock"), 256 * 1024, 8, counting,
                    new OutputEndMarkers());
                    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(receiver.path()));
                long t0 = System.nanoTime();
                ByteBuffer b = ByteBuffer.wrap(payload);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                if (!done.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("only " + seen.get() + " lines arrived");
                }
                long ns = System.nanoTime() - t0;
                System.out.printf("round %d: %d lines of %d bytes in %.1f ms = %.2f M lines/s, %.0f MiB/s%n", round,
                        lines, size, ns / 1e6, lines / (ns / 1e9) / 1e6, payload.length / (ns / 1e9) / (1 << 20));
            }
        }
        Files.deleteIfExists(dir);
    }
}
