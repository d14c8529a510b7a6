package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;

/**
 * The {@link IxInbound#receive()} of one connection: a single-subscriber {@link Flux} that calls
 * {@code channel.read()} (the channel's {@code autoRead} is off) only while its subscriber has demand, so demand is
 * what re-arms the receive. Beyond the demand it holds what one read delivered, or, once the peer shut its output
 * down (the transport then reads to the end of stream whatever the demand), the rest of the stream: up to
 * {@link ReceiveSlots#MAX_QUEUED_VIEWS} mbuf views, later buffers as heap copies, so a slow subscriber never holds more than a few
 * of the loop's receive slots. Each buffer is released after {@code onNext} (see {@link IxInbound} for the contract).
 *
 * <p>State lives on the loop thread; {@code subscribe}, {@code request} and {@code cancel} from elsewhere hop to it.
 */
final class InboundReceiver extends Flux<ByteBuf> implements org.reactivestreams.Subscription {
    private final Channel channel;
    private final EventLoop loop;
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>(4);
    private CoreSubscriber<? super ByteBuf> subscriber;
    private boolean subscribed;
    private long demand;
    private boolean readPending;
    /** The peer ended its output, or the connection failed ({@link #error}) or closed. */
    private boolean ended;
    private Throwable error;
    private boolean terminated;
    private boolean cancelled;
    private boolean draining;
    private boolean drainAgain;

    InboundReceiver(Channel channel) {
        this.channel = channel;
        this.loop = channel.eventLoop();
    }

    @Override
    public void subscribe(CoreSubscriber<? super ByteBuf> actual) {
        if (loop.inEventLoop()) {
            subscribeOnLoop(actual);
        } else if (!LoopTasks.tryExecute(loop, () -> subscribeOnLoop(actual))) {
            Operators.error(actual, new ClosedChannelException());
        }
    }

    private void subscribeOnLoop(CoreSubscriber<? super ByteBuf> actual) {
        if (subscribed) {
            Operators.error(actual, new IllegalStateException("receive() of " + channel + " has a subscriber "
                    + "already (one only: its demand drives the socket); share the Flux if several need it"));
            return;
        }
        subscribed = true;
        subscriber = actual;
        actual.onSubscribe(this);
        drain();
    }

    @Override
    public void request(long n) {
        if (!Operators.validate(n)) {
            return;
        }
        if (loop.inEventLoop()) {
            requestOnLoop(n);
        } else {
            // Refused when the loop and the connection are gone: nothing more will come then.
            LoopTasks.tryExecute(loop, () -> requestOnLoop(n));
        }
    }

    private void requestOnLoop(long n) {
        demand = Operators.addCap(demand, n);
        drain();
    }

    @Override
    public void cancel() {
        if (loop.inEventLoop()) {
            cancelOnLoop();
        } else {
            // Refused when the loop is gone: it released everything when it closed the connection.
            LoopTasks.tryExecute(loop, this::cancelOnLoop);
        }
    }

    private void cancelOnLoop() {
        cancelled = true;
        subscriber = null;
        releaseQueued();
    }

    /** A buffer arrived (after a {@code read()} this receiver asked for). Ownership passes to the receiver. */
    void onRead(ByteBuf buf) {
        if (cancelled || terminated) {
            buf.release();
            return;
        }
        // Data beyond the demand that the transport read anyway (it reads a half-closed stream to its end).
        queue.add(ReceiveSlots.toQueue(buf, queue.size(), channel.alloc()));
        drain();
    }

    /** The read batch ended: read again if the subscriber still wants data. */
    void onReadComplete() {
        readPending = false;
        readIfWanted();
    }

    /**
     * The inbound ended: the peer shut its output (cause null: what is queued is delivered, then completion), or the
     * connection failed or closed first (the error is signalled at once, and what is queued released: a subscriber
     * without demand must not hold the loop's mbufs, nor wait for an end that will not come).
     */
    void onEnd(Throwable cause) {
        if (ended) {
            return;
        }
        ended = true;
        error = cause;
        if (cause != null) {
            releaseQueued();
        }
        if (cancelled) {
            return;
        }
        drain();
    }

    /** The connection closed: nothing more will arrive. Before the peer's FIN, that is an error for the subscriber. */
    void onClosed() {
        onEnd(new IOException("the connection closed before the peer ended its stream"));
        releaseQueued();
    }

    private void drain() {
        if (draining) {
            drainAgain = true; // a subscriber requesting from inside onNext
            return;
        }
        draining = true;
        try {
            do {
                drainAgain = false;
                drainOnce();
            } while (drainAgain);
        } finally {
            draining = false;
        }
        readIfWanted();
    }

    private void drainOnce() {
        CoreSubscriber<? super ByteBuf> s;
        while ((s = subscriber) != null && demand > 0 && !queue.isEmpty()) {
            ByteBuf buf = queue.poll();
            if (demand != Long.MAX_VALUE) {
                demand--;
            }
            try {
                s.onNext(buf);
            } finally {
                // Released after onNext, as Reactor Netty does; a subscriber that kept it retained it.
                if (buf.refCnt() > 0) {
                    buf.release();
                }
            }
        }
        s = subscriber;
        if (s != null && ended && queue.isEmpty() && !terminated) {
            terminated = true;
            subscriber = null;
            if (error != null) {
                s.onError(error);
            } else {
                s.onComplete();
            }
        }
    }

    private void readIfWanted() {
        if (subscriber != null && demand > 0 && queue.isEmpty() && !ended && !readPending && channel.isActive()) {
            readPending = true;
            channel.read();
        }
    }

    private void releaseQueued() {
        ByteBuf b;
        while ((b = queue.poll()) != null) {
            b.release();
        }
    }
}
