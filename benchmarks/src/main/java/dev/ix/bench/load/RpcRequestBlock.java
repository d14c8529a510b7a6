package dev.ix.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The RPC request every connection sends, {@link RpcWire#PAYLOAD} in a request frame, encoded once for each id
 * {@code 0..copies-1} and laid out twice in a row (the second run one frame short):
 * <pre>
 *   id: 0 1 2 … copies-1 | 0 1 2 … copies-2
 * </pre>
 * A connection numbers its requests by their slot in its pipeline ring, so the {@code n} requests it writes next have
 * ids {@code first, first+1, …} modulo {@code copies}: always one contiguous slice of this block. Ids are therefore
 * unique among a connection's requests in flight (ix's RPC server requires it), and a response's id names the slot
 * it answers ({@link RpcResponseParser} checks it), at no cost per request.
 *
 * <p>Thread-safe once built (slices only read it). The buffer belongs to this object until {@link #release()}.
 */
final class RpcRequestBlock implements RequestBlock {

    /** Bytes of one request frame. */
    static final int FRAME_BYTES = RpcWire.HEADER_BYTES + RpcWire.PAYLOAD.length;

    private final ByteBuf block;
    private final int copies;

    private RpcRequestBlock(ByteBuf block, int copies) {
        this.block = block;
        this.copies = copies;
    }

    /** @param copies the most requests one slice may hold (the pipeline depth), and the number of distinct ids */
    static RpcRequestBlock of(int copies) {
        if (copies < 1) {
            throw new IllegalArgumentException("copies: " + copies + " (expected: >= 1)");
        }
        int frames = 2 * copies - 1;
        ByteBuf block = Unpooled.directBuffer(frames * FRAME_BYTES);
        ByteBuf payload = Unpooled.wrappedBuffer(RpcWire.PAYLOAD);
        for (int i = 0; i < frames; i++) {
            RpcWire.writeFrame(block, i % copies, RpcWire.REQUEST, payload);
        }
        return new RpcRequestBlock(block, copies);
    }

    @Override
    public ByteBuf requests(int connection, long sequence, int n) {
        return requests((int) (sequence % copies), n);
    }

    /** @param first the pipeline slot, i.e. the id, of the first request */
    ByteBuf requests(int first, int n) {
        if (first < 0 || first >= copies || n < 1 || n > copies) {
            throw new IllegalArgumentException("first: " + first + ", n: " + n + " (expected: 0 <= first < " + copies
                    + ", 1 <= n <= " + copies + ")");
        }
        return block.retainedSlice(first * FRAME_BYTES, n * FRAME_BYTES);
    }

    @Override
    public void release() {
        block.release();
    }
}
