package dev.ix.bench.load;

import io.netty.buffer.ByteBuf;

/**
 * The requests every connection sends, encoded once into one buffer so that {@code n} pipelined requests leave as one
 * slice of it: no encoding and no copying per request. One per run, shared by all the generator's loops.
 *
 * <p>Thread-safe once built (slices only read it). The buffer belongs to this object until {@link #release()}.
 */
interface RequestBlock {

    /**
     * @param first the connection's pipeline slot of the first request, {@code 0 <= first < copies}: where the
     *              protocol numbers its requests (RPC ids), the slice starts at the request numbered {@code first}
     * @param n     requests, {@code 1 <= n <= copies}
     * @return {@code n} requests back to back in a retained slice; ownership passes to the caller (the channel's
     *         write releases it)
     */
    ByteBuf requests(int first, int n);

    /** Releases the buffer; after the run, once no slice is being written. */
    void release();
}
