package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The rule for received buffers that wait for a consumer: the first few stay as they are (on ix, views of the
 * loop's receive mbufs: zero-copy), later ones are copied to the heap and released, so that a slow consumer holds
 * no more than {@value #MAX_QUEUED_VIEWS} of the loop's receive slots however much it lets pile up.
 *
 * <p>Public for the protocol modules built on ix-reactor (ix-http); not an application API.
 */
public final class ReceiveSlots {
    /** Waiting buffers kept as they were received; later ones are heap copies. */
    public static final int MAX_QUEUED_VIEWS = 4;

    private ReceiveSlots() {
    }

    /**
     * @param buf    a received buffer about to join a queue; owned by the caller, who gets it or its copy back
     * @param queued how many buffers the queue holds already
     * @param alloc  where a copy comes from
     * @return {@code buf} while fewer than {@value #MAX_QUEUED_VIEWS} are queued, else a heap copy of its readable
     *         bytes ({@code buf} is released then)
     */
    public static ByteBuf toQueue(ByteBuf buf, int queued, ByteBufAllocator alloc) {
        if (queued < MAX_QUEUED_VIEWS) {
            return buf;
        }
        ByteBuf copy = alloc.heapBuffer(buf.readableBytes()).writeBytes(buf);
        buf.release();
        return copy;
    }
}
