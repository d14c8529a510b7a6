package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

import java.nio.channels.ClosedChannelException;

/**
 * Writes one {@link IxOutbound#send} publisher to its connection: asks for at most {@link #PREFETCH} buffers ahead,
 * and for more only while the channel is writable, waiting for {@code channelWritabilityChanged} otherwise, so a slow
 * peer stops the publisher instead of growing the outbound buffer. Writes are flushed once per turn
 * ({@link TurnFlush}). Completes its downstream when the kernel has taken the last buffer: an empty buffer written
 * last carries the promise, which Netty completes once everything before it is written.
 *
 * <p>Signals from a publisher on another thread hop to the loop, one task each, in order.
 */
final class SendSubscriber implements CoreSubscriber<Object>, Subscription {
    /** Buffers asked for ahead of the writes; replenished when half are used. */
    static final int PREFETCH = 32;

    private final ChannelConnection connection;
    private final Channel channel;
    private final EventLoop loop;
    private final CoreSubscriber<? super Void> actual;
    private Subscription upstream;
    /** Requested and not yet received. */
    private int outstanding;
    private boolean done;
    /** Written on the loop; read by a publisher on another thread, which then releases instead of hopping. */
    private volatile boolean cancelled;

    SendSubscriber(ChannelConnection connection, CoreSubscriber<? super Void> actual) {
        this.connection = connection;
        this.channel = connection.channel();
        this.loop = channel.eventLoop();
        this.actual = actual;
    }

    /** Buffers that operators above the send drop (cancel, error) are released, not left to the GC. */
    @Override
    public Context currentContext() {
        return Operators.enableOnDiscard(actual.currentContext(), ReferenceCountUtil::safeRelease);
    }

    @Override
    public void onSubscribe(Subscription s) {
        if (Operators.validate(upstream, s)) {
            upstream = s;
            actual.onSubscribe(this);
            if (loop.inEventLoop()) {
                requestMore();
            } else if (!LoopTasks.tryExecute(loop, this::requestMore)) {
                s.cancel();
            }
        }
    }

    @Override
    public void onNext(Object msg) {
        if (loop.inEventLoop()) {
            write(msg);
        } else if (cancelled) {
            ReferenceCountUtil.safeRelease(msg); // late: the task might never run if the loop is stopping
        } else if (!LoopTasks.tryExecute(loop, () -> write(msg))) {
            ReferenceCountUtil.safeRelease(msg); // the loop has shut down: nothing will send it
            upstream.cancel();
        }
    }

    @Override
    public void onError(Throwable t) {
        if (loop.inEventLoop()) {
            fail(t);
        } else if (!LoopTasks.tryExecute(loop, () -> fail(t))) {
            Operators.onErrorDropped(t, actual.currentContext());
        }
    }

    @Override
    public void onComplete() {
        if (loop.inEventLoop()) {
            complete();
        } else {
            LoopTasks.tryExecute(loop, this::complete); // refused: the loop shut down and its connection with it
        }
    }

    @Override
    public void request(long n) {
        // Completion is the only signal downstream gets: its demand changes nothing.
    }

    @Override
    public void cancel() {
        if (loop.inEventLoop()) {
            cancelOnLoop();
        } else if (!LoopTasks.tryExecute(loop, this::cancelOnLoop)) {
            upstream.cancel();
        }
    }

    private void cancelOnLoop() {
        if (!cancelled) {
            cancelled = true;
            connection.stopWaitingForWritability(this);
            upstream.cancel();
        }
    }

    private void write(Object msg) {
        outstanding--;
        if (done || cancelled) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!channel.isActive()) {
            ReferenceCountUtil.release(msg);
            requestMore(); // fails the send
            return;
        }
        channel.write(msg, channel.voidPromise());
        connection.flush().request();
        if (outstanding <= PREFETCH / 2) {
            requestMore();
        }
    }

    /** Loop thread; also called by the connection when the channel becomes writable again. */
    void requestMore() {
        if (done || cancelled) {
            return;
        }
        if (!channel.isActive()) {
            done = true;
            upstream.cancel();
            actual.onError(new ClosedChannelException());
            return;
        }
        if (!channel.isWritable()) {
            connection.waitForWritability(this);
            return;
        }
        int n = PREFETCH - outstanding;
        if (n > 0) {
            outstanding += n;
            upstream.request(n);
        }
    }

    private void complete() {
        if (done || cancelled) {
            return;
        }
        done = true;
        connection.stopWaitingForWritability(this);
        ChannelPromise last = channel.newPromise();
        channel.write(Unpooled.EMPTY_BUFFER, last);
        connection.flush().request();
        last.addListener(f -> {
            if (f.isSuccess()) {
                actual.onComplete();
            } else {
                actual.onError(f.cause());
            }
        });
    }

    private void fail(Throwable t) {
        if (done || cancelled) {
            Operators.onErrorDropped(t, actual.currentContext());
            return;
        }
        done = true;
        connection.stopWaitingForWritability(this);
        connection.flush().request(); // what was written before the error still goes out
        actual.onError(t);
    }
}
