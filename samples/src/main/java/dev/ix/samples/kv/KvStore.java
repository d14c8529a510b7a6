package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * The key-value store every loop shares: {@value #STRIPES} stripes picked by the key's hash, each a {@link KvStripe}
 * with its own lock, hash table and LRU list, so loops working on different keys rarely meet. Item bytes live
 * off-heap in the store's {@link Slabs}; the bytes items are charged (memcached's item size) are bounded by
 * {@code limitBytes}, shared by all stripes. A store that would pass the bound first evicts the least recently used
 * items of its own stripe, then of the others (those it can lock without waiting): per-stripe LRU, which over
 * uniformly hashed keys approximates one global LRU as memcached's per-slab-class LRU does.
 *
 * <p>Semantics are memcached 1.6's: relative expiry up to 30 days, absolute Unix time beyond, negative or past means
 * already expired; {@code flush_all} invalidates what was stored before it; CAS values from one global counter.
 * Expired and flushed items are unlinked when met. Thread-safe; methods that take an {@link ItemSink} call it under
 * the stripe's lock, where it may only copy what it needs.
 */
final class KvStore implements AutoCloseable {
    static final int STRIPES = 64;
    /** Bytes charged per item beside key and value (memcached's item header and CAS); memcached counts the same. */
    static final int ITEM_HEADER = 56;
    /** Relative expiry times are at most this many seconds (30 days); larger ones are Unix times. */
    static final long MAX_RELATIVE_EXPIRY = 60L * 60 * 24 * 30;
    /** An expiry time that has already passed. */
    static final long EXPIRED = 1;

    // Results of the store operations, the text protocol's words.
    static final int STORED = 0;
    static final int NOT_STORED = 1;
    static final int EXISTS = 2;
    static final int NOT_FOUND = 3;
    static final int TOO_LARGE = 4;
    static final int NO_MEMORY = 5;
    static final int DELETED = 6;
    static final int TOUCHED = 7;
    static final int NON_NUMERIC = 8;
    static final int OK = 9;

    // Storage modes.
    static final int SET = 0;
    static final int ADD = 1;
    static final int REPLACE = 2;
    static final int APPEND = 3;
    static final int PREPEND = 4;
    static final int CAS = 5;

    /** Called under a stripe's lock with a live item. */
    interface ItemSink {
        void hit(Item item);
    }

    /** Results beside the status code, written by the last operation (one per connection, loop thread only). */
    static final class Outcome {
        /** CAS of the item stored or changed. */
        long cas;
        /** New value of an incr/decr. */
        long number;
        /** A meta get or arithmetic created the item on a miss. */
        boolean created;
        /** Expiry of the item an arithmetic changed, before the change. */
        long expiresAt;
        /** Parses the stored number of an incr/decr. */
        final NumberParser numbers = new NumberParser();
    }

    private final KvStripe[] stripes = new KvStripe[STRIPES];
    private final long limitBytes;
    private final int itemMaxBytes;
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong casCounter = new AtomicLong();
    private final LongSupplier clock;
    private final Slabs slabs;
    /** flush_all: items stored at or before this second are gone once it has come (0: no flush). */
    private volatile long flushLive;
    /** flush_all without delay: items with a CAS below this are gone too (those of the flush's own second). */
    private volatile long flushCas;
    private volatile boolean closed;

    /**
     * @param limitBytes   memory for items (keys, values and {@value #ITEM_HEADER} B each), memcached's {@code -m}
     * @param itemMaxBytes largest item, header included (memcached's {@code -I}, 1 MiB by default)
     * @param clock        Unix time in seconds
     */
    KvStore(long limitBytes, int itemMaxBytes, LongSupplier clock) {
        this.limitBytes = limitBytes;
        this.itemMaxBytes = itemMaxBytes;
        this.clock = clock;
        // An item's bytes are its key, value and CRLF, which its charge (at most itemMaxBytes) exceeds.
        this.slabs = new Slabs(itemMaxBytes);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new KvStripe(slabs);
        }
    }

    long now() {
        return clock.getAsLong();
    }

    /** memcached's exptime argument as a Unix time: 0 never, up to 30 days relative, negative already expired. */
    long expiresAt(long exptime) {
        if (exptime == 0) {
            return 0;
        }
        if (exptime < 0) {
            return EXPIRED;
        }
        if (exptime > MAX_RELATIVE_EXPIRY) {
            return exptime;
        }
        return now() + exptime;
    }

    /** @return whether an item of this key and value length may be stored at all */
    boolean fits(int keyLength, int valueLength, int flags) {
        return charge(keyLength, valueLength, flags) <= itemMaxBytes;
    }

    static long hash(ByteBuf key, int offset, int length) {
        long h = 0x9E3779B97F4A7C15L ^ length;
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            h = Long.rotateLeft(h ^ key.getLongLE(i) * 0xC2B2AE3D27D4EB4FL, 31) * 0x9E3779B97F4A7C15L;
        }
        for (; i < end; i++) {
            h = (h ^ (key.getByte(i) & 0xFF)) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }

    /**
     * Looks a key up; a hit moves it to the LRU head and, with {@code touch}, sets its expiry first.
     *
     * @return whether the key was found (then {@code sink} has seen it)
     */
    boolean get(ByteBuf key, int offset, int length, boolean touch, long expiresAt, ItemSink sink) {
        return get(key, offset, length, touch, expiresAt, true, false, sink, null);
    }

    /**
     * The lookup of a meta get: {@code bump} false leaves the LRU and access marks alone ({@code u}); {@code vivify}
     * creates an empty item on a miss ({@code N}), reported by {@code outcome.created}.
     */
    boolean get(ByteBuf key, int offset, int length, boolean touch, long expiresAt, boolean bump, boolean vivify,
                ItemSink sink, Outcome outcome) {
        long hash = hash(key, offset, length);
        KvStripe s = stripe(hash);
        long stamp = s.lock.writeLock();
        try {
            Item it = live(s, hash, key, offset, length);
            if (outcome != null) {
                outcome.created = false;
            }
            if (it == null) {
                if (!vivify || put(s, hash, null, key, offset, length, key, offset, 0, null, 0, 0, 0, 0, outcome)
                        != STORED) {
                    return false;
                }
                it = s.find(hash, key, offset, length);
                outcome.created = true;
            }
            if (touch) {
                it.expiresAt = expiresAt;
            }
            sink.hit(it);
            if (bump) {
                s.bump(it);
                it.fetched = true;
                it.accessedAt = now();
            }
            return true;
        } finally {
            s.lock.unlockWrite(stamp);
        }
    }

    /**
     * A storage command, as memcached's {@code do_store_item}: {@link #SET}, {@link #ADD}, {@link #REPLACE},
     * {@link #APPEND}, {@link #PREPEND} or {@link #CAS}. A {@code compareCas} of 0 compares nothing, except for
     * {@link #CAS}, which then never matches.
     *
     * @return {@link #STORED}, {@link #NOT_STORED}, {@link #EXISTS}, {@link #NOT_FOUND}, {@link #TOO_LARGE} or
     *         {@link #NO_MEMORY}; on {@link #STORED} {@code outcome.cas} is the new item's CAS
     */
    int store(int mode, ByteBuf key, int keyOffset, int keyLength, ByteBuf value, int valueOffset, int valueLength,
              int flags, long expiresAt, long compareCas, Outcome outcome) {
        return store(mode, key, keyOffset, keyLength, value, valueOffset, valueLength, flags, expiresAt, compareCas,
                false, outcome);
    }

    /**
     * As {@link #store(int, ByteBuf, int, int, ByteBuf, int, int, int, long, long, Outcome)}; with {@code setStale}
     * (meta set's {@code I}) a {@link #CAS} whose CAS is below the item's stores the value marked stale, keeping the
     * old expiry.
     */
    int store(int mode, ByteBuf key, int keyOffset, int keyLength, ByteBuf value, int valueOffset, int valueLength,
              int flags, long expiresAt, long compareCas, boolean setStale, Outcome outcome) {
        long hash = hash(key, keyOffset, keyLength);
        KvStripe s = stripe(hash);
        long stamp = s.lock.writeLock();
        try {
            Item old = live(s, hash, key, keyOffset, keyLength);
            if (old == null) {
                if (mode == CAS) {
                    return NOT_FOUND;
                }
                if (mode != SET && mode != ADD) {
                    return NOT_STORED;
                }
                return put(s, hash, null, key, keyOffset, keyLength, value, valueOffset, valueLength, null, 0, 0,
                        flags, expiresAt, outcome);
            }
            boolean casMatch = compareCas != 0 && compareCas == old.cas;
            switch (mode) {
                case ADD -> {
                    s.bump(old);
                    return NOT_STORED;
                }
                case CAS -> {
                    if (!casMatch) {
                        if (setStale && compareCas != 0 && Long.compareUnsigned(compareCas, old.cas) < 0) {
                            boolean tokenSent = old.tokenSent;
                            int r = put(s, hash, old, key, keyOffset, keyLength, value, valueOffset, valueLength,
                                    null, 0, 0, flags, old.expiresAt, outcome);
                            if (r == STORED) {
                                Item stored = s.find(hash, key, keyOffset, keyLength);
                                stored.stale = true;
                                stored.tokenSent = tokenSent;
                            }
                            return r;
                        }
                        return EXISTS;
                    }
                }
                case APPEND, PREPEND -> {
                    if (compareCas != 0 && !casMatch) {
                        return EXISTS;
                    }
                    ByteBuf oldData = old.data;
                    int oldOffset = old.valueOffset();
                    int oldLength = old.valueLength;
                    int result = mode == APPEND
                            ? put(s, hash, old, key, keyOffset, keyLength, oldData, oldOffset, oldLength,
                                    value, valueOffset, valueLength, old.flags, old.expiresAt, outcome)
                            : put(s, hash, old, key, keyOffset, keyLength, value, valueOffset, valueLength,
                                    oldData, oldOffset, oldLength, old.flags, old.expiresAt, outcome);
                    // memcached answers an append it cannot allocate NOT_STORED.
                    return result == STORED ? STORED : NOT_STORED;
                }
                default -> {
                }
            }
            return put(s, hash, old, key, keyOffset, keyLength, value, valueOffset, valueLength, null, 0, 0,
                    flags, expiresAt, outcome);
        } finally {
            s.lock.unlockWrite(stamp);
        }
    }

    /**
     * Removes a key ({@code compareCas} 0: whatever its CAS).
     *
     * @return {@link #DELETED}, {@link #NOT_FOUND} or {@link #EXISTS}
     */
    int delete(ByteBuf key, int offset, int length, long compareCas) {
        return delete(key, offset, length, compareCas != 0, compareCas, false, false, 0);
    }

    /**
     * A meta delete: with {@code hasCas} only an item of that CAS; with {@code markStale} ({@code I}) the item stays,
     * marked stale with a new CAS (and expiry, with {@code setExpiry}).
     */
    int delete(ByteBuf key, int offset, int length, boolean hasCas, long compareCas, boolean markStale,
               boolean setExpiry, long expiresAt) {
        long hash = hash(key, offset, length);
        KvStripe s = stripe(hash);
        long stamp = s.lock.writeLock();
        try {
            Item it = live(s, hash, key, offset, length);
            if (it == null) {
                return NOT_FOUND;
            }
            if (hasCas && compareCas != it.cas) {
                return EXISTS;
            }
            if (markStale) {
                if (setExpiry) {
                    it.expiresAt = expiresAt;
                }
                it.stale = true;
                it.tokenSent = false;
                it.cas = casCounter.incrementAndGet();
                return DELETED;
            }
            usedBytes.addAndGet(-s.unlink(it));
            return DELETED;
        } finally {
            s.lock.unlockWrite(stamp);
        }
    }

    /** @return {@link #TOUCHED} or {@link #NOT_FOUND} */
    int touch(ByteBuf key, int offset, int length, long expiresAt) {
        long hash = hash(key, offset, length);
        KvStripe s = stripe(hash);
        long stamp = s.lock.writeLock();
        try {
            Item it = live(s, hash, key, offset, length);
            if (it == null) {
                return NOT_FOUND;
            }
            it.expiresAt = expiresAt;
            s.bump(it);
            it.fetched = true;
            it.accessedAt = now();
            return TOUCHED;
        } finally {
            s.lock.unlockWrite(stamp);
        }
    }

    /**
     * incr/decr as memcached's {@code do_add_delta}: the value must be a decimal unsigned 64-bit number; incr wraps,
     * decr stops at 0; a result no longer than the old value is written in place, padded with spaces.
     *
     * @param compareCas   0, or the CAS the item must have
     * @param createAt     with {@code create}, the expiry of an item created on a miss holding {@code initial}
     * @param newExpiresAt with {@code setExpiry}, the expiry set on success
     * @return {@link #OK} ({@code outcome.number}, {@code outcome.cas}), {@link #NOT_FOUND}, {@link #NON_NUMERIC},
     *         {@link #EXISTS}, {@link #NOT_STORED} (a create that failed) or {@link #NO_MEMORY}
     */
    int arithmetic(ByteBuf key, int offset, int length, boolean incr, long delta, long compareCas,
                   boolean create, long createAt, long initial, boolean setExpiry, long newExpiresAt,
                   ByteBuf scratch, Outcome outcome) {
        long hash = hash(key, offset, length);
        KvStripe s = stripe(hash);
        long stamp = s.lock.writeLock();
        try {
            Item it = live(s, hash, key, offset, length);
            outcome.created = false;
            if (it == null) {
                if (!create) {
                    return NOT_FOUND;
                }
                outcome.created = true;
                outcome.expiresAt = 0;
                scratch.clear();
                Ascii.writeUnsigned(scratch, initial);
                int r = put(s, hash, null, key, offset, length, scratch, 0, scratch.writerIndex(), null, 0, 0, 0,
                        createAt, outcome);
                outcome.number = initial;
                return r == STORED ? OK : NOT_STORED;
            }
            if (it.valueLength == 0) {
                return NON_NUMERIC;
            }
            if (compareCas != 0 && compareCas != it.cas) {
                return EXISTS;
            }
            NumberParser numbers = outcome.numbers;
            if (!numbers.unsigned64(it.data, it.valueOffset(), it.valueOffset() + it.valueLength)) {
                return NON_NUMERIC;
            }
            long value = numbers.value;
            outcome.expiresAt = it.expiresAt;
            if (incr) {
                value += delta;
            } else {
                value = Long.compareUnsigned(delta, value) > 0 ? 0 : value - delta;
            }
            if (setExpiry) {
                it.expiresAt = newExpiresAt;
            }
            outcome.number = value;
            scratch.clear();
            Ascii.writeUnsigned(scratch, value);
            int digits = scratch.writerIndex();
            if (digits <= it.valueLength) {
                ByteBuf d = it.data;
                Ascii.copy(scratch, 0, d, it.valueOffset(), digits);
                for (int i = it.valueOffset() + digits; i < it.valueOffset() + it.valueLength; i++) {
                    d.setByte(i, ' ');
                }
                it.cas = casCounter.incrementAndGet();
                outcome.cas = it.cas;
                s.bump(it);
                return OK;
            }
            int r = put(s, hash, it, key, offset, length, scratch, 0, digits, null, 0, 0, it.flags, it.expiresAt,
                    outcome);
            return r == STORED ? OK : NO_MEMORY;
        } finally {
            s.lock.unlockWrite(stamp);
        }
    }

    /** {@code flush_all [delay]}: invalidates every item stored before now, or before {@code delay} seconds pass. */
    void flushAll(long delaySeconds) {
        long now = now();
        if (delaySeconds > 0) {
            flushLive = expiresAt(delaySeconds) - 1;
        } else {
            flushLive = now - 1;
            flushCas = casCounter.incrementAndGet();
        }
    }

    long currentItems() {
        return sumOverStripes(KvStripe::count);
    }

    long totalItems() {
        return sumOverStripes(KvStripe::totalItems);
    }

    long evictions() {
        return sumOverStripes(KvStripe::evictions);
    }

    /** @return {@code count} of every stripe added up, each read under its stripe's read lock */
    private long sumOverStripes(ToLongFunction<KvStripe> count) {
        long n = 0;
        for (KvStripe s : stripes) {
            long stamp = s.lock.readLock();
            n += count.applyAsLong(s);
            s.lock.unlockRead(stamp);
        }
        return n;
    }

    /** Bytes charged by the items now (memcached's {@code bytes}). */
    long usedBytes() {
        return usedBytes.get();
    }

    long limitBytes() {
        return limitBytes;
    }

    /** Allocations of item memory not yet freed: 0 after {@link #close()}. */
    long activeAllocations() {
        return slabs.liveChunks();
    }

    /** Frees every item's memory. Call once the loops that use the store have stopped. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (KvStripe s : stripes) {
            long stamp = s.lock.writeLock();
            try {
                usedBytes.addAndGet(-s.clear());
            } finally {
                s.lock.unlockWrite(stamp);
            }
        }
        slabs.close();
    }

    private KvStripe stripe(long hash) {
        return stripes[(int) (hash >>> 58)];
    }

    /** @return the live item of this key, unlinking it first if it has expired or been flushed */
    private Item live(KvStripe s, long hash, ByteBuf key, int offset, int length) {
        Item it = s.find(hash, key, offset, length);
        if (it == null) {
            return null;
        }
        long now = now();
        long flush = flushLive;
        boolean dead = (it.expiresAt != 0 && it.expiresAt <= now)
                || (flush != 0 && flush <= now && (it.storedAt <= flush || it.cas < flushCas));
        if (dead) {
            usedBytes.addAndGet(-s.unlink(it));
            return null;
        }
        return it;
    }

    /**
     * Creates an item holding {@code first} then {@code second} (either may be empty) and links it in place of
     * {@code old} (or new), evicting as needed to stay within the limit.
     */
    private int put(KvStripe s, long hash, Item old, ByteBuf key, int keyOffset, int keyLength,
                    ByteBuf first, int firstOffset, int firstLength, ByteBuf second, int secondOffset,
                    int secondLength, int flags, long expiresAt, Outcome outcome) {
        int valueLength = firstLength + secondLength;
        long charge = charge(keyLength, valueLength, flags);
        if (charge > itemMaxBytes) {
            return TOO_LARGE;
        }
        // Only an append or prepend passes item memory (the old item's page) as a source.
        if (old != null && first != old.data && second != old.data) {
            // The new value does not need the old one: give its memory back before making room (memcached's set
            // drops the old value even when the new one cannot be stored).
            usedBytes.addAndGet(-s.unlink(old));
            old = null;
        }
        if (!reserve(s, old, (int) charge)) {
            return NO_MEMORY;
        }
        int size = keyLength + valueLength + 2;
        long chunk = slabs.allocate(size);
        ByteBuf data = slabs.page(chunk);
        int at = Slabs.offset(chunk);
        Ascii.copy(key, keyOffset, data, at, keyLength);
        Ascii.copy(first, firstOffset, data, at + keyLength, firstLength);
        if (secondLength > 0) {
            Ascii.copy(second, secondOffset, data, at + keyLength + firstLength, secondLength);
        }
        data.setShort(at + size - 2, '\r' << 8 | '\n');
        if (old != null) {
            usedBytes.addAndGet(-s.unlink(old));
        }
        Item it = s.newItem();
        it.data = data;
        it.offset = at;
        it.chunk = chunk;
        it.keyLength = keyLength;
        it.valueLength = valueLength;
        it.flags = flags;
        it.cas = casCounter.incrementAndGet();
        it.expiresAt = expiresAt;
        it.storedAt = now();
        it.accessedAt = it.storedAt;
        it.fetched = false;
        it.stale = false;
        it.tokenSent = false;
        it.hash = hash;
        it.charge = (int) charge;
        s.link(it);
        outcome.cas = it.cas;
        return STORED;
    }

    /** Charges {@code bytes} to the budget, evicting LRU items (never {@code keep}) until they fit. */
    private boolean reserve(KvStripe own, Item keep, int bytes) {
        long used = usedBytes.addAndGet(bytes);
        while (used > limitBytes) {
            int freed = own.evictOne(keep);
            if (freed == 0) {
                freed = evictElsewhere(own);
            }
            if (freed == 0) {
                usedBytes.addAndGet(-bytes);
                return false;
            }
            used = usedBytes.addAndGet(-freed);
        }
        return true;
    }

    /** Evicts one item from another stripe whose lock is free (waiting could deadlock with its holder). */
    private int evictElsewhere(KvStripe own) {
        for (KvStripe s : stripes) {
            if (s == own) {
                continue;
            }
            long stamp = s.lock.tryWriteLock();
            if (stamp == 0) {
                continue;
            }
            try {
                int freed = s.evictOne(null);
                if (freed > 0) {
                    return freed;
                }
            } finally {
                s.lock.unlockWrite(stamp);
            }
        }
        return 0;
    }

    /** memcached's item size: header, key and its NUL, flags when not 0, value and its CRLF. */
    private static long charge(int keyLength, int valueLength, int flags) {
        return (long) ITEM_HEADER + keyLength + 1 + (flags != 0 ? 4 : 0) + valueLength + 2;
    }
}
