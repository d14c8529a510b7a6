package dev.ix.transport.uring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static dev.ix.transport.uring.Uring.SQE_ADDR;
import static dev.ix.transport.uring.Uring.SQE_ADDR3;
import static dev.ix.transport.uring.Uring.SQE_BUF_GROUP;
import static dev.ix.transport.uring.Uring.SQE_FD;
import static dev.ix.transport.uring.Uring.SQE_FILE_INDEX;
import static dev.ix.transport.uring.Uring.SQE_FLAGS;
import static dev.ix.transport.uring.Uring.SQE_IOPRIO;
import static dev.ix.transport.uring.Uring.SQE_LEN;
import static dev.ix.transport.uring.Uring.SQE_OFF;
import static dev.ix.transport.uring.Uring.SQE_OPCODE;
import static dev.ix.transport.uring.Uring.SQE_OP_FLAGS;
import static dev.ix.transport.uring.Uring.SQE_PERSONALITY;
import static dev.ix.transport.uring.Uring.SQE_SIZE;
import static dev.ix.transport.uring.Uring.SQE_USER_DATA;

/**
 * The submission side of a ring: SQEs are written straight into the mmapped array and become visible to the kernel
 * when {@link #submit} publishes the tail and calls {@code io_uring_enter} once for all of them.
 *
 * <p>Single-threaded: only the ring's owner thread may call any method. The tail is kept locally and published
 * with release semantics ({@code tail} store) only inside {@link Ring#enter}, so writing an SQE costs plain stores.
 * The SQ index array (when the kernel has one) is filled once with the identity mapping, as liburing does.
 */
public final class SubmissionQueue {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final Ring ring;
    private final MemorySegment ringMemory;
    private final MemorySegment sqes;
    private final long headOffset;
    private final long tailOffset;
    private final long flagsOffset;
    private final long droppedOffset;
    private final int mask;
    private final int entries;

    private final SqeBacklog backlog = new SqeBacklog();
    /** SQEs of a {@link #reserve reserved} group that go to the backlog, since the group did not fit whole. */
    private int backlogNext;
    private int tail;
    private int publishedTail;
    private int cachedHead;
    private long submitCalls;

    SubmissionQueue(Ring ring, MemorySegment ringMemory, MemorySegment sqes, MemorySegment params) {
        this.ring = ring;
        this.ringMemory = ringMemory;
        this.sqes = sqes;
        long off = Uring.PARAMS_SQ_OFF;
        headOffset = params.get(ValueLayout.JAVA_INT, off + Uring.SQ_OFF_HEAD);
        tailOffset = params.get(ValueLayout.JAVA_INT, off + Uring.SQ_OFF_TAIL);
        flagsOffset = params.get(ValueLayout.JAVA_INT, off + Uring.SQ_OFF_FLAGS);
        droppedOffset = params.get(ValueLayout.JAVA_INT, off + Uring.SQ_OFF_DROPPED);
        mask = ringMemory.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, off + Uring.SQ_OFF_RING_MASK));
        entries = ringMemory.get(ValueLayout.JAVA_INT,
                params.get(ValueLayout.JAVA_INT, off + Uring.SQ_OFF_RING_ENTRIES));
        long arrayOffset = Integer.toUnsignedLong(params.get(ValueLayout.JAVA_INT, off + Uring.SQ_OFF_ARRAY));
        for (int i = 0; i < entries; i++) {
            ringMemory.set(ValueLayout.JAVA_INT, arrayOffset + 4L * i, i);
        }
        tail = (int) INT.getAcquire(ringMemory, tailOffset);
        publishedTail = tail;
        cachedHead = (int) INT.getAcquire(ringMemory, headOffset);
    }

    /**
     * Writes one SQE. When the queue is full, first submits what is queued (one {@code io_uring_enter} without
     * waiting); when the kernel takes nothing (it pushes back with {@code EBUSY} while its CQ overflows), the SQE
     * waits in the {@linkplain SqeBacklog backlog} and enters the queue, in order, at the next {@link #publish}. So
     * a caller never sees "full" and an SQE is never lost.
     *
     * @return the {@code user_data} written
     */
    public long enqueue(byte opcode, byte flags, short ioprio, int fd, long off, long addr, int len, int opFlags,
                        long userData, short bufGroup) {
        return enqueue(opcode, flags, ioprio, fd, off, addr, len, opFlags, userData, bufGroup, 0);
    }

    /**
     * {@link #enqueue(byte, byte, short, int, long, long, int, int, long, short)} with the SQE's
     * {@code splice_fd_in} (the source of an {@code IORING_OP_SPLICE}).
     */
    public long enqueue(byte opcode, byte flags, short ioprio, int fd, long off, long addr, int len, int opFlags,
                        long userData, short bufGroup, int spliceFdIn) {
        if (backlogNext > 0 || !backlog.isEmpty() || !hasRoom()) {
            if (backlogNext > 0) {
                backlogNext--;
            }
            backlog.add(opcode, flags, ioprio, fd, off, addr, len, opFlags, userData, bufGroup, spliceFdIn);
            return userData;
        }
        write(opcode, flags, ioprio, fd, off, addr, len, opFlags, userData, bufGroup, spliceFdIn);
        return userData;
    }

    /**
     * @return whether one more SQE fits, after submitting early once if the queue was full. An early submission
     *         that fails leaves the SQEs queued: the loop's next {@code io_uring_enter} submits them or reports why
     */
    private boolean hasRoom() {
        if (tail - cachedHead == entries) {
            cachedHead = (int) INT.getAcquire(ringMemory, headOffset);
            if (tail - cachedHead == entries) {
                try {
                    ring.submitNow();
                } catch (NativeIoException e) {
                    return false;
                }
                cachedHead = (int) INT.getAcquire(ringMemory, headOffset);
                return tail - cachedHead != entries;
            }
        }
        return true;
    }

    /** Moves backlogged SQEs into the queue while it has room. */
    private void drainBacklog() {
        cachedHead = (int) INT.getAcquire(ringMemory, headOffset);
        SqeBacklog b = backlog;
        while (!b.isEmpty()) {
            int group = Math.min(b.firstGroupSize(), entries);
            if (entries - (tail - cachedHead) < group) {
                break; // a linked group enters whole or waits: the kernel links only within one submission
            }
            for (int i = 0; i < group; i++) {
                b.moveFirstTo(this);
            }
        }
    }

    /**
     * Announces that the next {@code n} SQEs form a linked group ({@code IOSQE_IO_LINK} on all but the last), so that
     * no early submission splits them: the kernel links only SQEs it takes in the same submission. When they do not
     * all fit now, even after an early submission, they wait together in the backlog.
     */
    public void reserve(int n) {
        if (!backlog.isEmpty() || entries - (tail - cachedHead) >= n) {
            return;
        }
        cachedHead = (int) INT.getAcquire(ringMemory, headOffset);
        if (entries - (tail - cachedHead) >= n) {
            return;
        }
        try {
            ring.submitNow();
        } catch (NativeIoException e) {
            // the SQEs stay queued; the group goes to the backlog below
        }
        cachedHead = (int) INT.getAcquire(ringMemory, headOffset);
        if (entries - (tail - cachedHead) < n) {
            backlogNext = n;
        }
    }

    void write(byte opcode, byte flags, short ioprio, int fd, long off, long addr, int len, int opFlags,
               long userData, short bufGroup, int spliceFdIn) {
        long sqe = (long) (tail & mask) * SQE_SIZE;
        MemorySegment s = sqes;
        s.set(ValueLayout.JAVA_BYTE, sqe + SQE_OPCODE, opcode);
        s.set(ValueLayout.JAVA_BYTE, sqe + SQE_FLAGS, flags);
        s.set(ValueLayout.JAVA_SHORT, sqe + SQE_IOPRIO, ioprio);
        s.set(ValueLayout.JAVA_INT, sqe + SQE_FD, fd);
        s.set(ValueLayout.JAVA_LONG, sqe + SQE_OFF, off);
        s.set(ValueLayout.JAVA_LONG, sqe + SQE_ADDR, addr);
        s.set(ValueLayout.JAVA_INT, sqe + SQE_LEN, len);
        s.set(ValueLayout.JAVA_INT, sqe + SQE_OP_FLAGS, opFlags);
        s.set(ValueLayout.JAVA_LONG, sqe + SQE_USER_DATA, userData);
        s.set(ValueLayout.JAVA_SHORT, sqe + SQE_BUF_GROUP, bufGroup);
        s.set(ValueLayout.JAVA_SHORT, sqe + SQE_PERSONALITY, (short) 0);
        s.set(ValueLayout.JAVA_INT, sqe + SQE_FILE_INDEX, spliceFdIn);
        s.set(ValueLayout.JAVA_LONG, sqe + SQE_ADDR3, 0L);
        s.set(ValueLayout.JAVA_LONG, sqe + SQE_ADDR3 + 8, 0L);
        tail++;
    }

    /**
     * @return SQEs written but not yet consumed by the kernel (including any an earlier enter left behind, and those
     *         waiting in the backlog)
     */
    public int pending() {
        return tail - (int) INT.getAcquire(ringMemory, headOffset) + backlog.size();
    }

    /** @return SQEs that found the queue full and the kernel pushing back, and waited in the backlog */
    public long backlogged() {
        return backlog.total();
    }

    /**
     * @return true when the kernel has consumed every SQE written so far, so memory they pointed at only until
     *         submission (iovecs, msghdrs, socket addresses) may be reused
     */
    public boolean allConsumed() {
        return pending() == 0;
    }

    /** @return the number of SQ entries */
    public int capacity() {
        return entries;
    }

    /**
     * Publishes the local tail to the kernel. Owner thread only.
     *
     * @return how many SQEs the kernel has yet to consume: the {@code to_submit} of the next {@code io_uring_enter},
     *         which also covers SQEs an earlier call left unconsumed (e.g. it failed with {@code EBUSY})
     */
    int publish() {
        if (!backlog.isEmpty()) {
            drainBacklog();
        }
        if (tail != publishedTail) {
            INT.setRelease(ringMemory, tailOffset, tail);
            publishedTail = tail;
        }
        return tail - (int) INT.getAcquire(ringMemory, headOffset);
    }

    void countSubmit() {
        submitCalls++;
    }

    /** @return SQ ring flags ({@link Uring#IORING_SQ_CQ_OVERFLOW}, ...) */
    public int flags() {
        return (int) INT.getAcquire(ringMemory, flagsOffset);
    }

    /** @return SQEs the kernel dropped as invalid */
    public int dropped() {
        return (int) INT.getAcquire(ringMemory, droppedOffset);
    }

    /** @return how often {@code io_uring_enter} had to be called early because the SQ was full */
    public long earlySubmits() {
        return submitCalls;
    }
}
