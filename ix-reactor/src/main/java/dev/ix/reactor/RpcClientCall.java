package dev.ix.reactor;

import dev.ix.transport.IxTimer;
import io.netty.buffer.ByteBuf;

import java.util.concurrent.RejectedExecutionException;

/**
 * The loop's side of one client call: the task that carries it to its connection's loop, its deadline timer on that
 * loop's wheel, and the request until it is written. The subscriber's side is its {@link RpcCallMono}.
 * <pre>
 *   phase (loop):  NEW --run--&gt; SENT --&gt; DONE      NEW --run--&gt; QUEUED --&gt; SENT --&gt; DONE
 *                  every phase --deadline, failure, cancel--&gt; DONE
 * </pre>
 * Loop thread only, except {@link #start} and {@link #cancelled()}.
 */
final class RpcClientCall extends IxTimer implements Runnable {
    static final int NEW = 0;
    static final int QUEUED = 1;
    static final int SENT = 2;
    static final int DONE = 3;

    private final RpcCallMono mono;
    final long deadlineNanos;
    /** Set before the hop to the loop; read by a cancel on any thread. */
    private volatile RpcClientHandler connection;
    private ByteBuf request;
    int phase = NEW;
    long id;

    RpcClientCall(RpcCallMono mono, ByteBuf request, long deadlineNanos) {
        this.mono = mono;
        this.request = request;
        this.deadlineNanos = deadlineNanos;
    }

    /** Subscriber's thread: hands the call to {@code connection}'s loop. */
    void start(RpcClientHandler connection) {
        this.connection = connection;
        if (connection.loop.inEventLoop()) {
            run();
            return;
        }
        try {
            connection.loop.execute(this);
        } catch (RejectedExecutionException loopGone) {
            // Not LoopTasks.tryExecute: the refusal is the failure's cause.
            phase = DONE;
            releaseRequest();
            mono.fail(IxRpcException.of(IxRpcException.Reason.DISPOSED, "the client's loops have shut down",
                    loopGone));
        }
    }

    /** Any thread: the subscriber cancelled; the loop unregisters the call (before its start, run() sees it). */
    void cancelled() {
        RpcClientHandler c = connection;
        if (c != null) {
            // Refused when the loop is gone, and its connections with it: nothing to unregister then.
            LoopTasks.tryExecute(c.loop, this);
        }
    }

    /** On the loop: first the start of the call, later (after a cancel) its clean-up. */
    @Override
    public void run() {
        if (phase == NEW) {
            if (mono.isCancelled()) {
                phase = DONE;
                releaseRequest();
            } else {
                connection.start(this);
            }
        } else if (phase != DONE && mono.isCancelled()) {
            connection.cancelled(this);
        }
    }

    @Override
    protected void expired(long nowNanos) {
        connection.deadlinePassed(this);
    }

    ByteBuf takeRequest() {
        ByteBuf r = request;
        request = null;
        return r;
    }

    void releaseRequest() {
        ByteBuf r = request;
        if (r != null) {
            request = null;
            r.release();
        }
    }

    /** Loop thread: ends the call's life on the loop; its outcome is given to {@link #succeed} or {@link #fail}. */
    void finish() {
        phase = DONE;
        cancel(); // the deadline timer, if armed
        releaseRequest();
    }

    void succeed(ByteBuf response) {
        mono.succeed(response);
    }

    void fail(Throwable error) {
        mono.fail(error);
    }
}
