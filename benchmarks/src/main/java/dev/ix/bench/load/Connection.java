package dev.ix.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.TimeUnit;

/**
 * One of the generator's keep-alive connections, across reconnects: its requests in flight, oldest first, with the
 * time each was due and the time it left; its place in the open-loop schedule; its response parser.
 *
 * <p>Everything runs on the connection's event loop ({@link LoadLoop}), apart from the first {@link #connect()}.
 * Events of a channel this connection has given up (after an error, a timeout or a {@code Connection: close}) are
 * ignored: they are told apart by the channel they come from.
 */
final class Connection implements ResponseDecoder.Listener, ChannelFutureListener {

    private static final long RECONNECT_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** When this connection's next request is due, ns; the key of {@link DueQueue}. */
    long dueAt;
    /** Its place in {@link DueQueue}, -1 when not queued. */
    int queueIndex = -1;
    /** Whether it is in its loop's list of connections with requests to write. */
    boolean writeQueued;

    private final LoadLoop loop;
    private final int index;
    private final int pipeline;
    private final long[] intended;
    private final long[] sent;
    private final ResponseDecoder parser;

    private int head;
    /** Requests taken from the schedule and not answered yet, written or not. */
    private int outstanding;
    /** The newest {@code unwritten} of {@link #outstanding} wait for the loop's next write pass. */
    private int unwritten;
    /** Requests written on the current channel; modulo the pipeline depth, the slot of the next one. */
    private long written;

    private long base;
    private long nextRequest;

    private Channel channel;
    /** Whether a connect has succeeded once: a failing first connect fails the run, a reconnect is retried. */
    private boolean connectedOnce;
    private long readNow;
    private boolean unexpectedResponse;
    private boolean closeAfterRead;

    /**
     * @param index this connection's number among all the generator's, which sets its phase in an open-loop
     *              schedule
     */
    Connection(LoadLoop loop, int index) {
        this.loop = loop;
        this.index = index;
        this.pipeline = loop.pipeline;
        this.intended = new long[pipeline];
        this.sent = new long[pipeline];
        this.parser = loop.protocol.decoder(pipeline);
    }

    /** Starts a connect; the returned future completes when it is established (or has failed). */
    ChannelFuture connect() {
        ChannelFuture f = loop.bootstrap().handler(new ConnectionHandler(this)).connect(loop.address);
        f.addListener((ChannelFutureListener) this::connected);
        return f;
    }

    private void connected(ChannelFuture future) {
        Channel ch = future.channel();
        if (!future.isSuccess()) {
            if (connectedOnce) {
                loop.stats.connectError(System.nanoTime());
                reconnectLater();
            }
            return;
        }
        if (loop.stopped()) {
            ch.close();
            return;
        }
        connectedOnce = true;
        channel = ch;
        parser.reset();
        if (loop.started()) {
            sendWhatIsDue(System.nanoTime());
            loop.afterEvents();
        }
    }

    /**
     * Places this connection in the schedule; called on its loop when the load starts.
     *
     * @param base when request 0 of an open-loop schedule is due, ns (the run's start plus this connection's phase)
     */
    void start(long base) {
        this.base = base;
        this.nextRequest = 0;
        sendWhatIsDue(System.nanoTime());
    }

    /** @return this connection's number among all the generator's */
    int index() {
        return index;
    }

    /** @return when request {@code k} is due, ns */
    private long due(long k) {
        return base + (long) (k * loop.intervalNanos);
    }

    /**
     * Takes from the schedule every request that is due by {@code now} and fits in the pipeline (closed loop: fills
     * the pipeline), and queues this connection for the time of the next one when it has room for it.
     */
    void sendWhatIsDue(long now) {
        loop.queue.remove(this);
        if (channel == null || !channel.isActive() || !loop.sending() || now >= loop.windowEnd) {
            return;
        }
        if (!loop.openLoop) {
            while (outstanding < pipeline) {
                add(now, now);
            }
            if (unwritten > 0) {
                loop.needsWrite(this);
            }
            return;
        }
        while (outstanding < pipeline) {
            long t = due(nextRequest);
            if (t >= loop.windowEnd) {
                // Not return: the requests taken above in this call must still be written.
                break;
            }
            if (t > now) {
                dueAt = t;
                loop.queue.offer(this);
                break;
            }
            add(t, now);
            nextRequest++;
        }
        if (unwritten > 0) {
            loop.needsWrite(this);
        }
    }

    private void add(long intendedAt, long sentAt) {
        loop.stats.sent(sentAt, intendedAt);
        int slot = (head + outstanding) % pipeline;
        intended[slot] = intendedAt;
        sent[slot] = sentAt;
        outstanding++;
        unwritten++;
        loop.outstanding++;
    }

    /**
     * Writes the requests taken since the last write as one slice of the template, starting after the requests this
     * channel has carried (RPC numbers requests by slot, memcached workloads walk a sequence); the loop flushes
     * afterwards.
     */
    boolean write() {
        if (unwritten == 0 || channel == null) {
            return false;
        }
        ByteBuf requests = loop.template.requests(index, written, unwritten);
        written += unwritten;
        unwritten = 0;
        channel.write(requests).addListener(this);
        return true;
    }

    void flush() {
        if (channel != null) {
            channel.flush();
        }
    }

    /** A write's outcome. */
    @Override
    public void operationComplete(ChannelFuture future) {
        if (!future.isSuccess() && future.channel() == channel) {
            loop.stats.writeError(System.nanoTime());
            abandon();
            reconnect();
            loop.afterEvents();
        }
    }

    void read(Channel ch, ByteBuf in) {
        if (ch != channel) {
            return;
        }
        long now = System.nanoTime();
        readNow = now;
        loop.stats.bytes(now, in.readableBytes());
        boolean ok = parser.feed(in, this);
        if (!ok || unexpectedResponse) {
            loop.stats.readError(now);
            unexpectedResponse = false;
            closeAfterRead = false;
            abandon();
            reconnect();
        } else if (closeAfterRead) {
            closeAfterRead = false;
            abandon();
            reconnect();
        }
        loop.drainedMaybe();
    }

    void readComplete() {
        loop.afterEvents();
    }

    @Override
    public void response(int status, boolean keepAlive) {
        if (outstanding - unwritten <= 0) {
            unexpectedResponse = true;
            return;
        }
        long now = readNow;
        long intendedAt = intended[head];
        long sentAt = sent[head];
        head = (head + 1) % pipeline;
        outstanding--;
        loop.outstanding--;
        if (now - sentAt > loop.timeoutNanos) {
            loop.stats.timedOut(now, intendedAt);
        } else {
            loop.stats.response(now, intendedAt, sentAt, status);
        }
        if (!keepAlive) {
            closeAfterRead = true;
            return;
        }
        sendWhatIsDue(now);
    }

    void inactive(Channel ch) {
        if (ch != channel) {
            return;
        }
        long now = System.nanoTime();
        readNow = now;
        boolean clean = parser.endOfInput(this);
        if (!clean || outstanding - unwritten > 0 || unexpectedResponse) {
            // The peer closed with requests unanswered (or mid-response): wrk counts such a close as a read error.
            loop.stats.readError(now);
        }
        unexpectedResponse = false;
        closeAfterRead = false;
        abandon();
        reconnect();
        loop.afterEvents();
        loop.drainedMaybe();
    }

    void failed(Channel ch) {
        if (ch != channel) {
            return;
        }
        loop.stats.readError(System.nanoTime());
        abandon();
        reconnect();
        loop.afterEvents();
        loop.drainedMaybe();
    }

    /**
     * Gives up the channel when its oldest written request has waited longer than the timeout: all its requests
     * count as timeouts, and it reconnects.
     */
    void checkTimeout(long now) {
        int written = outstanding - unwritten;
        if (channel != null && written > 0 && now - sent[head] > loop.timeoutNanos) {
            giveUp(now, written);
            abandon();
            reconnect();
        }
    }

    /** Records the oldest {@code written} requests in flight as timed out at {@code now}. */
    private void giveUp(long now, int written) {
        for (int i = 0; i < written; i++) {
            loop.stats.timedOut(now, intended[(head + i) % pipeline]);
        }
    }

    /**
     * At the window's end (open loop): charges every request of this connection's schedule that was due before
     * {@code windowEnd} and has not left, and moves the schedule past them.
     */
    void chargeUnsent(long windowEnd) {
        if (!loop.openLoop) {
            return;
        }
        long k = nextRequest;
        for (long t = due(k); t < windowEnd; t = due(++k)) {
            loop.stats.unsent(windowEnd, t);
        }
        nextRequest = k;
    }

    /**
     * Ends this connection for good: requests still unanswered count as timeouts.
     *
     * @return the close of its channel, or {@code null} when it has none
     */
    ChannelFuture finish(long now) {
        int written = outstanding - unwritten;
        if (written > 0) {
            giveUp(now, written);
        }
        Channel ch = channel;
        abandon();
        return ch == null ? null : ch.closeFuture();
    }

    /** Drops the channel and whatever was in flight on it, and closes it. */
    private void abandon() {
        loop.queue.remove(this);
        loop.outstanding -= outstanding;
        outstanding = 0;
        unwritten = 0;
        written = 0;
        head = 0;
        Channel ch = channel;
        channel = null;
        if (ch != null) {
            ch.close();
        }
    }

    private void reconnect() {
        if (!loop.stopped()) {
            connect();
        }
    }

    private void reconnectLater() {
        if (!loop.stopped()) {
            loop.eventLoop.schedule(this::reconnect, RECONNECT_DELAY_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public String toString() {
        return "connection " + index;
    }
}
