package dev.ix.reactor;

import io.netty.channel.ChannelHandlerContext;

/**
 * Flushes a connection once per loop turn for writes made outside its read batch (a response completed by a timer
 * or another thread, a call submitted as a task): the first such write queues one flush task, and every write the
 * turn makes before that task runs goes out with it in one {@code writev}. Writes made while the connection reads
 * need none of this: its {@code channelReadComplete} flushes. Loop thread only.
 */
final class TurnFlusher implements Runnable {
    private final ChannelHandlerContext ctx;
    private boolean queued;

    TurnFlusher(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Makes sure a flush follows in this loop turn. */
    void flushLater() {
        if (!queued) {
            queued = true;
            ctx.executor().execute(this);
        }
    }

    @Override
    public void run() {
        queued = false;
        ctx.flush();
    }
}
