package dev.ix.bench.jmh;

import dev.ix.transport.mbuf.SlotRecycler;

/**
 * The free slots of an {@link dev.ix.transport.mbuf.MbufPool}, first in first out: a stand-in for the kernel's
 * provided-buffer ring, which also hands slots out in the order they were given back. Owner thread only.
 *
 * <p>Plain {@code int} indices into an {@code int[]}: recycling and taking a slot allocate nothing, so the
 * benchmarks measure the pool and not their own bookkeeping.
 */
final class SlotFifo implements SlotRecycler {
    private final int[] slots;
    private final int mask;
    private int head;
    private int tail;

    /** @param capacity a power of two, at least the pool's slot count */
    SlotFifo(int capacity) {
        if (capacity < 1 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: a power of two)");
        }
        slots = new int[capacity];
        mask = capacity - 1;
    }

    /** @return a FIFO holding slots {@code 0..count-1}, as the transport posts every slot to the kernel at first */
    static SlotFifo full(int count) {
        SlotFifo fifo = new SlotFifo(count);
        for (int i = 0; i < count; i++) {
            fifo.recycle(i);
        }
        return fifo;
    }

    @Override
    public void recycle(int slotId) {
        if (tail - head == slots.length) {
            // The pool recycles each slot once per receive, so this means a slot came back twice.
            throw new IllegalStateException("slot " + slotId + " recycled into a full FIFO of " + slots.length);
        }
        slots[tail++ & mask] = slotId;
    }

    /** @return the oldest free slot, or -1 when none is free */
    int poll() {
        return head == tail ? -1 : slots[head++ & mask];
    }

    /** @return free slots */
    int size() {
        return tail - head;
    }
}
