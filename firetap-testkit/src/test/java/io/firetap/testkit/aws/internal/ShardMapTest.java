package io.firetap.testkit.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ShardMapTest {

    @Test
    void oneShardOwnsTheWholeSpace() {
        ShardMap map = new ShardMap(1);
        assertThat(map.startingHashKey(0)).isZero();
        assertThat(map.endingHashKey(0)).isEqualTo(ShardMap.MAX_HASH_KEY);
        assertThat(map.shardOf(ShardMap.MAX_HASH_KEY)).isZero();
    }

    @Test
    void rangesMatchWhatCreateStreamLaysOut() {
        // The hash key ranges DescribeStream reports for a new 3-shard stream.
        ShardMap map = new ShardMap(3);
        assertThat(map.startingHashKey(1)).isEqualTo(new BigInteger("113427455640312821154458202477256070485"));
        assertThat(map.endingHashKey(1)).isEqualTo(new BigInteger("226854911280625642308916404954512140969"));
        assertThat(map.startingHashKey(2)).isEqualTo(new BigInteger("226854911280625642308916404954512140970"));
        assertThat(map.endingHashKey(2)).isEqualTo(new BigInteger("340282366920938463463374607431768211455"));
        ShardMap two = new ShardMap(2);
        assertThat(two.endingHashKey(0)).isEqualTo(new BigInteger("170141183460469231731687303715884105727"));
    }

    @Test
    void boundariesFallOnTheRightSide() {
        for (int shards : new int[] {2, 3, 4, 7, 16}) {
            ShardMap map = new ShardMap(shards);
            for (int i = 0; i < shards; i++) {
                assertThat(map.shardOf(map.startingHashKey(i))).isEqualTo(i);
                assertThat(map.shardOf(map.endingHashKey(i))).isEqualTo(i);
            }
        }
    }

    @Test
    void partitionKeyHashIsMd5AsAnUnsignedNumber() {
        // MD5("") = d41d8cd98f00b204e9800998ecf8427e; its top bit is set, so a signed reading would be negative.
        assertThat(ShardMap.hashKeyOf("")).isEqualTo(new BigInteger("d41d8cd98f00b204e9800998ecf8427e", 16));
        // MD5("a") = 0cc175b9c0f1b6a831c399e269772661
        assertThat(ShardMap.hashKeyOf("a")).isEqualTo(new BigInteger("0cc175b9c0f1b6a831c399e269772661", 16));
        assertThat(new ShardMap(4).shardOf(ShardMap.hashKeyOf("a"))).isZero();
        assertThat(new ShardMap(4).shardOf(ShardMap.hashKeyOf(""))).isEqualTo(3);
    }

    @Test
    void shardIdsHaveTwelveDigits() {
        assertThat(ShardMap.shardId(0)).isEqualTo("shardId-000000000000");
        assertThat(ShardMap.shardId(12)).isEqualTo("shardId-000000000012");
    }
}
