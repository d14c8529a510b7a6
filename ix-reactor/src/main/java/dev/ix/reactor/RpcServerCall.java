package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;

import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One request in flight on the server: the subscriber of the handler's {@code Mono}. The Mono may signal on any
 * thread; the outcome is carried to the connection's loop, where {@link RpcServerHandler#complete} writes it.
 *
 * <p>The {@code Mono}'s signals are serial (Reactive Streams rule 1.3), so the signal-side fields need no
 * synchronisation among themselves; the loop reads them after the hand-over through its task queue (or on the same
 * thread when the Mono signals on the loop, the run-to-completion case). The loop-side fields are the loop's.
 */
final class RpcServerCall implements CoreSubscriber<ByteBuf>, Runnable {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(RpcServerCall.class);
    private static final AtomicReferenceFieldUpdater<RpcServerCall, Subscription> SUBSCRIPTION =
            AtomicReferenceFieldUpdater.newUpdater(RpcServerCall.class, Subscription.class, "subscription");
    static final String EMPTY_MESSAGE = "the handler's Mono completed without a response";

    private final RpcServerHandler connection;
    private final EventExecutor loop;
    final long id;
    private volatile Subscription subscription;

    // Signal side.
    private boolean signalled;
    private ByteBuf response;
    private String errorMessage;

    // Loop side.
    ByteBuf request;
    RpcServerCall prev;
    RpcServerCall next;
    boolean finished;

    RpcServerCall(RpcServerHandler connection, EventExecutor loop, long id, ByteBuf request) {
        this.connection = connection;
        this.loop = loop;
        this.id = id;
        this.request = request;
    }

    @Override
    public void onSubscribe(Subscription s) {
        if (Operators.setOnce(SUBSCRIPTION, this, s)) {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(ByteBuf value) {
        if (signalled) {
            value.release(); // a misbehaving publisher's second value: nobody else owns it
            return;
        }
        signalled = true;
        response = value;
        deliver();
    }

    @Override
    public void onError(Throwable t) {
        if (signalled) {
            Operators.onErrorDropped(t, currentContext());
            return;
        }
        signalled = true;
        String message = t.getMessage();
        errorMessage = message != null ? message : t.getClass().getName();
        logger.debug("RPC handler failed on call {}; the caller gets its message", id, t);
        deliver();
    }

    @Override
    public void onComplete() {
        if (!signalled) {
            signalled = true;
            errorMessage = EMPTY_MESSAGE;
            deliver();
        }
    }

    private void deliver() {
        if (loop.inEventLoop()) {
            run();
            return;
        }
        if (!LoopTasks.tryExecute(loop, this)) {
            // The loop has shut down and its connection with it: the response has nowhere to go.
            if (response != null) {
                response.release();
                response = null;
            }
        }
    }

    /** On the loop: the outcome has arrived. */
    @Override
    public void run() {
        ByteBuf r = response;
        response = null;
        connection.complete(this, r, errorMessage);
    }

    /** Loop thread: the connection closed before the outcome; stops the handler's work. */
    void cancel() {
        Operators.terminate(SUBSCRIPTION, this);
    }
}
