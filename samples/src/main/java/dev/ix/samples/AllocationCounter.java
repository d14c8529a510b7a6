package dev.ix.samples;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * The JVM's running total of heap bytes allocated, for {@code GET /stats/allocated-bytes} (here and in the benchmark
 * harness's other Java servers). Thread-safe.
 */
public final class AllocationCounter {

    /**
     * The payload of an RPC request that an RPC echo sample answers with {@link #totalAllocatedBytes()} instead of
     * echoing it, as {@code GET /stats/allocated-bytes} does over HTTP: {@value}. No echo request of the benchmark
     * harness carries it.
     */
    public static final String RPC_QUERY = "/stats/allocated-bytes";

    /** Read-only with absolute indices, so every loop thread may compare against it. */
    private static final ByteBuf RPC_QUERY_BYTES = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer(RPC_QUERY.getBytes(StandardCharsets.US_ASCII)));
    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private AllocationCounter() {
    }

    /**
     * @return bytes allocated on the heap by all threads since the JVM started, dead threads included (the
     *         JVM calls it an approximation); {@code -1} if this JVM cannot measure it
     */
    public static long totalAllocatedBytes() {
        return THREADS == null ? -1 : THREADS.getTotalThreadAllocatedBytes();
    }

    /**
     * @param payload an RPC request's payload; its indices do not move
     * @return whether it is {@link #RPC_QUERY}
     */
    public static boolean isRpcQuery(ByteBuf payload) {
        // The length first: an echo request of another length costs one comparison.
        int n = RPC_QUERY_BYTES.readableBytes();
        return payload.readableBytes() == n && ByteBufUtil.equals(payload, payload.readerIndex(), RPC_QUERY_BYTES, 0, n);
    }

    /** @return {@link #totalAllocatedBytes()} in decimal ASCII, in a new buffer the caller owns */
    public static ByteBuf rpcAnswer() {
        return Unpooled.copiedBuffer(Long.toString(totalAllocatedBytes()), StandardCharsets.US_ASCII);
    }

    private static com.sun.management.ThreadMXBean threads() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
                && bean.isThreadAllocatedMemorySupported()) {
            // On by default in HotSpot; switched on here in case a flag turned it off, since the count is the point.
            bean.setThreadAllocatedMemoryEnabled(true);
            return bean;
        }
        return null;
    }
}
