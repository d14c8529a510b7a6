package dev.ix.transport.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One io_uring instance: its fd, the mmapped SQ/CQ rings and SQE array, and the single {@code io_uring_enter}
 * through which a loop turn submits everything and, when idle, waits.
 *
 * <p>Created on any thread (typically with {@link Uring#IORING_SETUP_R_DISABLED}); afterwards every method MUST be
 * called from the owner thread, the one that called {@link #enable()} (the kernel enforces this for
 * {@link Uring#IORING_SETUP_SINGLE_ISSUER}).
 */
public final class Ring implements AutoCloseable {
    private final int fd;
    private final int setupFlags;
    private final int features;
    private final long sqRingAddress;
    private final long sqRingSize;
    private final long cqRingAddress;
    private final long cqRingSize;
    private final long sqesAddress;
    private final long sqesSize;
    private final SubmissionQueue sq;
    private final CompletionQueue cq;
    private final Arena arena;
    private final MemorySegment waitArg;
    private final MemorySegment waitTimespec;
    private long enterCalls;
    private boolean closed;

    private Ring(int fd, int setupFlags, MemorySegment params) throws NativeIoException {
        this.fd = fd;
        this.setupFlags = setupFlags;
        this.features = params.get(ValueLayout.JAVA_INT, Uring.PARAMS_FEATURES);
        int sqEntries = params.get(ValueLayout.JAVA_INT, Uring.PARAMS_SQ_ENTRIES);
        int cqEntries = params.get(ValueLayout.JAVA_INT, Uring.PARAMS_CQ_ENTRIES);
        long sqSize = Integer.toUnsignedLong(params.get(ValueLayout.JAVA_INT, Uring.PARAMS_SQ_OFF + Uring.SQ_OFF_ARRAY))
                + 4L * sqEntries;
        long cqSize = Integer.toUnsignedLong(params.get(ValueLayout.JAVA_INT, Uring.PARAMS_CQ_OFF + Uring.CQ_OFF_CQES))
                + (long) Uring.CQE_SIZE * cqEntries;
        boolean singleMmap = (features & Uring.IORING_FEAT_SINGLE_MMAP) != 0;
        if (singleMmap) {
            sqSize = Math.max(sqSize, cqSize);
            cqSize = sqSize;
        }
        long sqAddr = 0;
        long cqAddr = 0;
        long sqesAddr = 0;
        long sqesLen = (long) Uring.SQE_SIZE * sqEntries;
        try {
            sqAddr = map(fd, sqSize, Uring.IORING_OFF_SQ_RING, "SQ ring");
            cqAddr = singleMmap ? sqAddr : map(fd, cqSize, Uring.IORING_OFF_CQ_RING, "CQ ring");
            sqesAddr = map(fd, sqesLen, Uring.IORING_OFF_SQES, "SQE array");
        } catch (NativeIoException e) {
            unmap(sqAddr, sqSize);
            if (!singleMmap) {
                unmap(cqAddr, cqSize);
            }
            throw e;
        }
        sqRingAddress = sqAddr;
        sqRingSize = sqSize;
        cqRingAddress = cqAddr;
        cqRingSize = cqSize;
        sqesAddress = sqesAddr;
        sqesSize = sqesLen;
        MemorySegment sqMemory = MemorySegment.ofAddress(sqAddr).reinterpret(sqSize);
        MemorySegment cqMemory = MemorySegment.ofAddress(cqAddr).reinterpret(cqSize);
        sq = new SubmissionQueue(this, sqMemory, MemorySegment.ofAddress(sqesAddr).reinterpret(sqesLen), params);
        cq = new CompletionQueue(cqMemory, params);
        arena = Arena.ofShared();
        waitArg = arena.allocate(Uring.GETEVENTS_ARG_SIZE, 8);
        waitTimespec = arena.allocate(Uring.TIMESPEC_SIZE, 8);
        waitArg.set(ValueLayout.JAVA_LONG, Uring.GETEVENTS_ARG_TS, waitTimespec.address());
    }

    /**
     * Sets up a ring.
     *
     * @param sqEntries  submission queue size (rounded up to a power of two by the kernel)
     * @param cqEntries  completion queue size, or 0 for the kernel's default (twice {@code sqEntries})
     * @param setupFlags {@code IORING_SETUP_*} flags; {@link Uring#IORING_SETUP_CQSIZE} is added when
     *                   {@code cqEntries > 0}
     * @throws NativeIoException when {@code io_uring_setup} or a mapping fails
     */
    public static Ring open(int sqEntries, int cqEntries, int setupFlags) throws NativeIoException {
        int flags = setupFlags | (cqEntries > 0 ? Uring.IORING_SETUP_CQSIZE : 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(Uring.PARAMS_SIZE, 8);
            params.set(ValueLayout.JAVA_INT, Uring.PARAMS_FLAGS, flags);
            params.set(ValueLayout.JAVA_INT, Uring.PARAMS_CQ_ENTRIES, cqEntries);
            int fd = LibC.ioUringSetup(sqEntries, params);
            if (fd < 0) {
                throw new NativeIoException("io_uring_setup(entries=" + sqEntries + ", cq_entries=" + cqEntries
                        + ", flags=0x" + Integer.toHexString(flags) + ")", -fd);
            }
            try {
                return new Ring(fd, flags, params);
            } catch (NativeIoException | RuntimeException e) {
                LibC.close(fd);
                throw e;
            }
        }
    }

    private static long map(int fd, long size, long offset, String what) throws NativeIoException {
        long addr = LibC.mmap(0, size, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED | LibC.MAP_POPULATE, fd,
                offset);
        if (addr < 0) {
            throw new NativeIoException("mmap(" + what + ", " + size + " bytes)", (int) -addr);
        }
        return addr;
    }

    private static void unmap(long addr, long size) {
        if (addr != 0) {
            LibC.munmap(addr, size);
        }
    }

    /** Enables a ring set up with {@code R_DISABLED}; the calling thread becomes its single issuer. */
    public void enable() throws NativeIoException {
        int r = LibC.ioUringRegister(fd, Uring.IORING_REGISTER_ENABLE_RINGS, 0, 0);
        if (r < 0) {
            throw new NativeIoException("io_uring_register(IORING_REGISTER_ENABLE_RINGS)", -r);
        }
    }

    /**
     * The one system call of a loop turn: submits every queued SQE and reaps completions into the CQ
     * ({@code GETEVENTS}, which with {@code DEFER_TASKRUN} is also what runs the deferred completion work).
     *
     * @param wait         when true, blocks until at least one completion is posted or the timeout expires
     * @param timeoutNanos the longest wait in nanoseconds; {@code <= 0} or {@link Long#MAX_VALUE} waits without limit
     * @return the number of SQEs the kernel consumed
     * @throws NativeIoException when the call fails for another reason than an interrupt, a timeout or busy CQ
     */
    public int submitAndGet(boolean wait, long timeoutNanos) throws NativeIoException {
        int toSubmit = sq.publish();
        int flags = Uring.IORING_ENTER_GETEVENTS;
        long arg = 0;
        long argSize = 0;
        int minComplete = 0;
        if (wait) {
            minComplete = 1;
            if (timeoutNanos > 0 && timeoutNanos != Long.MAX_VALUE) {
                waitTimespec.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
                waitTimespec.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
                flags |= Uring.IORING_ENTER_EXT_ARG;
                arg = waitArg.address();
                argSize = Uring.GETEVENTS_ARG_SIZE;
            }
        }
        enterCalls++;
        int r = LibC.ioUringEnter(fd, toSubmit, minComplete, flags, arg, argSize);
        if (r < 0) {
            int errno = -r;
            if (errno == Errno.ETIME || errno == Errno.EINTR || errno == Errno.EBUSY || errno == Errno.EAGAIN) {
                return 0;
            }
            throw new NativeIoException("io_uring_enter(to_submit=" + toSubmit + ", min_complete=" + minComplete
                    + ")", errno);
        }
        return r;
    }

    /**
     * Submits queued SQEs without reaping or waiting, in the middle of a turn (the SQ or the scratch memory its SQEs
     * point at is full); counted in {@link SubmissionQueue#earlySubmits()}.
     */
    public void submitNow() throws NativeIoException {
        int toSubmit = sq.publish();
        sq.countSubmit();
        enterCalls++;
        int r = LibC.ioUringEnter(fd, toSubmit, 0, 0, 0, 0);
        if (r < 0 && -r != Errno.EBUSY && -r != Errno.EAGAIN && -r != Errno.EINTR) {
            throw new NativeIoException("io_uring_enter(to_submit=" + toSubmit + ")", -r);
        }
    }

    /** @return the ring's fd */
    public int fd() {
        return fd;
    }

    /** @return the {@code IORING_SETUP_*} flags it was set up with */
    public int setupFlags() {
        return setupFlags;
    }

    /** @return the {@code IORING_FEAT_*} flags the kernel reported */
    public int features() {
        return features;
    }

    public SubmissionQueue submissionQueue() {
        return sq;
    }

    public CompletionQueue completionQueue() {
        return cq;
    }

    /** @return how many times {@code io_uring_enter} was called on this ring */
    public long enterCalls() {
        return enterCalls;
    }

    /** Unmaps the rings and closes the fd, which makes the kernel cancel whatever is still in flight. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        unmap(sqesAddress, sqesSize);
        unmap(sqRingAddress, sqRingSize);
        if (cqRingAddress != sqRingAddress) {
            unmap(cqRingAddress, cqRingSize);
        }
        LibC.close(fd);
        arena.close();
    }
}
