package dev.ix.transport.mbuf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.internal.ObjectUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * The receive buffers (mbufs) of one event loop: {@code slotCount} fixed slots of {@code slotSize} bytes in one
 * off-heap arena ({@link MbufArena}: hugetlb pages, else transparent huge pages, else 4 KiB pages).
 *
 * <pre>
 *            kernel (provided-buffer ring)
 *        picks a slot, writes, posts its id in a CQE
 *           ^                          |
 *   recycle |                          v
 *  +--------+--------+       received(slotId, length)
 *  |  SlotRecycler   |                 |
 *  +--------+--------+                 v
 *           ^              read-only ByteBuf view, refCnt 1  --> pipeline / application
 *           |                                                        |
 *           +--- owner thread: directly &lt;--- release() to 0 ---------+
 *           +--- drainForeignReleases() &lt;--- MPSC queue &lt;--- release() on any other thread
 * </pre>
 *
 * <p><b>Who owns a slot.</b> At first every slot belongs to the recycler side: the transport posts them all to the
 * kernel, which chooses the slot for each receive. The pool never hands out slots itself. {@link #received} turns a
 * slot the kernel filled into a {@link ByteBuf} that the caller owns (reference count 1); whoever holds the last
 * reference releases it, and the slot goes back to the {@link SlotRecycler} on the owner thread.
 *
 * <p><b>Threading.</b> {@link #attach}, {@link #received}, {@link #drainForeignReleases}, {@link #recordEnobufs} and
 * {@link #close} belong to the owner thread (the loop); {@link #close} may also run on another thread once the owner
 * has stopped. The views may be released on any thread. The counters are plain fields written by the owner only;
 * their getters may be called from any thread and return an approximately current value.
 *
 * <p><b>No allocation while receiving.</b> Each slot has one view object, created here and reused each time the
 * slot is received again. So, as with Netty's pooled buffers, a reference kept past the final {@code release()} is
 * stale: it throws {@link IllegalReferenceCountException} while the slot is idle, but once the kernel fills the slot
 * again it reads the new contents, and releasing it would release the new owner's buffer. Derived buffers
 * ({@code slice()}, {@code duplicate()}) share the view's reference count and have the same rule. A
 * {@link java.nio.ByteBuffer} or {@code memoryAddress()} taken from a view is raw memory with no such check: it
 * must not be used after the view's release (after {@link #close()} the memory may even be unmapped).
 *
 * <p><b>Leak detection.</b> Netty's switch governs mbufs as it does Netty's own buffers:
 * {@code -Dio.netty.leakDetection.level} ({@code DISABLED}, {@code SIMPLE} — Netty's default —, {@code ADVANCED},
 * {@code PARANOID}) or {@link io.netty.util.ResourceLeakDetector#setLevel}, read at each hand-out. A hand-out the
 * detector tracks (every one at {@code PARANOID}, 1 in {@code io.netty.leakDetection.samplingInterval} = 128 at
 * {@code SIMPLE} and {@code ADVANCED}, none at {@code DISABLED}) is a fresh view that the pool holds only weakly,
 * instead of the slot's reused one, so that a view the application drops unreleased becomes garbage. The collector
 * then finds it, and Netty's detector for resource type {@code MbufByteBuf} logs
 * {@code LEAK: MbufByteBuf.release() was not called before it's garbage-collected} with where it was received and
 * (from {@code ADVANCED}) the last {@code touch}, {@code retain} and {@code release} calls. A tracked hand-out costs
 * the view and the tracker (with a stack trace per record), as with Netty's leak-aware buffers; an untracked one
 * allocates nothing. A tracked view never sees a later receive into its slot: any use after its release throws.
 *
 * <p><b>Leaked slots come back.</b> When the collector finds a tracked view that was never released, the owner takes
 * its slot back at its next {@link #drainForeignReleases()} and counts it in {@link #leaksReclaimed()}: a
 * long-running server that leaks now and then loses no receive capacity. Netty cannot do this for its own buffers
 * (their memory may still be in use elsewhere); an mbuf slot is the pool's, and nothing can reach the unreleased view
 * any more, nor its slices. Raw memory taken from it ({@code nioBuffer()}, {@code memoryAddress()}) is the exception,
 * as after a release. Untracked views are held by the pool and never collected, so their leaks are neither reported
 * nor reclaimed; they show in {@link #inUse()} and in {@link #close()}.
 *
 * <p><b>Closing.</b> {@link #close()} unmaps the arena only when every slot is back; otherwise it keeps the memory
 * mapped (a late read or release of a leaked view then stays harmless instead of crashing the JVM) and reports the
 * number still held.
 */
public final class MbufPool {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(MbufPool.class);

    /** Smallest slot, in bytes. */
    public static final int MIN_SLOT_SIZE = 256;
    /** Largest slot, in bytes. */
    public static final int MAX_SLOT_SIZE = 65536;
    /** Most slots in one pool. */
    public static final int MAX_SLOT_COUNT = 32768;

    private static final VarHandle IN_USE;
    private static final VarHandle HIGH_WATER;
    private static final VarHandle ENOBUFS;
    private static final VarHandle RECEIVED;
    private static final VarHandle LEAKS_RECLAIMED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            IN_USE = lookup.findVarHandle(MbufPool.class, "inUse", int.class);
            HIGH_WATER = lookup.findVarHandle(MbufPool.class, "highWater", int.class);
            ENOBUFS = lookup.findVarHandle(MbufPool.class, "enobufs", long.class);
            RECEIVED = lookup.findVarHandle(MbufPool.class, "receivedCount", long.class);
            LEAKS_RECLAIMED = lookup.findVarHandle(MbufPool.class, "leaksReclaimed", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MbufArena arena;
    private final int slotSize;
    private final int slotCount;
    private final int slotShift;
    private final ByteBufAllocator alloc;
    /** The slot's reused view, handed out when the leak detector does not track the hand-out. */
    private final MbufByteBuf[] views;
    /** Owner only: which slots are received and not yet handed back to the recycler. */
    private final boolean[] held;
    /** Owner only: the weak reference to the tracked view that holds a slot, if one does. */
    private final Lease[] leases;
    /** Where the collector puts the leases of tracked views that became garbage. */
    private final ReferenceQueue<MbufByteBuf> collected = new ReferenceQueue<>();
    /**
     * Views released on other threads, waiting for the owner. At most one entry per slot: bounded by slotCount.
     * JCTools' atomic flavour, which does not use {@code sun.misc.Unsafe} (JDK 24+ warns on its memory access).
     */
    private final MpscAtomicArrayQueue<MbufByteBuf> foreignReleases;

    // Set by attach() on the owner thread before any view exists; other threads see them through the hand-off of a
    // view (whatever gave them the buffer gave them a happens-before edge too).
    private Thread owner;
    private SlotRecycler recycler;

    private volatile boolean closed;
    private boolean leakReported;

    // Counters: plain writes by the owner (atomic decrements of inUse after close), opaque reads in the getters.
    private int inUse;
    private int highWater;
    private long enobufs;
    private long receivedCount;
    private long leaksReclaimed;

    private MbufPool(MbufArena arena, int slotSize, int slotCount, ByteBufAllocator alloc) {
        this.arena = arena;
        this.slotSize = slotSize;
        this.slotCount = slotCount;
        this.slotShift = Integer.numberOfTrailingZeros(slotSize);
        this.alloc = alloc;
        this.foreignReleases = new MpscAtomicArrayQueue<>(Math.max(2, slotCount));
        MemorySegment memory = arena.segment();
        MbufByteBuf[] v = new MbufByteBuf[slotCount];
        for (int i = 0; i < slotCount; i++) {
            v[i] = new MbufByteBuf(this, i, memory.asSlice((long) i << slotShift, slotSize));
        }
        this.views = v;
        this.held = new boolean[slotCount];
        this.leases = new Lease[slotCount];
    }

    /**
     * Maps the arena and prepares one view per slot. Any thread; the pool is then handed to its loop, which calls
     * {@link #attach} before anything else.
     *
     * @param slotSize  bytes per slot: a power of two in {@value #MIN_SLOT_SIZE}..{@value #MAX_SLOT_SIZE}
     * @param slotCount slots: a power of two in 1..{@value #MAX_SLOT_COUNT}
     * @param alloc     what {@link ByteBuf#alloc()} of the views returns (and where {@code copy()} allocates)
     * @return a pool whose slots all belong to the recycler side
     * @throws IllegalArgumentException when a size is out of range or not a power of two
     * @throws UncheckedIOException     wrapping a {@link dev.ix.transport.uring.NativeIoException} when {@code mmap}
     *                                  fails
     */
    public static MbufPool create(int slotSize, int slotCount, ByteBufAllocator alloc) {
        checkPowerOfTwo("slotSize", slotSize, MIN_SLOT_SIZE, MAX_SLOT_SIZE);
        checkPowerOfTwo("slotCount", slotCount, 1, MAX_SLOT_COUNT);
        ObjectUtil.checkNotNull(alloc, "alloc");
        MbufArena arena = MbufArena.map((long) slotSize * slotCount);
        try {
            return new MbufPool(arena, slotSize, slotCount, alloc);
        } catch (Throwable t) {
            arena.unmap();
            throw t;
        }
    }

    private static void checkPowerOfTwo(String name, int value, int min, int max) {
        if (value < min || value > max || Integer.bitCount(value) != 1) {
            throw new IllegalArgumentException(
                    name + ": " + value + " (expected: a power of two in " + min + ".." + max + ')');
        }
    }

    /**
     * Binds the pool to its loop. Call once, on {@code owner}, before {@link #received}. From then on released slots
     * go to {@code recycler.recycle(slotId)}, always on {@code owner}.
     *
     * @param owner    the loop thread: the only one that may receive, drain and count
     * @param recycler where released slots go (in the transport, the kernel's provided-buffer ring)
     * @throws IllegalStateException when already attached
     */
    public void attach(Thread owner, SlotRecycler recycler) {
        ObjectUtil.checkNotNull(owner, "owner");
        ObjectUtil.checkNotNull(recycler, "recycler");
        if (this.owner != null) {
            throw new IllegalStateException("already attached to " + this.owner.getName());
        }
        this.recycler = recycler;
        this.owner = owner;
    }

    /**
     * Wraps the bytes the kernel received into a slot. Owner thread only. Allocates nothing, unless the leak detector
     * tracks this hand-out (see the class comment).
     *
     * <p>The caller owns the returned buffer and must release it (or pass it on to a handler that does): a read-only,
     * direct {@link ByteBuf} over exactly {@code length} bytes of the slot, no copy, reference count 1,
     * {@code readerIndex} 0, {@code writerIndex == capacity == maxCapacity == length}. Its last release returns the
     * slot to the recycler.
     *
     * @param slotId the slot the kernel chose (buffer id of the CQE), 0..slotCount-1
     * @param length bytes the kernel wrote, 0..slotSize
     * @return the view, owned by the caller
     * @throws IllegalStateException    off the owner thread, after {@link #close()}, or when the slot is still held
     * @throws IllegalArgumentException when {@code slotId} or {@code length} is out of range
     */
    public ByteBuf received(int slotId, int length) {
        if (Thread.currentThread() != owner) {
            throw notOwner("received");
        }
        if (closed) {
            throw new IllegalStateException("received(slotId=" + slotId + ") after close");
        }
        if (slotId < 0 || slotId >= slotCount) {
            throw new IllegalArgumentException("slotId: " + slotId + " (expected: 0.." + (slotCount - 1) + ')');
        }
        if (length < 0 || length > slotSize) {
            throw new IllegalArgumentException("length: " + length + " (expected: 0.." + slotSize + ')');
        }
        if (held[slotId]) {
            throw new IllegalStateException("slot " + slotId + " received while still held (the kernel was given a"
                    + " slot that was not recycled)");
        }
        MbufByteBuf view;
        if (MbufLeakTracking.sample()) {
            view = trackedView(slotId, length);
        } else {
            view = views[slotId];
            view.reuse(length);
        }
        held[slotId] = true;
        int n = inUse + 1;
        inUse = n;
        if (n > highWater) {
            highWater = n;
        }
        receivedCount++;
        return view;
    }

    /** A fresh view of the slot, tracked by the leak detector and held by the pool only through a weak reference. */
    private MbufByteBuf trackedView(int slotId, int length) {
        MbufByteBuf view = new MbufByteBuf(this, slotId, views[slotId].memory());
        view.reuse(length);
        Lease lease = new Lease(view, collected);
        view.track(MbufLeakTracking.track(view), MbufLeakTracking.recordsAccess(), lease);
        leases[slotId] = lease;
        return view;
    }

    /** Called by a view when its reference count reaches 0, on the thread that released it. */
    void release(MbufByteBuf view) {
        if (closed) {
            // Nothing goes back to a recycler that may be gone; the slot just stops counting as held.
            IN_USE.getAndAdd(this, -1);
        } else if (Thread.currentThread() == owner) {
            recycle(view);
        } else if (!foreignReleases.offer(view)) {
            // Cannot happen: a slot is in the queue at most once and the queue holds slotCount entries.
            throw new IllegalStateException("foreign release queue full: capacity=" + foreignReleases.capacity()
                    + ", slotCount=" + slotCount);
        }
        // A foreign release that read closed == false just before a concurrent close() may reach the queue after
        // close() drained it: the slot then stays counted in inUse(). Harmless: nothing is recycled or unmapped.
    }

    private void recycle(MbufByteBuf view) {
        recycle(view.slotId());
    }

    private void recycle(int slotId) {
        held[slotId] = false;
        leases[slotId] = null;
        inUse--;
        recycler.recycle(slotId);
    }

    /**
     * Returns to the recycler the slots whose views were released on other threads since the last call, and those
     * of tracked views the garbage collector found unreleased ({@link #leaksReclaimed()}). Owner thread only; call
     * once per loop turn. Bounded: at most {@code slotCount} of each per call. After {@link #close()} the slots are
     * only counted, not recycled.
     *
     * @return how many slots were handed back
     */
    public int drainForeignReleases() {
        if (Thread.currentThread() != owner) {
            if (owner == null) {
                return 0; // never attached: no view was ever handed out
            }
            throw notOwner("drainForeignReleases");
        }
        if (closed) {
            return drainAfterClose();
        }
        int n = 0;
        MbufByteBuf view;
        while (n < slotCount && (view = foreignReleases.relaxedPoll()) != null) {
            recycle(view);
            n++;
        }
        return n + reclaimCollected(false);
    }

    /**
     * Takes back the slots of tracked views that were collected without a release. Owner thread (or the closing
     * thread once the owner stopped). A lease is enqueued only for a view that was never released (a release clears
     * it first), and only while it still holds its slot; the identity check guards against anything else.
     */
    private int reclaimCollected(boolean afterClose) {
        int n = 0;
        Reference<? extends MbufByteBuf> ref;
        while (n < slotCount && (ref = collected.poll()) != null) {
            int slotId = ((Lease) ref).slotId;
            if (leases[slotId] != ref) {
                continue;
            }
            LEAKS_RECLAIMED.setOpaque(this, leaksReclaimed + 1);
            if (afterClose) {
                held[slotId] = false;
                leases[slotId] = null;
                IN_USE.getAndAdd(this, -1);
            } else {
                recycle(slotId);
            }
            n++;
        }
        return n;
    }

    private int drainAfterClose() {
        int n = 0;
        MbufByteBuf view;
        while ((view = foreignReleases.poll()) != null) {
            held[view.slotId()] = false;
            IN_USE.getAndAdd(this, -1);
            n++;
        }
        return n + reclaimCollected(true);
    }

    /** Counts one {@code ENOBUFS} receive (the kernel found no free slot). Owner thread only. */
    public void recordEnobufs() {
        if (Thread.currentThread() != owner) {
            throw notOwner("recordEnobufs");
        }
        enobufs++;
    }

    /**
     * Stops the pool. Owner thread, or any thread once the owner has stopped. The recycler is never called again:
     * releases that arrive later (any thread) only count down. Calling it again is allowed.
     *
     * <p>If every slot is back ({@link #inUse()} is 0 after taking in the releases queued by other threads), the
     * arena is unmapped and the result is 0. Otherwise the application still holds views: the arena stays mapped so
     * that they remain safe to read and release, one WARN is logged, and the result is the number of slots held. A
     * later call unmaps the arena if they have all been released by then.
     *
     * @return slots still held by the application (0 when the arena was unmapped)
     */
    public int close() {
        closed = true;
        drainAfterClose();
        int held = (int) IN_USE.getVolatile(this);
        if (held == 0) {
            if (arena.isMapped()) {
                int r = arena.unmap();
                if (r < 0) {
                    logger.warn("munmap of the mbuf arena ({}) failed with error({}); its memory stays mapped", arena,
                            -r);
                }
            }
            return 0;
        }
        if (!leakReported) {
            leakReported = true;
            logger.warn("mbuf pool closed while the application still holds {} of {} receive buffer(s) ({} B each):"
                    + " keeping the {}-byte arena mapped so that late reads and releases stay safe; release every"
                    + " ByteBuf received (ReferenceCountUtil.release) to avoid this", held, slotCount, slotSize,
                    arena.size());
        }
        return held;
    }

    /**
     * The native address of a slot, for posting it to the kernel. Any thread.
     *
     * @param slotId 0..slotCount-1
     * @return the address of the slot's first byte; valid until {@link #close()} returns 0
     * @throws IllegalArgumentException when {@code slotId} is out of range
     */
    public long slotAddress(int slotId) {
        if (slotId < 0 || slotId >= slotCount) {
            throw new IllegalArgumentException("slotId: " + slotId + " (expected: 0.." + (slotCount - 1) + ')');
        }
        return arena.address() + ((long) slotId << slotShift);
    }

    /**
     * The memory of every slot, slot {@code i} at offset {@code i * slotSize}. Any thread. The segment has the
     * global scope: nothing stops an access after the arena is unmapped, so it must not be used once
     * {@link #close()} has returned 0.
     *
     * @return the arena, {@code slotSize * slotCount} bytes
     */
    public MemorySegment arena() {
        return arena.segment();
    }

    /**
     * The size of every slot, which is the most one receive can deliver into it. Any thread.
     *
     * @return bytes per slot
     */
    public int slotSize() {
        return slotSize;
    }

    /**
     * The number of slots, fixed at creation. Any thread.
     *
     * @return slots in the pool
     */
    public int slotCount() {
        return slotCount;
    }

    /**
     * Which pages back the arena, for people and logs. Any thread.
     *
     * @return {@code "hugetlb 2 MiB pages"}, {@code "transparent huge pages (madvise)"} or {@code "4 KiB pages"}
     */
    public String pageKind() {
        return arena.pageKind();
    }

    /**
     * The allocator the views return from {@link ByteBuf#alloc()}; their {@code copy()} allocates from it. Any
     * thread.
     *
     * @return the allocator given to {@link #create}
     */
    public ByteBufAllocator alloc() {
        return alloc;
    }

    /**
     * Slots received and not yet back: held by the application, or released on another thread and waiting for
     * {@link #drainForeignReleases()}. Any thread; approximately current off the owner thread.
     *
     * @return slots in use, 0..slotCount
     */
    public int inUse() {
        return (int) IN_USE.getOpaque(this);
    }

    /**
     * The most slots ever in use at once: how close the loop came to {@code ENOBUFS}. Any thread; approximately
     * current off the owner thread.
     *
     * @return high-water mark of {@link #inUse()}
     */
    public int highWater() {
        return (int) HIGH_WATER.getOpaque(this);
    }

    /**
     * How many times the kernel found no free slot for a receive, as recorded by {@link #recordEnobufs()}. Any
     * thread; approximately current off the owner thread.
     *
     * @return {@code ENOBUFS} events since creation
     */
    public long enobufs() {
        return (long) ENOBUFS.getOpaque(this);
    }

    /**
     * How many buffers {@link #received(int, int)} has handed out. Any thread; approximately current off the owner
     * thread.
     *
     * @return receives since creation
     */
    public long received() {
        return (long) RECEIVED.getOpaque(this);
    }

    /**
     * How many slots came back because the garbage collector found their tracked view unreleased (a leak the
     * detector reports). Any thread; approximately current off the owner thread.
     *
     * @return leaked views whose slots were reclaimed since creation
     */
    public long leaksReclaimed() {
        return (long) LEAKS_RECLAIMED.getOpaque(this);
    }

    /**
     * Whether {@link #close()} has been called. Any thread.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /** @return {@code false} once {@link #close()} has unmapped the arena */
    boolean isArenaMapped() {
        return arena.isMapped();
    }

    /**
     * Tells a receive view of some {@link MbufPool} (read-only, direct, with a
     * {@linkplain ByteBuf#memoryAddress() memory address}) from other buffers. Slices and wrappers of a view are not
     * views themselves. Any thread.
     *
     * @param buf any buffer, may be {@code null}
     * @return {@code true} when {@code buf} is a receive view
     */
    public static boolean isMbuf(ByteBuf buf) {
        return buf instanceof MbufByteBuf;
    }

    private IllegalStateException notOwner(String call) {
        Thread o = owner;
        return new IllegalStateException(call + "() must be called from the pool's owner thread ("
                + (o == null ? "not attached" : o.getName()) + "), not from " + Thread.currentThread().getName());
    }

    /**
     * The pool's weak reference to a tracked view: enqueued when the view becomes garbage unreleased, cleared by the
     * view's release. The pool keeps it (in {@code leases}) so that the collector can enqueue it.
     */
    static final class Lease extends WeakReference<MbufByteBuf> {
        final int slotId;

        Lease(MbufByteBuf view, ReferenceQueue<MbufByteBuf> queue) {
            super(view, queue);
            this.slotId = view.slotId();
        }
    }

    @Override
    public String toString() {
        return "MbufPool(" + slotCount + " x " + slotSize + " B, " + arena.pageKind() + ", inUse: " + inUse()
                + ", highWater: " + highWater() + ", received: " + received() + ", enobufs: " + enobufs()
                + ", leaksReclaimed: " + leaksReclaimed()
                + (closed ? ", closed)" : ")");
    }
}
