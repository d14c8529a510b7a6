package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;

/**
 * One cached item: its bytes off-heap in a {@link Slabs} chunk, its metadata on-heap. Items are pooled by their
 * {@link KvStripe} and reused, so a store in steady state allocates no objects.
 *
 * <pre>
 *   data at offset: | key (keyLength) | value (valueLength) | \r\n |
 * </pre>
 *
 * <p>The value is kept with its {@code \r\n} so that a get copies value and terminator in one go. Every field is
 * read and written under the owning stripe's lock only.
 */
final class Item {
    /**
     * The view of the slab page that holds the item's bytes, from {@link #offset} on; shared with the page's other
     * chunks, so absolute indices only. Null while the item is in its stripe's free pool.
     */
    ByteBuf data;
    /** Where the item's bytes start in {@link #data}. */
    int offset;
    /** The item's slab chunk, for {@link Slabs#free}. */
    long chunk;
    int keyLength;
    int valueLength;
    /** The client's opaque 32-bit flags. */
    int flags;
    /** Unique per modification, from the store's global counter; compared unsigned, as memcached does. */
    long cas;
    /** Unix time in seconds at which the item expires; 0 = never. */
    long expiresAt;
    /** Unix time in seconds of the last store or touch, for a delayed {@code flush_all}. */
    long storedAt;
    long hash;
    /** Unix time in seconds of the last fetch (meta get's {@code l} flag). */
    long accessedAt;
    /** Fetched since stored (meta get's {@code h} flag). */
    boolean fetched;
    /** Marked stale by a meta delete or set with {@code I} (meta get's {@code X} flag). */
    boolean stale;
    /** A meta get has handed out the recache token ({@code W}); later ones see {@code Z}. */
    boolean tokenSent;
    /** The bytes charged against the store's memory limit for this item. */
    int charge;
    /** Next item in the same hash bucket, or next free item in the pool. */
    Item chainNext;
    /** Towards the most recently used end. */
    Item lruPrev;
    /** Towards the least recently used end. */
    Item lruNext;

    int valueOffset() {
        return offset + keyLength;
    }

    /** Bytes of the chunk in use: key, value and CRLF. */
    int size() {
        return keyLength + valueLength + 2;
    }
}
