package io.firetap.testkit.aws.internal;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough CBOR (RFC 8949) for the AWS CBOR 1.1 protocol Kinesis speaks: decodes any
 * well-formed item (definite and indefinite lengths, tags, half/single/double floats) into plain
 * Java values and encodes maps of strings, blobs, integers, booleans, lists and nested maps.
 *
 * <p>Decoded values: unsigned and negative integers become {@link Long} (or {@link BigInteger}
 * beyond its range), byte strings {@code byte[]}, text strings {@link String}, arrays
 * {@link List}, maps {@link LinkedHashMap} in wire order, floats {@link Double}, {@code true}/
 * {@code false} {@link Boolean}, null and undefined {@code null}. Tags are read and dropped:
 * the SDK only tags timestamps, which PutRecords never sends.
 *
 * <p>Internal, not for public use.
 */
public final class Cbor {
    private static final int MAX_DEPTH = 64;
    private static final int BREAK = 0xFF;

    private Cbor() {
    }

    /** The single item in {@code bytes}; trailing bytes are an error, as the SDK never sends them. */
    public static Object decode(byte[] bytes) {
        Reader reader = new Reader(bytes);
        Object value = reader.item(0);
        if (reader.pos != bytes.length) {
            throw new MalformedBodyException("CBOR: " + (bytes.length - reader.pos) + " trailing bytes after the item");
        }
        return value;
    }

    /** {@code value} as one CBOR item; maps are written with definite lengths. */
    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        write(out, value);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object value) {
        if (value == null) {
            out.write(0xF6);
        } else if (value instanceof Boolean b) {
            out.write(b ? 0xF5 : 0xF4);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            long n = ((Number) value).longValue();
            if (n >= 0) {
                head(out, 0, n);
            } else {
                head(out, 1, -1 - n);
            }
        } else if (value instanceof Double || value instanceof Float) {
            out.write(0xFB);
            long bits = Double.doubleToLongBits(((Number) value).doubleValue());
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (bits >>> shift));
            }
        } else if (value instanceof String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            head(out, 3, utf8.length);
            out.writeBytes(utf8);
        } else if (value instanceof byte[] blob) {
            head(out, 2, blob.length);
            out.writeBytes(blob);
        } else if (value instanceof List<?> list) {
            head(out, 4, list.size());
            for (Object element : list) {
                write(out, element);
            }
        } else if (value instanceof Map<?, ?> map) {
            head(out, 5, map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                write(out, e.getKey());
                write(out, e.getValue());
            }
        } else {
            throw new IllegalArgumentException("no CBOR encoding for " + value.getClass().getName());
        }
    }

    private static void head(ByteArrayOutputStream out, int major, long argument) {
        int type = major << 5;
        if (argument < 24) {
            out.write(type | (int) argument);
        } else if (argument < 0x100) {
            out.write(type | 24);
            out.write((int) argument);
        } else if (argument < 0x10000) {
            out.write(type | 25);
            out.write((int) (argument >>> 8));
            out.write((int) argument);
        } else if (argument < 0x1_0000_0000L) {
            out.write(type | 26);
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write((int) (argument >>> shift));
            }
        } else {
            out.write(type | 27);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (argument >>> shift));
            }
        }
    }

    private static final class Reader {
        private final byte[] in;
        private int pos;

        Reader(byte[] in) {
            this.in = in;
        }

        Object item(int depth) {
            if (depth > MAX_DEPTH) {
                throw new MalformedBodyException("CBOR: nested deeper than " + MAX_DEPTH);
            }
            int initial = next();
            int major = initial >>> 5;
            int info = initial & 0x1F;
            switch (major) {
                case 0:
                    return integer(argument(info), false);
                case 1:
                    return integer(argument(info), true);
                case 2:
                    return info == 31 ? chunks(2) : take(length(info));
                case 3:
                    return utf8(info == 31 ? chunks(3) : take(length(info)));
                case 4:
                    return array(info, depth);
                case 5:
                    return map(info, depth);
                case 6:
                    argument(info);
                    return item(depth + 1);
                default:
                    return simple(info);
            }
        }

        private List<Object> array(int info, int depth) {
            List<Object> list = new ArrayList<>();
            if (info == 31) {
                while (peek() != BREAK) {
                    list.add(item(depth + 1));
                }
                pos++;
            } else {
                long n = length(info);
                for (long i = 0; i < n; i++) {
                    list.add(item(depth + 1));
                }
            }
            return list;
        }

        private Map<Object, Object> map(int info, int depth) {
            Map<Object, Object> map = new LinkedHashMap<>();
            if (info == 31) {
                while (peek() != BREAK) {
                    map.put(item(depth + 1), item(depth + 1));
                }
                pos++;
            } else {
                long n = length(info);
                for (long i = 0; i < n; i++) {
                    map.put(item(depth + 1), item(depth + 1));
                }
            }
            return map;
        }

        private Object simple(int info) {
            switch (info) {
                case 20:
                    return Boolean.FALSE;
                case 21:
                    return Boolean.TRUE;
                case 22:
                case 23:
                    return null;
                case 24:
                    next();
                    return null;
                case 25:
                    return halfFloat((int) bigEndian(2));
                case 26:
                    return (double) Float.intBitsToFloat((int) bigEndian(4));
                case 27:
                    return Double.longBitsToDouble(bigEndian(8));
                case 31:
                    throw new MalformedBodyException("CBOR: unexpected break at byte " + (pos - 1));
                default:
                    if (info < 20) {
                        return null;
                    }
                    throw new MalformedBodyException("CBOR: reserved simple value " + info);
            }
        }

        private byte[] chunks(int major) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (peek() != BREAK) {
                int initial = next();
                if (initial >>> 5 != major || (initial & 0x1F) == 31) {
                    throw new MalformedBodyException("CBOR: bad chunk in an indefinite-length string");
                }
                out.writeBytes(take(length(initial & 0x1F)));
            }
            pos++;
            return out.toByteArray();
        }

        private static String utf8(byte[] bytes) {
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(bytes))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new MalformedBodyException("CBOR: text string is not valid UTF-8", e);
            }
        }

        private static Object integer(long raw, boolean negative) {
            if (raw >= 0) {
                return negative ? -1 - raw : raw;
            }
            // The argument did not fit a signed long: it is above 2^63 - 1.
            BigInteger unsigned = new BigInteger(Long.toUnsignedString(raw));
            return negative ? BigInteger.ONE.negate().subtract(unsigned) : unsigned;
        }

        private static double halfFloat(int bits) {
            int exponent = (bits >>> 10) & 0x1F;
            int mantissa = bits & 0x3FF;
            double value;
            if (exponent == 0) {
                value = mantissa * Math.pow(2, -24);
            } else if (exponent == 31) {
                value = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
            } else {
                value = (mantissa + 1024) * Math.pow(2, exponent - 25);
            }
            return (bits & 0x8000) != 0 ? -value : value;
        }

        private long length(int info) {
            long n = argument(info);
            if (n < 0 || n > in.length - pos) {
                throw new MalformedBodyException("CBOR: length " + Long.toUnsignedString(n)
                        + " at byte " + pos + " runs past the end of the body");
            }
            return n;
        }

        private long argument(int info) {
            if (info < 24) {
                return info;
            }
            switch (info) {
                case 24:
                    return bigEndian(1);
                case 25:
                    return bigEndian(2);
                case 26:
                    return bigEndian(4);
                case 27:
                    return bigEndian(8);
                default:
                    throw new MalformedBodyException("CBOR: additional information " + info + " not allowed here");
            }
        }

        private long bigEndian(int bytes) {
            long value = 0;
            for (int i = 0; i < bytes; i++) {
                value = (value << 8) | next();
            }
            return value;
        }

        private byte[] take(long n) {
            byte[] out = java.util.Arrays.copyOfRange(in, pos, pos + (int) n);
            pos += (int) n;
            return out;
        }

        private int peek() {
            if (pos >= in.length) {
                throw new MalformedBodyException("CBOR: body ends inside an item");
            }
            return in[pos] & 0xFF;
        }

        private int next() {
            int b = peek();
            pos++;
            return b;
        }
    }
}
