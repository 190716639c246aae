package io.firetap.testkit.aws.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte scans eight bytes at a time, for the endpoint's per-byte loops over record data and
 * request bodies: the endpoint shares the CPU with the client a benchmark measures.
 *
 * <p>Internal, not for public use.
 */
public final class ByteWords {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW7 = 0x7f7f7f7f7f7f7f7fL;

    private ByteWords() {
    }

    /** The eight bytes of {@code b} from {@code at}, little-endian. */
    static long word(byte[] b, int at) {
        return (long) LONGS.get(b, at);
    }

    /** The top bit of each byte of {@code x} that is zero, and nothing else. */
    static long zeroBytes(long x) {
        return ~(((x & LOW7) + LOW7) | x | LOW7);
    }

    /** How many bytes of {@code data} equal {@code '\n'}. */
    public static int countNewlines(byte[] data) {
        int n = 0;
        int i = 0;
        for (; i + 8 <= data.length; i += 8) {
            n += Long.bitCount(zeroBytes(word(data, i) ^ 0x0a0a0a0a0a0a0a0aL));
        }
        for (; i < data.length; i++) {
            if (data[i] == '\n') {
                n++;
            }
        }
        return n;
    }
}
