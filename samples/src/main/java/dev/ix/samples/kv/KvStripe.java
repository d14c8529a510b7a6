package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.concurrent.locks.StampedLock;

/**
 * One of the store's stripes: a chained hash table of {@link Item}s, their LRU list and a pool of unused items.
 * Everything here runs under {@link #lock} held for writing, taken by {@link KvStore}; the methods do not lock.
 *
 * <pre>
 *   table[hash &amp; mask] -&gt; item -chainNext-&gt; item ...
 *   lruHead (most recently used) -lruNext-&gt; ... -lruNext-&gt; lruTail (evicted first)
 * </pre>
 */
final class KvStripe {
    private static final int INITIAL_BUCKETS = 256;
    /** Unused items kept for reuse at most; more than that are left to the GC (after a flush of many items). */
    private static final int MAX_POOLED = 4096;

    /** Exclusive for every operation: a hit moves the item in the LRU list. */
    final StampedLock lock = new StampedLock();
    private final Slabs slabs;

    private Item[] table = new Item[INITIAL_BUCKETS];
    private int count;
    private Item lruHead;
    private Item lruTail;
    private Item pool;
    private int pooled;
    /** Bytes charged by this stripe's items. */
    private long bytes;
    private long evictions;
    private long totalItems;

    KvStripe(Slabs slabs) {
        this.slabs = slabs;
    }

    Item find(long hash, ByteBuf key, int keyOffset, int keyLength) {
        for (Item it = table[(int) hash & (table.length - 1)]; it != null; it = it.chainNext) {
            if (it.hash == hash && it.keyLength == keyLength
                    && ByteBufUtil.equals(it.data, it.offset, key, keyOffset, keyLength)) {
                return it;
            }
        }
        return null;
    }

    /** @return an unlinked item from the pool (or a new one), its fields to be set by the caller */
    Item newItem() {
        Item it = pool;
        if (it == null) {
            return new Item();
        }
        pool = it.chainNext;
        it.chainNext = null;
        pooled--;
        return it;
    }

    /** Adds {@code it} (its hash and data set) to the table and at the head of the LRU list. */
    void link(Item it) {
        if (count >= table.length - (table.length >>> 2)) {
            grow();
        }
        int b = (int) it.hash & (table.length - 1);
        it.chainNext = table[b];
        table[b] = it;
        it.lruPrev = null;
        it.lruNext = lruHead;
        if (lruHead != null) {
            lruHead.lruPrev = it;
        } else {
            lruTail = it;
        }
        lruHead = it;
        count++;
        totalItems++;
        bytes += it.charge;
    }

    /**
     * Removes {@code it} from the table and the LRU list, frees its chunk and pools it.
     *
     * @return the bytes it was charged, for the caller to give back to the store's budget
     */
    int unlink(Item it) {
        int b = (int) it.hash & (table.length - 1);
        Item prev = null;
        for (Item cur = table[b]; cur != null; prev = cur, cur = cur.chainNext) {
            if (cur == it) {
                if (prev == null) {
                    table[b] = cur.chainNext;
                } else {
                    prev.chainNext = cur.chainNext;
                }
                break;
            }
        }
        removeFromLru(it);
        count--;
        bytes -= it.charge;
        int charge = it.charge;
        slabs.free(it.chunk, it.size());
        it.data = null;
        it.charge = 0;
        if (pooled < MAX_POOLED) {
            it.chainNext = pool;
            pool = it;
            pooled++;
        } else {
            it.chainNext = null;
        }
        return charge;
    }

    /** Moves {@code it} to the most recently used end. */
    void bump(Item it) {
        if (lruHead == it) {
            return;
        }
        removeFromLru(it);
        it.lruPrev = null;
        it.lruNext = lruHead;
        lruHead.lruPrev = it;
        lruHead = it;
    }

    /**
     * Evicts the least recently used item other than {@code keep}.
     *
     * @return the bytes freed, 0 when there is nothing to evict
     */
    int evictOne(Item keep) {
        Item victim = lruTail;
        if (victim == keep && victim != null) {
            victim = victim.lruPrev;
        }
        if (victim == null) {
            return 0;
        }
        evictions++;
        return unlink(victim);
    }

    /** Unlinks every item; @return the bytes they were charged. */
    long clear() {
        long freed = 0;
        while (lruTail != null) {
            freed += unlink(lruTail);
        }
        return freed;
    }

    int count() {
        return count;
    }

    long bytes() {
        return bytes;
    }

    long evictions() {
        return evictions;
    }

    long totalItems() {
        return totalItems;
    }

    private void removeFromLru(Item it) {
        if (it.lruPrev != null) {
            it.lruPrev.lruNext = it.lruNext;
        } else {
            lruHead = it.lruNext;
        }
        if (it.lruNext != null) {
            it.lruNext.lruPrev = it.lruPrev;
        } else {
            lruTail = it.lruPrev;
        }
        it.lruPrev = null;
        it.lruNext = null;
    }

    private void grow() {
        Item[] old = table;
        Item[] bigger = new Item[old.length * 2];
        int mask = bigger.length - 1;
        for (Item head : old) {
            for (Item it = head; it != null; ) {
                Item next = it.chainNext;
                int b = (int) it.hash & mask;
                it.chainNext = bigger[b];
                bigger[b] = it;
                it = next;
            }
        }
        table = bigger;
    }
}
