package dev.ix.transport.uring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static dev.ix.transport.uring.Uring.CQE_FLAGS;
import static dev.ix.transport.uring.Uring.CQE_RES;
import static dev.ix.transport.uring.Uring.CQE_SIZE;
import static dev.ix.transport.uring.Uring.CQE_USER_DATA;

/**
 * The completion side of a ring. Reaping is plain reads of the mmapped CQE array between one acquire load of the
 * kernel's tail and one release store of our head, so a batch of any size costs two ordered memory accesses.
 *
 * <p>Single-threaded: only the ring's owner thread may call any method.
 */
public final class CompletionQueue {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /** Receives each reaped completion. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @param userData what the SQE carried
         * @param res      the result: a count or {@code -errno}
         * @param flags    CQE flags ({@link Uring#IORING_CQE_F_MORE}, buffer id in the upper 16 bits, ...)
         */
        void complete(long userData, int res, int flags);
    }

    private final MemorySegment ringMemory;
    private final long headOffset;
    private final long tailOffset;
    private final long overflowOffset;
    private final long cqesOffset;
    private final int mask;
    private final int entries;
    private int head;

    CompletionQueue(MemorySegment ringMemory, MemorySegment params) {
        this.ringMemory = ringMemory;
        long off = Uring.PARAMS_CQ_OFF;
        headOffset = params.get(ValueLayout.JAVA_INT, off + Uring.CQ_OFF_HEAD);
        tailOffset = params.get(ValueLayout.JAVA_INT, off + Uring.CQ_OFF_TAIL);
        overflowOffset = params.get(ValueLayout.JAVA_INT, off + Uring.CQ_OFF_OVERFLOW);
        cqesOffset = Integer.toUnsignedLong(params.get(ValueLayout.JAVA_INT, off + Uring.CQ_OFF_CQES));
        mask = ringMemory.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, off + Uring.CQ_OFF_RING_MASK));
        entries = ringMemory.get(ValueLayout.JAVA_INT,
                params.get(ValueLayout.JAVA_INT, off + Uring.CQ_OFF_RING_ENTRIES));
        head = (int) INT.getAcquire(ringMemory, headOffset);
    }

    /** @return completions posted by the kernel and not yet reaped */
    public int ready() {
        return (int) INT.getAcquire(ringMemory, tailOffset) - head;
    }

    /**
     * Hands at most {@code limit} completions to {@code handler}, in the order the kernel posted them, then frees
     * their slots with one head store.
     *
     * @return how many were handled
     */
    public int reap(Handler handler, int limit) {
        final MemorySegment memory = ringMemory;
        final int start = head;
        final int available = (int) INT.getAcquire(memory, tailOffset) - start;
        final int n = Math.min(available, limit);
        int i = 0;
        try {
            for (; i < n; i++) {
                long cqe = cqesOffset + (long) ((start + i) & mask) * CQE_SIZE;
                long userData = memory.get(ValueLayout.JAVA_LONG, cqe + CQE_USER_DATA);
                int res = memory.get(ValueLayout.JAVA_INT, cqe + CQE_RES);
                int flags = memory.get(ValueLayout.JAVA_INT, cqe + CQE_FLAGS);
                // Advance before dispatching so a handler that throws does not see this CQE again.
                head = start + i + 1;
                handler.complete(userData, res, flags);
            }
        } finally {
            INT.setRelease(memory, headOffset, head);
        }
        return n;
    }

    /** @return the number of CQ entries */
    public int capacity() {
        return entries;
    }

    /** @return completions the kernel could not post because the CQ was full (only without NODROP) */
    public int overflow() {
        return (int) INT.getAcquire(ringMemory, overflowOffset);
    }
}
