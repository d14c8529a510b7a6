package dev.ix.transport.mbuf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakTracker;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The read-only, reference-counted view over the bytes the kernel received into one {@link MbufPool} slot.
 *
 * <pre>
 *   slot (slotSize bytes, at memoryAddress())
 *   +---------------------------------+--------------------+
 *   | received bytes: 0 .. length     | unused             |
 *   +---------------------------------+--------------------+
 *   readerIndex = 0, writerIndex = capacity = maxCapacity = length
 * </pre>
 *
 * <p>One instance per slot, created with the pool and reused every time the kernel fills that slot again
 * ({@link #reuse(int)}), so receiving allocates nothing. Between uses its reference count is 0 and every access
 * throws {@link io.netty.util.IllegalReferenceCountException}. A reference kept past the final release sees the
 * slot's next contents once it is received again (as with Netty's pooled buffers).
 *
 * <p><b>Tracked views.</b> A hand-out that Netty's leak detector tracks ({@link MbufLeakTracking}) gets a fresh
 * instance instead, which the pool does not hold: if the application drops it unreleased, the garbage collector finds
 * it and the detector reports it. Its tracker records {@link #touch}, {@link #retain} and {@link #release} (levels
 * {@code ADVANCED} and {@code PARANOID}) and is closed when the count reaches 0, before the slot goes back.
 *
 * <p>Reads go through a {@link MemorySegment} of exactly the slot's size, so even the unchecked {@code _get*}
 * methods cannot read past the slot. Multi-byte reads are big-endian, {@code *LE} little-endian, both unaligned.
 *
 * <p>When the count reaches 0, {@link #deallocate()} hands the slot back to the pool, on whichever thread that
 * happens; the pool takes care of getting it to its owner loop.
 */
final class MbufByteBuf extends AbstractReadOnlyByteBuf {
    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int OUTPUT_STREAM_CHUNK = 8192;

    private final MbufPool pool;
    private final int slotId;
    private final MemorySegment memory;
    private final long address;
    /** Bytes the kernel wrote this time; the capacity. */
    private int length;
    /** The leak detector's tracker of a tracked view; {@code null} for the slot's reused view and once released. */
    private ResourceLeakTracker<MbufByteBuf> leak;
    /** Whether {@link #leak} records accesses (level ADVANCED or PARANOID), fixed when tracking starts. */
    private boolean recordAccess;
    /** The pool's weak reference to a tracked view, cleared on release; {@code null} for a reused view. */
    private MbufPool.Lease lease;
    /** The whole slot, read-only; created on first use of an NIO view and kept, as the slot never moves. */
    private ByteBuffer readOnlySlot;
    /** Returned by {@link #internalNioBuffer}; position and limit change on each call. */
    private ByteBuffer internalNio;

    /** Creates the view of slot {@code slotId}, released (reference count 0) until the slot is first received. */
    MbufByteBuf(MbufPool pool, int slotId, MemorySegment memory) {
        super(0);
        this.pool = pool;
        this.slotId = slotId;
        this.memory = memory;
        this.address = memory.address();
        setRefCnt(0);
    }

    /**
     * Makes this view the live buffer of {@code length} freshly received bytes: indices and marks reset, reference
     * count 1. Owner loop only, while the count is 0.
     */
    void reuse(int length) {
        this.length = length;
        maxCapacity(length);
        setIndex(0, 0);
        markReaderIndex();
        markWriterIndex();
        writerIndex(length);
        resetRefCnt();
    }

    /**
     * Makes this fresh view a tracked hand-out. Owner loop only, right after {@link #reuse(int)} and before the view
     * is handed out.
     */
    void track(ResourceLeakTracker<MbufByteBuf> tracker, boolean recordAccess, MbufPool.Lease lease) {
        this.leak = tracker;
        this.recordAccess = recordAccess;
        this.lease = lease;
    }

    /** @return the slot this view reads */
    int slotId() {
        return slotId;
    }

    /** @return the slot's memory, for another view of the same slot */
    MemorySegment memory() {
        return memory;
    }

    @Override
    protected void deallocate() {
        ResourceLeakTracker<MbufByteBuf> tracker = leak;
        if (tracker != null) {
            leak = null;
            // Released, so not leaked: the pool must not reclaim the slot when this view is collected later.
            lease.clear();
            tracker.close(this);
        }
        pool.release(this);
    }

    // ---- leak records (tracked views only)

    @Override
    public ByteBuf touch() {
        recordAccess(null);
        return this;
    }

    @Override
    public ByteBuf touch(Object hint) {
        recordAccess(hint);
        return this;
    }

    @Override
    public ByteBuf retain() {
        recordAccess(null);
        return super.retain();
    }

    @Override
    public ByteBuf retain(int increment) {
        recordAccess(null);
        return super.retain(increment);
    }

    @Override
    public boolean release() {
        recordAccess(null);
        return super.release();
    }

    @Override
    public boolean release(int decrement) {
        recordAccess(null);
        return super.release(decrement);
    }

    private void recordAccess(Object hint) {
        ResourceLeakTracker<MbufByteBuf> tracker = leak;
        if (tracker != null && recordAccess) {
            if (hint == null) {
                tracker.record();
            } else {
                tracker.record(hint);
            }
        }
    }

    // ---- what the buffer is

    @Override
    public int capacity() {
        return length;
    }

    @Override
    public ByteBufAllocator alloc() {
        return pool.alloc();
    }

    @SuppressWarnings("deprecation")
    @Override
    public ByteOrder order() {
        return ByteOrder.BIG_ENDIAN;
    }

    @Override
    public ByteBuf unwrap() {
        return null;
    }

    @Override
    public boolean isDirect() {
        return true;
    }

    @Override
    public boolean isContiguous() {
        return true;
    }

    @Override
    public boolean hasArray() {
        return false;
    }

    @Override
    public byte[] array() {
        throw new UnsupportedOperationException("direct buffer");
    }

    @Override
    public int arrayOffset() {
        throw new UnsupportedOperationException("direct buffer");
    }

    @Override
    public boolean hasMemoryAddress() {
        return true;
    }

    @Override
    public long memoryAddress() {
        ensureAccessible();
        return address;
    }

    // ---- single values

    @Override
    protected byte _getByte(int index) {
        return memory.get(JAVA_BYTE, index);
    }

    @Override
    protected short _getShort(int index) {
        return memory.get(SHORT_BE, index);
    }

    @Override
    protected short _getShortLE(int index) {
        return memory.get(SHORT_LE, index);
    }

    @Override
    protected int _getUnsignedMedium(int index) {
        return (memory.get(JAVA_BYTE, index) & 0xff) << 16 | memory.get(SHORT_BE, index + 1) & 0xffff;
    }

    @Override
    protected int _getUnsignedMediumLE(int index) {
        return memory.get(JAVA_BYTE, index) & 0xff | (memory.get(SHORT_LE, index + 1) & 0xffff) << 8;
    }

    @Override
    protected int _getInt(int index) {
        return memory.get(INT_BE, index);
    }

    @Override
    protected int _getIntLE(int index) {
        return memory.get(INT_LE, index);
    }

    @Override
    protected long _getLong(int index) {
        return memory.get(LONG_BE, index);
    }

    @Override
    protected long _getLongLE(int index) {
        return memory.get(LONG_LE, index);
    }

    // ---- bulk reads

    @SuppressWarnings("restricted") // dst's own memory address, bounds checked against dst.capacity() above
    @Override
    public ByteBuf getBytes(int index, ByteBuf dst, int dstIndex, int length) {
        checkDstIndex(index, length, dstIndex, dst.capacity());
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        if (dst.hasArray()) {
            MemorySegment.copy(memory, JAVA_BYTE, index, dst.array(), dst.arrayOffset() + dstIndex, length);
        } else if (dst.hasMemoryAddress()) {
            MemorySegment target = MemorySegment.ofAddress(dst.memoryAddress() + dstIndex).reinterpret(length);
            MemorySegment.copy(memory, index, target, 0, length);
        } else if (dst.nioBufferCount() > 0) {
            for (ByteBuffer bb : dst.nioBuffers(dstIndex, length)) {
                int n = bb.remaining();
                getBytes(index, bb);
                index += n;
            }
        } else {
            dst.setBytes(dstIndex, this, index, length);
        }
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, byte[] dst, int dstIndex, int length) {
        checkDstIndex(index, length, dstIndex, dst.length);
        MemorySegment.copy(memory, JAVA_BYTE, index, dst, dstIndex, length);
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, ByteBuffer dst) {
        int n = dst.remaining();
        checkIndex(index, n);
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        MemorySegment.copy(memory, index, MemorySegment.ofBuffer(dst), 0, n);
        dst.position(dst.position() + n);
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, OutputStream out, int length) throws IOException {
        checkIndex(index, length);
        byte[] chunk = new byte[Math.min(length, OUTPUT_STREAM_CHUNK)];
        while (length > 0) {
            int n = Math.min(length, chunk.length);
            MemorySegment.copy(memory, JAVA_BYTE, index, chunk, 0, n);
            out.write(chunk, 0, n);
            index += n;
            length -= n;
        }
        return this;
    }

    @Override
    public int getBytes(int index, GatheringByteChannel out, int length) throws IOException {
        checkIndex(index, length);
        return length == 0 ? 0 : out.write(readOnlySlot().slice(index, length));
    }

    @Override
    public int getBytes(int index, FileChannel out, long position, int length) throws IOException {
        checkIndex(index, length);
        return length == 0 ? 0 : out.write(readOnlySlot().slice(index, length), position);
    }

    @Override
    public ByteBuf copy(int index, int length) {
        checkIndex(index, length);
        ByteBuf copy = alloc().directBuffer(length);
        try {
            copy.writeBytes(this, index, length);
        } catch (Throwable t) {
            copy.release();
            throw t;
        }
        return copy;
    }

    // ---- NIO views: read-only, over the slot's memory, no copy

    @Override
    public int nioBufferCount() {
        return 1;
    }

    @Override
    public ByteBuffer nioBuffer(int index, int length) {
        checkIndex(index, length);
        return readOnlySlot().slice(index, length);
    }

    @Override
    public ByteBuffer[] nioBuffers(int index, int length) {
        return new ByteBuffer[] {nioBuffer(index, length)};
    }

    @Override
    public ByteBuffer internalNioBuffer(int index, int length) {
        checkIndex(index, length);
        ByteBuffer b = internalNio;
        if (b == null) {
            b = readOnlySlot().duplicate();
            internalNio = b;
        }
        return b.clear().position(index).limit(index + length);
    }

    private ByteBuffer readOnlySlot() {
        ByteBuffer b = readOnlySlot;
        if (b == null) {
            b = memory.asByteBuffer().asReadOnlyBuffer();
            readOnlySlot = b;
        }
        return b;
    }

    @Override
    public String toString() {
        return "MbufByteBuf(slot: " + slotId + ", ridx: " + readerIndex() + ", widx: " + writerIndex() + ", cap: "
                + length + (refCnt() == 0 ? ", freed)" : ")");
    }
}
