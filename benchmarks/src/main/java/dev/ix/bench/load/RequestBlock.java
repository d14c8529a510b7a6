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
     * @param connection the connection's number among the generator's ({@code >= 0}): where requests differ from one
     *                   another (memcached keys), connections start at different points of the block
     * @param sequence   requests the connection has written on its channel before these ({@code >= 0}, from 0 again
     *                   after a reconnect); modulo the pipeline depth, the pipeline slot of the first request, which
     *                   is where a protocol that numbers its requests (RPC ids) starts the slice
     * @param n          requests, {@code 1 <= n <= copies}
     * @return {@code n} requests back to back in a retained slice; ownership passes to the caller (the channel's
     *         write releases it)
     */
    ByteBuf requests(int connection, long sequence, int n);

    /** Releases the buffer; after the run, once no slice is being written. */
    void release();
}
