package dev.ix.bench.jmh;

import dev.ix.transport.mbuf.MbufPool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * An {@link MbufPool} attached to the calling thread, with the kernel played by a {@link SlotFifo}: {@link #receive()}
 * takes the oldest free slot and calls {@link MbufPool#received(int, int)} on it, as the loop does for a receive
 * completion.
 *
 * <p>Every slot is filled with the same payload once, at creation: the copy into the slot is the kernel's work and
 * not part of what the benchmarks measure, while readers still see realistic bytes. Owner thread only, except
 * {@link #close()} once the owner has stopped.
 */
final class ReceivePath implements AutoCloseable {
    private final MbufPool pool;
    private final SlotFifo free;
    private final int length;

    private ReceivePath(MbufPool pool, SlotFifo free, int length) {
        this.pool = pool;
        this.free = free;
        this.length = length;
    }

    /**
     * Maps a pool, fills each slot with {@code payload} and attaches the pool to the calling thread.
     *
     * @param slotSize  bytes per slot: a power of two in
     *                  {@value MbufPool#MIN_SLOT_SIZE}..{@value MbufPool#MAX_SLOT_SIZE}
     * @param slotCount slots, a power of two
     * @param payload   what every receive delivers; at most {@code slotSize} bytes
     */
    static ReceivePath open(int slotSize, int slotCount, byte[] payload) {
        if (payload.length > slotSize) {
            throw new IllegalArgumentException("payload: " + payload.length + " B (expected: <= " + slotSize + ')');
        }
        // The views' alloc() is only used by copy(), which no benchmark calls.
        MbufPool pool = MbufPool.create(slotSize, slotCount, UnpooledByteBufAllocator.DEFAULT);
        MemorySegment arena = pool.arena();
        for (int i = 0; i < slotCount; i++) {
            MemorySegment.copy(payload, 0, arena, JAVA_BYTE, (long) i * slotSize, payload.length);
        }
        SlotFifo free = SlotFifo.full(slotCount);
        pool.attach(Thread.currentThread(), free);
        return new ReceivePath(pool, free, payload.length);
    }

    /**
     * One receive: the oldest free slot as a view of the payload, reference count 1. When no slot is free it first
     * takes back the slots released on other threads, as a loop turn does before it re-arms its receives.
     *
     * @return the view, owned by the caller; {@code null} when every slot is still held
     */
    ByteBuf receive() {
        int slot = free.poll();
        if (slot < 0) {
            pool.drainForeignReleases();
            slot = free.poll();
            if (slot < 0) {
                return null;
            }
        }
        return pool.received(slot, length);
    }

    /** Takes back slots released on other threads. Owner thread only. */
    int drainForeignReleases() {
        return pool.drainForeignReleases();
    }

    /** @return the pool, for assertions */
    MbufPool pool() {
        return pool;
    }

    /** @return slots free for the next receive (released on another thread and not yet drained do not count) */
    int freeSlots() {
        return free.size();
    }

    /** @return bytes each receive delivers */
    int length() {
        return length;
    }

    /**
     * Closes the pool.
     *
     * @throws IllegalStateException when slots are still held: a benchmark leaked a view
     */
    @Override
    public void close() {
        int held = pool.close();
        if (held != 0) {
            throw new IllegalStateException(held + " receive buffer(s) still held when the pool was closed");
        }
    }
}
