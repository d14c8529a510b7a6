package dev.ix.transport.mbuf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A pool attached to the test thread, with a recycler that records each slot it gets and the thread it got it on,
 * and helpers that play the kernel (write bytes into a slot, then call {@link MbufPool#received}).
 */
final class MbufFixture implements SlotRecycler, AutoCloseable {
    final MbufPool pool;
    final List<Integer> recycled = new CopyOnWriteArrayList<>();
    final List<Thread> recycledOn = new CopyOnWriteArrayList<>();

    MbufFixture(int slotSize, int slotCount) {
        this(slotSize, slotCount, ByteBufAllocator.DEFAULT);
    }

    MbufFixture(int slotSize, int slotCount, ByteBufAllocator alloc) {
        pool = MbufPool.create(slotSize, slotCount, alloc);
        pool.attach(Thread.currentThread(), this);
    }

    @Override
    public void recycle(int slotId) {
        recycled.add(slotId);
        recycledOn.add(Thread.currentThread());
    }

    /** Writes {@code bytes} at the start of slot {@code slotId}, as the kernel would, and wraps them. */
    ByteBuf receive(int slotId, byte[] bytes) {
        MemorySegment.copy(bytes, 0, pool.arena(), JAVA_BYTE, (long) slotId * pool.slotSize(), bytes.length);
        return pool.received(slotId, bytes.length);
    }

    ByteBuf receive(int slotId, String ascii) {
        return receive(slotId, ascii.getBytes(StandardCharsets.US_ASCII));
    }

    /** Closes the pool; a test that meant to leak has already checked and released what it held. */
    @Override
    public void close() {
        pool.close();
    }
}
