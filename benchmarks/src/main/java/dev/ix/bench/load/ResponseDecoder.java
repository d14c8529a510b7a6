package dev.ix.bench.load;

import io.netty.buffer.ByteBuf;

/**
 * Finds where each response ends in a connection's received bytes, for one {@link LoadProtocol}: the generator's
 * only view of what the server says. Implementations allocate nothing per response.
 *
 * <p>Not thread-safe: one instance per connection, used on its event loop only.
 */
interface ResponseDecoder {

    /** Receives each complete response. */
    interface Listener {
        /**
         * @param status    an HTTP status code: 2xx and 3xx are successes, anything else counts as an error (an RPC
         *                  decoder reports a response as 200 and an error response as 500)
         * @param keepAlive whether the connection may carry further responses; when false the decoder ignores all
         *                  further input until {@link #reset()}
         */
        void response(int status, boolean keepAlive);
    }

    /**
     * Decodes the readable bytes of {@code in} without moving its indices; the caller keeps ownership of the buffer.
     *
     * @return {@code false} if the input is not a valid response stream ({@link #error()} says why); the connection
     *         should then be closed
     */
    boolean feed(ByteBuf in, Listener listener);

    /**
     * Tells the decoder the connection has closed.
     *
     * @return whether the input ended between responses (or completed one that runs until the close)
     */
    boolean endOfInput(Listener listener);

    /** @return why the last {@link #feed} failed, or {@code null} */
    String error();

    /** Forgets everything: for a new connection. */
    void reset();
}
