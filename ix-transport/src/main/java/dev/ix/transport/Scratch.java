package dev.ix.transport;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Native memory an SQE points at only until it is submitted: iovec arrays, {@code msghdr}s, socket addresses. The
 * kernel copies such data when it consumes the SQE ({@code IORING_FEAT_SUBMIT_STABLE}), so one bump-allocated
 * region per loop, reset after every {@code io_uring_enter}, replaces any per-write allocation. Loop thread only.
 */
final class Scratch implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment primary;
    private final long capacity;
    /** Regions taken while the kernel held back SQEs that point into the earlier ones; freed by {@link #reset}. */
    private final List<Arena> extra = new ArrayList<>();
    private MemorySegment memory;
    private long used;

    Scratch(long capacity) {
        this.capacity = capacity;
        this.primary = arena.allocate(capacity, 64);
        this.memory = primary;
    }

    /**
     * @return the offset in {@link #memory()} of {@code size} bytes aligned to 8, or -1 when the region is full
     *         until the next submit
     */
    long allocate(long size) {
        long start = (used + 7) & ~7L;
        if (start + size > memory.byteSize()) {
            return -1;
        }
        used = start + size;
        return start;
    }

    /**
     * Continues in a fresh region of at least {@code size} bytes, leaving the current one to the SQEs that still
     * point into it. Rare: only while the kernel refuses SQEs.
     *
     * @return the offset of the {@code size} bytes in the new {@link #memory()}
     */
    long allocateInNewRegion(long size) {
        Arena a = Arena.ofShared();
        extra.add(a);
        memory = a.allocate(Math.max(capacity, size), 64);
        used = size;
        return 0;
    }

    /** @return the region allocations come from now; write at the offsets {@link #allocate} returned */
    MemorySegment memory() {
        return memory;
    }

    /** @return the native address of {@code offset} in {@link #memory()} */
    long address(long offset) {
        return memory.address() + offset;
    }

    /** Everything handed out is forgotten; called once every SQE that referenced it was submitted. */
    void reset() {
        used = 0;
        if (!extra.isEmpty()) {
            memory = primary;
            for (Arena a : extra) {
                a.close();
            }
            extra.clear();
        }
    }

    @Override
    public void close() {
        reset();
        arena.close();
    }
}
