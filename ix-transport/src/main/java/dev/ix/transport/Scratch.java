package dev.ix.transport;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Native memory an SQE points at only until it is submitted: iovec arrays, {@code msghdr}s, socket addresses. The
 * kernel copies such data when it consumes the SQE ({@code IORING_FEAT_SUBMIT_STABLE}), so one bump-allocated
 * region per loop, reset after every {@code io_uring_enter}, replaces any per-write allocation. Loop thread only.
 */
final class Scratch implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory;
    private final long capacity;
    private long used;

    Scratch(long capacity) {
        this.capacity = capacity;
        this.memory = arena.allocate(capacity, 64);
    }

    /**
     * @return the offset in {@link #memory()} of {@code size} bytes aligned to 8, or -1 when the region is full
     *         until the next submit
     */
    long allocate(long size) {
        long start = (used + 7) & ~7L;
        if (start + size > capacity) {
            return -1;
        }
        used = start + size;
        return start;
    }

    /** @return the whole region; write at the offsets {@link #allocate} returned */
    MemorySegment memory() {
        return memory;
    }

    /** @return the native address of {@code offset} */
    long address(long offset) {
        return memory.address() + offset;
    }

    /** Everything handed out is forgotten; called right after the SQEs that referenced it were submitted. */
    void reset() {
        used = 0;
    }

    long capacity() {
        return capacity;
    }

    @Override
    public void close() {
        arena.close();
    }
}
