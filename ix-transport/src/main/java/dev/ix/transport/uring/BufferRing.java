package dev.ix.transport.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A provided-buffer ring ({@code IORING_REGISTER_PBUF_RING}): the free list of receive buffers shared with the
 * kernel. A multishot {@code recv} with {@code IOSQE_BUFFER_SELECT} takes the next buffer from it and reports the
 * buffer id in its CQE; we give buffers back with {@link #add} and make them visible with one release store of the
 * tail in {@link #publish}, no system call.
 *
 * <pre>
 * ring memory: entries x struct io_uring_buf (16 bytes)
 *   0 u64 addr   8 u32 len   12 u16 bid   14 u16 resv   (entry 0's resv is the ring's tail)
 * </pre>
 *
 * Owner thread only, like the {@link Ring} it is registered with.
 */
public final class BufferRing implements AutoCloseable {
    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT.varHandle();

    private final int ringFd;
    private final short groupId;
    private final int entries;
    private final int mask;
    private final long address;
    private final long size;
    private final MemorySegment memory;
    private int tail;
    private int added;
    private boolean registered;

    private BufferRing(int ringFd, short groupId, int entries, long address, long size) {
        this.ringFd = ringFd;
        this.groupId = groupId;
        this.entries = entries;
        this.mask = entries - 1;
        this.address = address;
        this.size = size;
        this.memory = MemorySegment.ofAddress(address).reinterpret(size);
    }

    /**
     * Maps and registers an empty buffer ring.
     *
     * @param entries a power of two, at most 32768
     */
    public static BufferRing register(Ring ring, short groupId, int entries) throws NativeIoException {
        if (entries < 1 || entries > 32768 || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("entries: " + entries + " (expected: a power of two in 1..32768)");
        }
        long size = (long) entries * Uring.BUF_SIZE;
        long addr = LibC.mmap(0, size, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1, 0);
        if (addr < 0) {
            throw new NativeIoException("mmap(buffer ring, " + size + " bytes)", (int) -addr);
        }
        BufferRing br = new BufferRing(ring.fd(), groupId, entries, addr, size);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment reg = a.allocate(Uring.BUF_REG_SIZE, 8);
            reg.set(ValueLayout.JAVA_LONG, Uring.BUF_REG_RING_ADDR, addr);
            reg.set(ValueLayout.JAVA_INT, Uring.BUF_REG_RING_ENTRIES, entries);
            reg.set(ValueLayout.JAVA_SHORT, Uring.BUF_REG_BGID, groupId);
            int r = LibC.ioUringRegister(ring.fd(), Uring.IORING_REGISTER_PBUF_RING, reg.address(), 1);
            if (r < 0) {
                LibC.munmap(addr, size);
                throw new NativeIoException("io_uring_register(IORING_REGISTER_PBUF_RING, entries=" + entries
                        + ", bgid=" + groupId + ")", -r);
            }
        }
        br.registered = true;
        return br;
    }

    /** Queues buffer {@code bid} ({@code length} bytes at {@code bufferAddress}); visible after {@link #publish}. */
    public void add(int bid, long bufferAddress, int length) {
        long e = (long) ((tail + added) & mask) * Uring.BUF_SIZE;
        MemorySegment m = memory;
        m.set(ValueLayout.JAVA_LONG, e + Uring.BUF_ADDR, bufferAddress);
        m.set(ValueLayout.JAVA_INT, e + Uring.BUF_LEN, length);
        m.set(ValueLayout.JAVA_SHORT, e + Uring.BUF_BID, (short) bid);
        added++;
    }

    /** Makes every buffer added since the last call available to the kernel. @return how many */
    public int publish() {
        int n = added;
        if (n != 0) {
            tail += n;
            added = 0;
            SHORT.setRelease(memory, (long) Uring.BUF_RING_TAIL, (short) tail);
        }
        return n;
    }

    /** @return the buffer group id that {@code recv} SQEs name */
    public short groupId() {
        return groupId;
    }

    public int entries() {
        return entries;
    }

    /** Unregisters the ring from the kernel and unmaps it. Idempotent. */
    @Override
    public void close() {
        if (registered) {
            registered = false;
            try (Arena a = Arena.ofConfined()) {
                MemorySegment reg = a.allocate(Uring.BUF_REG_SIZE, 8);
                reg.set(ValueLayout.JAVA_SHORT, Uring.BUF_REG_BGID, groupId);
                LibC.ioUringRegister(ringFd, Uring.IORING_UNREGISTER_PBUF_RING, reg.address(), 1);
            }
            LibC.munmap(address, size);
        }
    }
}
