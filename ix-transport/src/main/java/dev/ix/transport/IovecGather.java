package dev.ix.transport;

import dev.ix.transport.uring.Net;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOutboundBuffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * Writes the flushed buffers of a channel's outbound buffer into an {@code iovec} array for one {@code sendmsg}, in
 * place: a buffer with a native address is one entry; a direct buffer made of several parts (a
 * {@link io.netty.buffer.CompositeByteBuf} of direct buffers) is one entry per part, so it is sent without being
 * copied, as Netty's epoll {@code IovArray} does.
 *
 * <pre>
 * struct iovec (16 bytes): 0 u64 iov_base   8 u64 iov_len
 * </pre>
 *
 * At most {@link Net#IOV_MAX} entries and {@code Integer.MAX_VALUE} bytes go into one array; a buffer that does not fit
 * wholly goes in as far as it fits and the rest is sent next time (the completion's byte count says how far the
 * outbound buffer advances). Reused by its channel: a buffer with a native address costs no allocation; a multi-part
 * buffer allocates the {@link ByteBuffer} views Netty's {@code nioBuffers} returns, once per write.
 *
 * <p>Loop thread of the owning channel only.
 */
final class IovecGather implements ChannelOutboundBuffer.MessageProcessor {

    private MemorySegment mem;
    private long iovOff;
    private int max;
    private boolean counting;
    private int count;
    private long total;
    private long firstAddress;

    /**
     * @return whether a flushed or unflushed buffer may need more than one entry (it is direct, but has no single
     *         native address)
     */
    static boolean isMultiPart(ByteBuf buf) {
        return !buf.hasMemoryAddress();
    }

    /**
     * @return whether the transport sends {@code buf} as it is: a native address, or direct parts it can gather;
     *         anything else (heap memory, or a composite with a heap part) must be copied to direct memory first
     */
    static boolean isSendable(ByteBuf buf) {
        return buf.hasMemoryAddress() || buf.isDirect() && buf.nioBufferCount() > 0;
    }

    /** @return the entries the flushed buffers need, at most {@link Net#IOV_MAX} (an upper bound: empty parts count) */
    int entriesNeeded(ChannelOutboundBuffer in) {
        start(null, 0, Net.IOV_MAX, true);
        forEach(in);
        return count;
    }

    /** Fills up to {@code max} entries at {@code iovOff} in {@code mem} from the flushed buffers. */
    void gather(ChannelOutboundBuffer in, MemorySegment mem, long iovOff, int max) {
        start(mem, iovOff, max, false);
        forEach(in);
    }

    private void start(MemorySegment mem, long iovOff, int max, boolean counting) {
        this.mem = mem;
        this.iovOff = iovOff;
        this.max = max;
        this.counting = counting;
        count = 0;
        total = 0;
        firstAddress = 0;
    }

    private void forEach(ChannelOutboundBuffer in) {
        try {
            in.forEachFlushedMessage(this);
        } catch (Exception e) {
            throw new IllegalStateException(e); // processMessage throws nothing
        } finally {
            mem = null;
        }
    }

    /** @return entries written by the last {@link #gather} */
    int count() {
        return count;
    }

    /** @return bytes the entries of the last {@link #gather} cover */
    long total() {
        return total;
    }

    /** @return the address of the first entry of the last {@link #gather} (for a plain {@code send} of one) */
    long firstAddress() {
        return firstAddress;
    }

    @Override
    public boolean processMessage(Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            return false;
        }
        int readable = buf.readableBytes();
        if (readable == 0) {
            return count < max;
        }
        if (buf.hasMemoryAddress()) {
            return add(buf.memoryAddress() + buf.readerIndex(), readable);
        }
        int parts = buf.nioBufferCount();
        if (counting) {
            count = Math.min(max, count + parts);
            return count < max;
        }
        if (parts == 1) {
            return add(buf.internalNioBuffer(buf.readerIndex(), readable)) && count < max;
        }
        for (ByteBuffer part : buf.nioBuffers(buf.readerIndex(), readable)) {
            if (!add(part)) {
                return false;
            }
        }
        return count < max;
    }

    private boolean add(ByteBuffer part) {
        int len = part.remaining();
        return len == 0 || add(MemorySegment.ofBuffer(part).address(), len);
    }

    /** @return whether more entries fit after this one; false without adding it when it does not fit */
    private boolean add(long address, int len) {
        if (count >= max || total + len > Integer.MAX_VALUE) {
            return false;
        }
        if (!counting) {
            if (count == 0) {
                firstAddress = address;
            }
            long e = iovOff + (long) count * Net.IOVEC_SIZE;
            mem.set(ValueLayout.JAVA_LONG, e, address);
            mem.set(ValueLayout.JAVA_LONG, e + 8, len);
        }
        count++;
        total += len;
        return count < max;
    }
}
