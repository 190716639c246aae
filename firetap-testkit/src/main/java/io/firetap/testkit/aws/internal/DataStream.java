package io.firetap.testkit.aws.internal;

import io.firetap.testkit.aws.DataStreamSpec;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One hosted Kinesis stream: its spec, shard layout, ledger and per-shard sequence counters. The
 * lock makes "assign sequence numbers, then record" one step, so the ledger's order per shard is
 * the sequence order.
 *
 * <p>Internal, not for public use.
 */
final class DataStream {
    final DataStreamSpec spec;
    final ShardMap shards;
    final StreamLedger ledger;
    final ReentrantLock lock = new ReentrantLock();
    private final long[] sequences;

    DataStream(DataStreamSpec spec, StreamLedger ledger) {
        this.spec = spec;
        this.shards = new ShardMap(spec.shardCount());
        this.ledger = ledger;
        this.sequences = new long[spec.shardCount()];
    }

    /**
     * The next sequence number of shard {@code index}, 56 decimal digits like the service's, so
     * they grow both as numbers and as strings within a shard. Caller holds {@link #lock}.
     */
    String nextSequenceNumber(int index) {
        long n = ++sequences[index];
        return String.format("49%010d%044d", index, n);
    }
}
