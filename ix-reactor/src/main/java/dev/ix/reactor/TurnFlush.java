package dev.ix.reactor;

import io.netty.channel.Channel;

/**
 * Flushes a connection once per loop turn however many writes the turn made: at the end of the read batch when the
 * writes answer this connection's own reads (its {@code channelReadComplete}, still inside the turn that received
 * the request), otherwise from one task that runs after the turn's I/O. Either way the sends go out with the loop's
 * next {@code io_uring_enter}, batched with every other connection's. A handler that flushes in its own
 * {@code channelReadComplete} (RPC) only calls {@link #request()}, for writes made outside its read batch (a
 * response completed by a timer or another thread): the first queues one flush task for the turn. Loop thread only.
 *
 * <p>Public for the protocol modules built on ix-reactor (ix-http); not an application API.
 */
public final class TurnFlush implements Runnable {
    private final Channel channel;
    /** Between this channel's {@code channelRead} and its {@code channelReadComplete}. */
    private boolean inReadBatch;
    /** A write waits for the flush at the read batch's end. */
    private boolean atReadComplete;
    /** A flush task is queued on the loop. */
    private boolean scheduled;

    /** @param channel the connection it flushes */
    public TurnFlush(Channel channel) {
        this.channel = channel;
    }

    /** The connection's {@code channelRead} started a read batch. */
    public void readStarted() {
        inReadBatch = true;
    }

    /** The read batch ended ({@code channelReadComplete}): flushes what the batch wrote. */
    public void readCompleted() {
        inReadBatch = false;
        if (atReadComplete) {
            atReadComplete = false;
            channel.flush();
        }
    }

    /** Something was written: flush it within this turn. */
    public void request() {
        if (inReadBatch) {
            atReadComplete = true;
        } else if (!scheduled) {
            scheduled = true;
            channel.eventLoop().execute(this);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        channel.flush();
    }
}
