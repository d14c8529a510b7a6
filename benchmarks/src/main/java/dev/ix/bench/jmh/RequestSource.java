package dev.ix.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.ByteBuffer;

/**
 * Where an HTTP benchmark's request bytes sit, by the {@code source} parameter: {@code direct}, one direct
 * {@code ByteBuf} read again each time, or {@code mbuf}, a receive view of an {@code MbufPool} slot as the ix
 * transport delivers it. Thread-confined, like the pool.
 */
final class RequestSource implements AutoCloseable {
    private final ByteBuf direct;
    private final ReceivePath mbufs;

    private RequestSource(ByteBuf direct, ReceivePath mbufs) {
        this.direct = direct;
        this.mbufs = mbufs;
    }

    /**
     * @param request {@link Requests#bytes(String)}'s name: {@code wrk} or {@code tfb}
     * @param source  {@code direct} or {@code mbuf}
     */
    static RequestSource open(String request, String source) {
        byte[] bytes = Requests.bytes(request);
        return switch (source) {
            // A wrapped JDK direct buffer has no leak-detection wrapper, whatever the sampling picks.
            case "direct" -> new RequestSource(
                    Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()), null);
            // One slot is held at a time (each read is released); a few let the free list rotate.
            case "mbuf" -> new RequestSource(null, ReceivePath.open(MbufPoolBenchmark.SLOT_SIZE, 16, bytes));
            default -> throw new IllegalArgumentException("source: " + source + " (expected: direct or mbuf)");
        };
    }

    /** @return the bytes of the next read, the caller's to release (the direct buffer retained, or an mbuf view) */
    ByteBuf next() {
        return mbufs != null ? mbufs.receive() : direct.readerIndex(0).retain();
    }

    /** @return the receive path of the {@code mbuf} source, {@code null} for {@code direct}; for checks */
    ReceivePath mbufs() {
        return mbufs;
    }

    /** Frees the source; an mbuf pool with a slot still held fails the run. */
    @Override
    public void close() {
        if (direct != null) {
            direct.release();
        }
        if (mbufs != null) {
            mbufs.close();
        }
    }
}
