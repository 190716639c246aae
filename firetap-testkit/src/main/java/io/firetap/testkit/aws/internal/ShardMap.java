package io.firetap.testkit.aws.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hash key ranges of a stream created with N shards, as Kinesis lays them out: the 128-bit
 * space split into N equal slices (shard i starts at i * floor(2^128 / N); the last one ends at
 * 2^128 - 1). A record goes to the shard whose range holds its hash key: the MD5 of its partition
 * key read as an unsigned 128-bit number, or its {@code ExplicitHashKey}.
 *
 * <p>Internal, not for public use.
 */
public final class ShardMap {

    /** 2^128 - 1, the largest hash key. */
    public static final BigInteger MAX_HASH_KEY = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private final int shardCount;
    private final BigInteger sliceWidth;

    public ShardMap(int shardCount) {
        if (shardCount < 1) {
            throw new IllegalArgumentException("shardCount must be >= 1: " + shardCount);
        }
        this.shardCount = shardCount;
        this.sliceWidth = BigInteger.ONE.shiftLeft(128).divide(BigInteger.valueOf(shardCount));
    }

    public int shardCount() {
        return shardCount;
    }

    /** The shard index owning {@code hashKey} (0 to 2^128 - 1). */
    public int shardOf(BigInteger hashKey) {
        if (hashKey.signum() < 0 || hashKey.compareTo(MAX_HASH_KEY) > 0) {
            throw new IllegalArgumentException("hash key out of range: " + hashKey);
        }
        return Math.min(shardCount - 1, hashKey.divide(sliceWidth).intValueExact());
    }

    /** The first hash key of shard {@code index}. */
    public BigInteger startingHashKey(int index) {
        return sliceWidth.multiply(BigInteger.valueOf(index));
    }

    /** The last hash key of shard {@code index}. */
    public BigInteger endingHashKey(int index) {
        return index == shardCount - 1 ? MAX_HASH_KEY : startingHashKey(index + 1).subtract(BigInteger.ONE);
    }

    /** The shard's id as the service names it: {@code shardId-} and 12 digits. */
    public static String shardId(int index) {
        return String.format("shardId-%012d", index);
    }

    /** The hash key of a partition key: MD5 of its UTF-8 bytes as an unsigned 128-bit number. */
    public static BigInteger hashKeyOf(String partitionKey) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(partitionKey.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }
}
