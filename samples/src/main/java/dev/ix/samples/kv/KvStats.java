package dev.ix.samples.kv;

import dev.ix.samples.AllocationCounter;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@code stats} reports: the store's figures, the connections and the per-loop {@link KvCounters}, summed when
 * asked. The names are memcached's, for the fields that apply to kv.
 */
final class KvStats {
    static final String VERSION = "1.6.18-kv";
    /** Bytes {@link #render} writes at most (about 40 lines of at most 50 bytes). */
    static final int MAX_RENDERED = 4096;

    private final KvStore store;
    private final int threads;
    private final long startedAt;
    private final List<KvCounters> loops = new CopyOnWriteArrayList<>();
    private final FastThreadLocal<KvCounters> perLoop = new FastThreadLocal<>() {
        @Override
        protected KvCounters initialValue() {
            return newCounters();
        }
    };
    final AtomicLong currentConnections = new AtomicLong();
    final AtomicLong totalConnections = new AtomicLong();

    KvStats(KvStore store, int threads) {
        this.store = store;
        this.threads = threads;
        // As memcached: started two seconds early, so that uptime is never 0.
        this.startedAt = store.now() - 2;
    }

    /** The counters of the calling loop thread (created at its first connection). */
    KvCounters countersOfThisLoop() {
        return perLoop.get();
    }

    private KvCounters newCounters() {
        KvCounters c = new KvCounters();
        loops.add(c);
        return c;
    }

    /** Appends the {@code STAT name value} lines and {@code END}. */
    void render(ByteBuf out) {
        long now = store.now();
        long cmdGet = 0;
        long cmdSet = 0;
        long cmdFlush = 0;
        long cmdTouch = 0;
        long getHits = 0;
        long getMisses = 0;
        long deleteHits = 0;
        long deleteMisses = 0;
        long incrHits = 0;
        long incrMisses = 0;
        long decrHits = 0;
        long decrMisses = 0;
        long casHits = 0;
        long casMisses = 0;
        long casBadval = 0;
        long touchHits = 0;
        long touchMisses = 0;
        for (KvCounters c : loops) {
            cmdGet += c.cmdGet;
            cmdSet += c.cmdSet;
            cmdFlush += c.cmdFlush;
            cmdTouch += c.cmdTouch;
            getHits += c.getHits;
            getMisses += c.getMisses;
            deleteHits += c.deleteHits;
            deleteMisses += c.deleteMisses;
            incrHits += c.incrHits;
            incrMisses += c.incrMisses;
            decrHits += c.decrHits;
            decrMisses += c.decrMisses;
            casHits += c.casHits;
            casMisses += c.casMisses;
            casBadval += c.casBadval;
            touchHits += c.touchHits;
            touchMisses += c.touchMisses;
        }
        stat(out, "pid", ProcessHandle.current().pid());
        stat(out, "uptime", now - startedAt);
        stat(out, "time", now);
        statText(out, "version", VERSION);
        stat(out, "pointer_size", 64);
        stat(out, "curr_connections", currentConnections.get());
        stat(out, "total_connections", totalConnections.get());
        stat(out, "cmd_get", cmdGet);
        stat(out, "cmd_set", cmdSet);
        stat(out, "cmd_flush", cmdFlush);
        stat(out, "cmd_touch", cmdTouch);
        stat(out, "get_hits", getHits);
        stat(out, "get_misses", getMisses);
        stat(out, "delete_misses", deleteMisses);
        stat(out, "delete_hits", deleteHits);
        stat(out, "incr_misses", incrMisses);
        stat(out, "incr_hits", incrHits);
        stat(out, "decr_misses", decrMisses);
        stat(out, "decr_hits", decrHits);
        stat(out, "cas_misses", casMisses);
        stat(out, "cas_hits", casHits);
        stat(out, "cas_badval", casBadval);
        stat(out, "touch_hits", touchHits);
        stat(out, "touch_misses", touchMisses);
        stat(out, "threads", threads);
        stat(out, "limit_maxbytes", store.limitBytes());
        stat(out, "bytes", store.usedBytes());
        stat(out, "curr_items", store.currentItems());
        stat(out, "total_items", store.totalItems());
        stat(out, "evictions", store.evictions());
        // Not memcached's: heap bytes the JVM allocated so far (-1: not measurable), for allocation per request.
        long allocated = AllocationCounter.totalAllocatedBytes();
        statText(out, "jvm_allocated_bytes", Long.toString(allocated));
        out.writeBytes(TextProtocol.END);
    }

    private static void stat(ByteBuf out, String name, long value) {
        statText(out, name, null);
        Ascii.writeUnsigned(out, value);
        out.writeByte('\r').writeByte('\n');
    }

    private static void statText(ByteBuf out, String name, String text) {
        out.writeBytes(Ascii.bytes("STAT ")).writeBytes(Ascii.bytes(name)).writeByte(' ');
        if (text != null) {
            out.writeBytes(Ascii.bytes(text)).writeByte('\r').writeByte('\n');
        }
    }
}
