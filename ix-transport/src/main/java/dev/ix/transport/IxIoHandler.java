package dev.ix.transport;

import dev.ix.transport.mbuf.MbufPool;
import dev.ix.transport.uring.BufferRing;
import dev.ix.transport.uring.CompletionQueue;
import dev.ix.transport.uring.Errno;
import dev.ix.transport.uring.LibC;
import dev.ix.transport.uring.NativeIoException;
import dev.ix.transport.uring.Ring;
import dev.ix.transport.uring.SubmissionQueue;
import dev.ix.transport.uring.Uring;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * An IX dataplane as a Netty {@link IoHandler}: one io_uring, one receive {@link MbufPool} and one loop thread that
 * runs each request to completion.
 *
 * <p>Use it through {@link #newFactory()} with {@link io.netty.channel.MultiThreadIoEventLoopGroup} and the
 * {@link IxServerSocketChannel} / {@link IxSocketChannel} channel classes:
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, IxIoHandler.newFactory());
 * new ServerBootstrap().group(group).channel(IxServerSocketChannel.class)...
 * }</pre>
 *
 * <p>One turn ({@link #run}): return released mbufs to the kernel, one {@code io_uring_enter} that submits every SQE
 * queued since the last turn and collects completions (blocking only when nothing is pending and the loop has no
 * task), then dispatch at most {@link IxIoHandlerConfig#batchLimit()} completions, each straight into its channel's
 * pipeline. Responses written by handlers become SQEs that the next turn's single system call submits.
 *
 * <p>Threading: as Netty's SPI requires, everything but {@link #wakeup()} and {@link #isCompatible} runs on the loop
 * thread.
 */
public final class IxIoHandler implements IoHandler {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(IxIoHandler.class);
    private static final VarHandle WAKEUP_PENDING;
    private static final VarHandle WAKEUP_WRITERS;
    private static final int WAKEUP_ID = -1;
    /** {@link #wakeupPending} values: no write outstanding, one outstanding, eventfd closed for good. */
    private static final int WAKEUP_IDLE = 0;
    private static final int WAKEUP_WRITTEN = 1;
    private static final int WAKEUP_CLOSED = 2;
    private static final int CANCEL_ID = -2;
    /** The longest wait in {@code io_uring_enter} while a receive waits for mbufs: 1 ms. */
    private static final long STARVED_POLL_NANOS = 1_000_000L;
    /** Channels closed at shutdown between two submit-and-reap rounds. */
    private static final int SHUTDOWN_CLOSE_CHUNK = 64;
    private static final short BUFFER_GROUP = 0;
    /** Numbers the groups, so the loops of two groups get different thread names. */
    private static final AtomicInteger GROUPS = new AtomicInteger();
    /** Per group (the loops' parent): its number and the next loop index. Weak: a group may be dropped. */
    private static final Map<Object, int[]> LOOP_NUMBERS = new WeakHashMap<>();
    /**
     * How every ix ring is set up, the loops' and the availability probe's alike: one thread submits, completions are
     * posted only when it enters the kernel ({@code DEFER_TASKRUN}), the ring starts disabled so the loop thread
     * enables it, and one bad SQE does not stop the submission of the others.
     */
    static final int RING_SETUP_FLAGS = Uring.IORING_SETUP_SINGLE_ISSUER | Uring.IORING_SETUP_DEFER_TASKRUN
            | Uring.IORING_SETUP_R_DISABLED | Uring.IORING_SETUP_SUBMIT_ALL;

    static {
        try {
            WAKEUP_PENDING = MethodHandles.lookup().findVarHandle(IxIoHandler.class, "wakeupPending", int.class);
            WAKEUP_WRITERS = MethodHandles.lookup().findVarHandle(IxIoHandler.class, "wakeupWriters", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ThreadAwareExecutor executor;
    private final IxIoHandlerConfig config;
    private final Ring ring;
    private final SubmissionQueue sq;
    private final CompletionQueue cq;
    private final MbufPool pool;
    private final int eventFd;
    private final Arena arena;
    private final MemorySegment eventFdReadBuffer;
    private final MemorySegment eventFdWriteValue;
    private final IxIoEvent event = new IxIoEvent();
    private final IxLoop loop;
    private final LoopActivity activity;
    private final LoopCounters counters;
    private final IxTimerWheel timerWheel;
    private final String threadName;
    /** Replaced, never changed, by {@link #addTurnObserver}; read once per turn. */
    private volatile IntConsumer[] turnObservers = new IntConsumer[0];
    private BufferRing bufferRing;

    private IxIoRegistration[] registrations = new IxIoRegistration[64];
    private int[] freeIds = new int[64];
    private int freeCount;
    private int nextId;
    private int liveRegistrations;

    private final List<Runnable> bufferWaiters = new ArrayList<>();
    /**
     * mbufs published to the buffer ring whose selection no reaped completion has reported yet: an upper bound on
     * what the kernel can still select (completions not yet reaped may have taken some).
     */
    private int buffersInKernel;
    private final ArrayList<IxIoHandle> batchEnd = new ArrayList<>();
    /** Run at the start of the next turn, after the tasks, before {@code io_uring_enter}. */
    private final ArrayList<Runnable> beforeEnter = new ArrayList<>();
    /** Dispatches each reaped completion; private, so the CQ's callback is not part of this class's API. */
    private final CompletionQueue.Handler dispatcher = this::complete;
    private final Scratch scratch = new Scratch(256 * 1024);
    private boolean eventFdReadArmed;
    /** Inside {@code cq.reap}: completions are being dispatched. */
    private boolean dispatching;
    private boolean destroyed;
    @SuppressWarnings("unused")
    private volatile int wakeupPending;
    /** Threads inside the eventfd write; destroy waits for them before closing the fd. */
    @SuppressWarnings("unused")
    private volatile int wakeupWriters;

    private IxIoHandler(ThreadAwareExecutor executor, IxIoHandlerConfig config, int group, int index) {
        IxTransport.ensureAvailability();
        this.executor = executor;
        this.config = config;
        int cpu = config.cpuOf(index);
        String prefix = config.threadNamePrefix();
        threadName = (prefix == null ? "ix-loop-" + group : prefix) + "-" + index + (cpu < 0 ? "" : "@cpu" + cpu);
        Ring r = null;
        int efd = -1;
        MbufPool p = null;
        try {
            r = Ring.open(config.ringEntries(), config.cqEntries(), RING_SETUP_FLAGS);
            efd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
            if (efd < 0) {
                throw new NativeIoException("eventfd", -efd);
            }
            p = MbufPool.create(config.mbufSize(), config.mbufCount(), ByteBufAllocator.DEFAULT);
        } catch (NativeIoException | RuntimeException e) {
            if (r != null) {
                r.close();
            }
            if (efd >= 0) {
                LibC.close(efd);
            }
            throw new IllegalStateException("cannot create an ix event loop: " + e.getMessage(), e);
        }
        ring = r;
        sq = r.submissionQueue();
        cq = r.completionQueue();
        eventFd = efd;
        pool = p;
        arena = Arena.ofShared();
        eventFdReadBuffer = arena.allocate(8, 8);
        eventFdWriteValue = arena.allocate(8, 8);
        eventFdWriteValue.set(ValueLayout.JAVA_LONG, 0, 1L);
        timerWheel = IxTimerWheel.withDefaults(System.nanoTime());
        loop = new IxLoop(this, executor instanceof EventExecutor e ? e : null, index,
                cpu < 0 ? new int[0] : new int[] {cpu}, config.stallBudgetNanos());
        activity = loop.activity;
        counters = loop.counters;
    }

    /** @return a factory of handlers with the {@linkplain IxIoHandlerConfig#defaults() default settings} */
    public static IoHandlerFactory newFactory() {
        return newFactory(IxIoHandlerConfig.defaults());
    }

    /** @return a factory of handlers with {@code config} */
    public static IoHandlerFactory newFactory(IxIoHandlerConfig config) {
        IxTransport.ensureAvailability();
        return executor -> {
            Object group = executor instanceof EventExecutor e && e.parent() != null ? e.parent() : executor;
            int[] number = loopNumber(group);
            return new IxIoHandler(executor, config, number[0], number[1]);
        };
    }

    /** @return the group's number and the index of its next loop, counting the loops of each group from 0 */
    private static int[] loopNumber(Object group) {
        synchronized (LOOP_NUMBERS) {
            int[] n = LOOP_NUMBERS.computeIfAbsent(group, g -> new int[] {GROUPS.incrementAndGet(), 0});
            return new int[] {n[0], n[1]++};
        }
    }

    @Override
    public void initialize() {
        try {
            ring.enable();
            bufferRing = BufferRing.register(ring, BUFFER_GROUP, pool.slotCount());
        } catch (NativeIoException e) {
            throw new IllegalStateException("cannot start the ix event loop: " + e.getMessage(), e);
        }
        // Before pinning: the watchdog thread this may start inherits the loop thread's CPUs.
        loop.started();
        pin();
        pool.attach(Thread.currentThread(), this::recycle);
        int size = pool.slotSize();
        for (int i = 0; i < pool.slotCount(); i++) {
            bufferRing.add(i, pool.slotAddress(i), size);
        }
        buffersInKernel = bufferRing.publish();
        if (logger.isDebugEnabled()) {
            logger.debug("ix loop {} started: {}, mbufs {} x {} B on {}", Thread.currentThread().getName(), config,
                    pool.slotCount(), size, pool.pageKind());
        }
    }

    /** Renames the loop thread and pins it to its CPU, if the config names one. */
    private void pin() {
        Thread.currentThread().setName(threadName);
        int[] cpus = loop.cpus();
        if (cpus.length > 0) {
            int r = CpuAffinity.pinCurrentThread(cpus[0]);
            if (r < 0) {
                logger.warn("cannot pin {} to CPU {}: sched_setaffinity failed with {} ({}); the loop runs unpinned."
                        + " Pick CPUs this process may use (see taskset -p {} and the cgroup's cpuset)", threadName,
                        cpus[0], Errno.name(-r), LibC.strerror(-r), ProcessHandle.current().pid());
            }
        }
    }

    @Override
    public int run(IoHandlerContext context) {
        if (destroyed) {
            return 0;
        }
        try {
            return turn(context);
        } catch (Throwable t) {
            // Netty stops the loop thread on anything escaping run(); destroy() then closes its connections.
            loop.died(t);
            throw t;
        }
    }

    private int turn(IoHandlerContext context) {
        returnBuffers();
        if (!beforeEnter.isEmpty()) {
            runBeforeEnter();
        }
        if (!eventFdReadArmed) {
            armEventFdRead();
        }
        long now = System.nanoTime();
        boolean waited = false;
        try {
            int ready = cq.ready();
            if (ready == 0 && context.canBlock()) {
                // The wait ends at the earlier of the next scheduled task and the next timer of the wheel.
                long timeout = context.deadlineNanos() == -1 ? Long.MAX_VALUE : Math.max(0, context.delayNanos(now));
                long timers = timerWheel.nanosUntilNextDeadline(now);
                if (timers >= 0) {
                    timeout = Math.min(timeout, timers);
                }
                if (!bufferWaiters.isEmpty()) {
                    // A receive waits for mbufs, and a release on another thread does not wake the loop: look again
                    // every millisecond until they are back.
                    timeout = Math.min(timeout, STARVED_POLL_NANOS);
                }
                activity.waiting(now);
                waited = true;
                ring.submitAndGet(true, timeout == 0 ? 1 : timeout);
            } else if (sq.pending() > 0 || ready < config.batchLimit()) {
                ring.submitAndGet(false, 0);
            }
        } catch (NativeIoException e) {
            logger.warn("io_uring_enter failed; the loop goes on", e);
        }
        if (waited) {
            now = System.nanoTime();
        }
        activity.turnStarted(now);
        // Ring memory is read here, on the loop, so that stats() never touches a ring that destroy() unmapped.
        if ((sq.flags() & Uring.IORING_SQ_CQ_OVERFLOW) != 0) {
            counters.cqOverflowTurn(cq.overflow());
        }
        if (sq.allConsumed()) {
            scratch.reset();
        }
        dispatching = true;
        int n;
        try {
            n = cq.reap(dispatcher, config.batchLimit());
        } finally {
            dispatching = false;
        }
        if (timerWheel.size() > 0) {
            timerWheel.expire(now);
        }
        endBatch();
        activity.turnEnded(n);
        IntConsumer[] observers = turnObservers;
        for (IntConsumer o : observers) {
            try {
                o.accept(n);
            } catch (RuntimeException e) {
                logger.warn("a turn observer of {} failed", loop, e);
            }
        }
        return n;
    }

    /**
     * Runs the ring until every operation {@code reg} has in flight has completed, dispatching completions (of every
     * channel, as a turn does) and firing the read-completes they owe. A channel that leaves its loop calls it after
     * cancelling its operations, so that what its receive had already taken from the socket reaches its pipeline,
     * a partial send is accounted for, and nothing of it is in flight when another loop takes it over.
     *
     * <p>Loop thread, from a task: never from inside a dispatch (the CQ head is advanced once per reap).
     *
     * @return whether nothing is in flight any more (false when called from a dispatch or the kernel did not answer
     *         every cancellation within about a second)
     */
    boolean awaitCompletions(IxIoRegistration reg) {
        if (dispatching || !inLoop()) {
            return reg.inFlight == 0;
        }
        for (int round = 0; round < 1000 && reg.inFlight > 0; round++) {
            try {
                ring.submitAndGet(cq.ready() == 0, 1_000_000L);
            } catch (NativeIoException e) {
                logger.warn("io_uring_enter failed while {} left its loop", reg.handle, e);
                return false;
            }
            dispatching = true;
            try {
                cq.reap(dispatcher, Integer.MAX_VALUE);
            } finally {
                dispatching = false;
            }
            endBatch();
        }
        return reg.inFlight == 0;
    }

    /** Fires the read-complete of every channel that read in this batch: the point where handlers flush. */
    private void endBatch() {
        ArrayList<IxIoHandle> handles = batchEnd;
        for (int i = 0; i < handles.size(); i++) {
            IxIoHandle h = handles.get(i);
            try {
                h.batchEnd();
            } catch (Throwable t) {
                logger.warn("unexpected exception at the end of a batch on {}", h, t);
            }
        }
        handles.clear();
    }

    private void runBeforeEnter() {
        ArrayList<Runnable> tasks = beforeEnter;
        for (int i = 0; i < tasks.size(); i++) { // a task may add another: it runs in this pass too
            try {
                tasks.get(i).run();
            } catch (Throwable t) {
                logger.warn("unexpected exception before io_uring_enter on {}", loop, t);
            }
        }
        tasks.clear();
    }

    /**
     * Runs {@code task} once at the start of the loop's next turn: after this turn's completions and the tasks that
     * follow them, before the next {@code io_uring_enter}. For a decision that a handler may take back within the
     * same turn (autoRead switched off and on again), so that only the final word costs an SQE. Loop thread.
     */
    void beforeNextEnter(Runnable task) {
        beforeEnter.add(task);
    }

    /** Calls {@code reg}'s {@link IxIoHandle#batchEnd} once this batch's completions are all handled. */
    void atBatchEnd(IxIoRegistration reg) {
        batchEnd.add(reg.handle);
    }

    /**
     * Reserves {@code size} bytes of memory that an SQE may point at until it is submitted. Never fails for want of
     * room: a full region is submitted early and reused, or, while the kernel holds SQEs back, followed by another.
     *
     * @return the offset in {@link #scratchMemory()}, which is valid until the next call
     */
    long scratch(long size) {
        long off = scratch.allocate(size);
        if (off < 0) {
            try {
                ring.submitNow();
            } catch (NativeIoException e) {
                logger.debug("early submit for scratch memory failed; a new region serves meanwhile", e);
            }
            if (sq.allConsumed()) {
                scratch.reset();
                off = scratch.allocate(size);
            }
            if (off < 0) {
                off = scratch.allocateInNewRegion(size);
            }
        }
        return off;
    }

    MemorySegment scratchMemory() {
        return scratch.memory();
    }

    long scratchAddress(long offset) {
        return scratch.address(offset);
    }

    /**
     * Hands released mbufs back to the kernel and resumes receives paused by {@code ENOBUFS} whenever the kernel has
     * mbufs to select: not only when this call published some, since a waiter may have been added after its mbufs
     * came back (they were published before its {@code ENOBUFS} completion was reaped) and nothing more may return.
     */
    private void returnBuffers() {
        pool.drainForeignReleases();
        buffersInKernel += bufferRing.publish();
        if (buffersInKernel > 0 && !bufferWaiters.isEmpty()) {
            Runnable[] waiters = bufferWaiters.toArray(new Runnable[0]);
            bufferWaiters.clear();
            for (Runnable w : waiters) {
                try {
                    w.run();
                } catch (Throwable t) {
                    logger.warn("failed to resume a receive after mbufs returned", t);
                }
            }
        }
    }

    private void recycle(int slotId) {
        bufferRing.add(slotId, pool.slotAddress(slotId), pool.slotSize());
    }

    private void armEventFdRead() {
        sq.enqueue(Uring.IORING_OP_READ, (byte) 0, (short) 0, eventFd, 0, eventFdReadBuffer.address(), 8, 0,
                userData(WAKEUP_ID, Uring.IORING_OP_READ, (short) 0), (short) 0);
        eventFdReadArmed = true;
    }

    private void complete(long userData, int res, int flags) {
        if ((flags & Uring.IORING_CQE_F_BUFFER) != 0) {
            buffersInKernel--;
        }
        int id = (int) userData;
        if (id >= 0 && id < nextId) {
            IxIoRegistration reg = registrations[id];
            if (reg != null) {
                if ((flags & Uring.IORING_CQE_F_MORE) == 0) {
                    reg.inFlight--;
                }
                event.set((byte) (userData >>> 32), res, flags, (short) (userData >>> 48));
                try {
                    reg.handle.handle(reg, event);
                } catch (Throwable t) {
                    logger.warn("unexpected exception from {} handling {}", reg.handle, event, t);
                }
                if (reg.inFlight == 0 && reg.isCancelled()) {
                    release(reg);
                }
                return;
            }
        }
        if (id == WAKEUP_ID) {
            eventFdReadArmed = false;
            WAKEUP_PENDING.compareAndSet(this, WAKEUP_WRITTEN, WAKEUP_IDLE);
            return;
        }
        if (id != CANCEL_ID) {
            logger.debug("completion for unknown registration id {} (res={}, flags=0x{})", id, res,
                    Integer.toHexString(flags));
        }
        if ((flags & Uring.IORING_CQE_F_BUFFER) != 0) {
            recycle(flags >>> Uring.IORING_CQE_BUFFER_SHIFT);
        }
    }

    static long userData(int id, byte opcode, short data) {
        return Integer.toUnsignedLong(id) | (Byte.toUnsignedLong(opcode) << 32) | ((long) data << 48);
    }

    /** Queues one SQE; it never fails (see {@link SubmissionQueue#enqueue}). @return its {@code user_data} */
    long enqueue(IxIoRegistration reg, byte opcode, byte flags, short ioprio, int fd, long off, long addr, int len,
                 int opFlags, short data, short bufGroup) {
        return sq.enqueue(opcode, flags, ioprio, fd, off, addr, len, opFlags, userData(reg.id, opcode, data),
                bufGroup);
    }

    /** {@link #enqueue} of an {@code IORING_OP_SPLICE} from {@code fdIn} at {@code offIn} to {@code fdOut}. */
    long enqueueSplice(IxIoRegistration reg, byte flags, int fdOut, long offOut, int fdIn, long offIn, int len,
                       int spliceFlags, short data) {
        return sq.enqueue(Uring.IORING_OP_SPLICE, flags, (short) 0, fdOut, offOut, offIn, len, spliceFlags,
                userData(reg.id, Uring.IORING_OP_SPLICE, data), (short) 0, fdIn);
    }

    /** The next {@code n} SQEs queued on this loop are one linked group: see {@link SubmissionQueue#reserve}. */
    void reserveLinked(int n) {
        sq.reserve(n);
    }

    void enqueueCancel(long targetUserData) {
        sq.enqueue(Uring.IORING_OP_ASYNC_CANCEL, (byte) 0, (short) 0, -1, 0, targetUserData, 0,
                Uring.IORING_ASYNC_CANCEL_ALL, userData(CANCEL_ID, Uring.IORING_OP_ASYNC_CANCEL, (short) 0),
                (short) 0);
    }

    /** @return bytes per mbuf: the most one receive completion delivers */
    int mbufSize() {
        return config.mbufSize();
    }

    /** The buffer group recv SQEs select from. */
    short bufferGroup() {
        return BUFFER_GROUP;
    }

    /** Wraps the {@code length} bytes the kernel put into mbuf {@code slotId}; the caller owns the returned buffer. */
    ByteBuf receivedBuffer(int slotId, int length) {
        counters.received(length);
        return pool.received(slotId, length);
    }

    /** A send completion wrote {@code bytes}. */
    void sent(int bytes) {
        counters.sent(bytes);
    }

    /** A listener on this loop paused accepting because the process is out of descriptors or memory. */
    void acceptBackoff() {
        counters.acceptBackoff();
    }

    /** Returns an mbuf the kernel selected but that carries no data (EOF, error, closed channel). */
    void returnUnusedBuffer(int slotId) {
        recycle(slotId);
    }

    /**
     * Runs {@code resume} on the loop once mbufs return to the kernel: how a receive stopped by {@code ENOBUFS}
     * continues without losing a byte (the data waits in the socket buffer meanwhile).
     */
    void whenBuffersReturn(Runnable resume) {
        pool.recordEnobufs();
        bufferWaiters.add(resume);
    }

    MbufPool pool() {
        return pool;
    }

    boolean inLoop() {
        return executor.isExecutorThread(Thread.currentThread());
    }

    void executeOnLoop(Runnable task) {
        executor.execute(task);
    }

    @Override
    public IoRegistration register(IoHandle handle) {
        IxIoHandle h = (IxIoHandle) handle;
        int id;
        if (freeCount > 0) {
            id = freeIds[--freeCount];
        } else {
            id = nextId++;
            if (id >= registrations.length) {
                registrations = Arrays.copyOf(registrations, registrations.length * 2);
            }
        }
        IxIoRegistration reg = new IxIoRegistration(this, h, id);
        registrations[id] = reg;
        liveRegistrations++;
        if (h.isConnection()) {
            counters.connectionOpened();
        }
        h.registered();
        return reg;
    }

    void releaseIfIdle(IxIoRegistration reg) {
        if (reg.inFlight == 0) {
            release(reg);
        }
    }

    private void release(IxIoRegistration reg) {
        if (reg.removed) {
            return;
        }
        reg.removed = true;
        registrations[reg.id] = null;
        if (freeCount == freeIds.length) {
            freeIds = Arrays.copyOf(freeIds, freeIds.length * 2);
        }
        freeIds[freeCount++] = reg.id;
        liveRegistrations--;
        if (reg.handle.isConnection()) {
            counters.connectionClosed();
        }
        try {
            reg.handle.unregistered();
        } catch (Throwable t) {
            logger.warn("unexpected exception from {}.unregistered()", reg.handle, t);
        }
    }

    @Override
    public void wakeup() {
        if (!executor.isExecutorThread(Thread.currentThread())
                && WAKEUP_PENDING.compareAndSet(this, WAKEUP_IDLE, WAKEUP_WRITTEN)) {
            WAKEUP_WRITERS.getAndAdd(this, 1);
            try {
                if ((int) WAKEUP_PENDING.getVolatile(this) != WAKEUP_CLOSED) {
                    long r = LibC.write(eventFd, eventFdWriteValue, 8);
                    if (r < 0) {
                        WAKEUP_PENDING.compareAndSet(this, WAKEUP_WRITTEN, WAKEUP_IDLE);
                        logger.warn("eventfd write failed with errno {}; the loop wakes up at its next deadline", -r);
                    }
                }
            } finally {
                WAKEUP_WRITERS.getAndAdd(this, -1);
            }
        }
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return IxIoHandle.class.isAssignableFrom(handleType);
    }

    @Override
    public void prepareToDestroy() {
        loop.stopping();
        int closed = 0;
        for (IxIoRegistration reg : registrations.clone()) {
            if (reg != null && !reg.isCancelled()) {
                try {
                    reg.handle.close();
                } catch (Exception e) {
                    logger.debug("failed to close {} on shutdown; retried", reg.handle, e);
                }
                // Each close queues a few SQEs and brings a few completions: submit and reap as we go, or with
                // thousands of connections the CQ fills, the kernel refuses more SQEs and the rest never close.
                if (++closed % SHUTDOWN_CLOSE_CHUNK == 0) {
                    drainDuringShutdown();
                }
            }
        }
    }

    private void drainDuringShutdown() {
        try {
            ring.submitAndGet(false, 0);
        } catch (NativeIoException e) {
            logger.debug("io_uring_enter failed during shutdown", e);
        }
        reapAll();
    }

    private void reapAll() {
        while (cq.reap(dispatcher, Integer.MAX_VALUE) > 0) {
            // reap until empty
        }
    }

    @Override
    public void destroy() {
        if (destroyed) {
            return;
        }
        try {
            stop();
        } finally {
            destroyed = true;
            activity.waiting(System.nanoTime());
            loop.stopped();
        }
    }

    private void stop() {
        int connectionsAtStop = counters.connections();
        // Wait for every operation in flight to come back so their mbufs return and no completion is lost.
        for (int attempt = 0; attempt < 200 && (liveRegistrations > 0 || eventFdReadArmed); attempt++) {
            prepareToDestroy();
            if (eventFdReadArmed && liveRegistrations == 0 && attempt > 0) {
                enqueueCancel(userData(WAKEUP_ID, Uring.IORING_OP_READ, (short) 0));
            }
            try {
                ring.submitAndGet(true, 10_000_000L);
            } catch (NativeIoException e) {
                logger.warn("io_uring_enter failed during shutdown", e);
                break;
            }
            reapAll();
            pool.drainForeignReleases();
            // Netty defers a closed channel's deregistration to a task the stopping loop no longer runs: the loop
            // is going away, so a registration with nothing in flight is done.
            for (IxIoRegistration reg : registrations.clone()) {
                if (reg != null && reg.inFlight == 0) {
                    release(reg);
                }
            }
        }
        timerWheel.cancelAll();
        Throwable death = loop.deathCause();
        if (death != null) {
            logger.error("{} died; its {} connection(s) were closed and its group goes on serving on its other"
                    + " loops (registrations on this loop now fail)", loop, connectionsAtStop, death);
        }
        if (logger.isDebugEnabled()) {
            logger.debug("ix loop {} stopped: {} turns, {} completions, {} io_uring_enter calls, {} mbuf ENOBUFS",
                    Thread.currentThread().getName(), activity.turns(), activity.completions(), ring.enterCalls(),
                    pool.enobufs());
        }
        if (liveRegistrations > 0) {
            logger.warn("{} channel(s) still had operations in flight when the loop stopped; closing the ring"
                    + " cancels them", liveRegistrations);
        }
        if (bufferRing != null) {
            bufferRing.close();
        }
        int leaked = pool.close();
        if (leaked > 0) {
            logger.warn("{} receive mbuf(s) were not released by the application when the loop stopped", leaked);
        }
        ring.close();
        // From now on wakeup() must not write: the fd number may soon belong to another file.
        WAKEUP_PENDING.setVolatile(this, WAKEUP_CLOSED);
        while ((int) WAKEUP_WRITERS.getVolatile(this) != 0) {
            Thread.onSpinWait();
        }
        LibC.close(eventFd);
        scratch.close();
        arena.close();
    }

    /** @return loop turns so far (loop thread; approximate from others) */
    long turns() {
        return activity.turns();
    }

    /** @return times the SQ filled up in the middle of a turn */
    long sqFullSubmits() {
        return sq.earlySubmits();
    }

    IxTimerWheel timerWheel() {
        return timerWheel;
    }

    /** @return timers scheduled on the wheel (approximate from other threads) */
    int timerCount() {
        return timerWheel.size();
    }

    /** Any thread: see {@link IxLoop#addTurnObserver}. */
    synchronized void addTurnObserver(IntConsumer observer) {
        IntConsumer[] observers = Arrays.copyOf(turnObservers, turnObservers.length + 1);
        observers[observers.length - 1] = observer;
        turnObservers = observers;
    }

    /** @return {@code io_uring_enter} calls so far */
    long enterCalls() {
        return ring.enterCalls();
    }
}
