package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The Mono of one {@link IxRpcPool#call}, and the subscription of its one subscriber: its subscription sends the
 * request (a {@link RpcClientCall} on the connection's loop), and the loop's outcome meets the subscriber's
 * {@link #request} and {@link #cancel} (from any thread) in {@link #state}, a small lock-free machine as in Reactor's
 * {@code Operators.MonoSubscriber}: the response is emitted once it is both there and requested, and a cancel that
 * wins releases it.
 * <pre>
 *   state bits: SUBSCRIBED, then REQUESTED and HAS_VALUE in either order, then exactly one of EMITTED (the terminal
 *               signal went out) or CANCELLED
 * </pre>
 */
final class RpcCallMono extends Mono<ByteBuf> implements Subscription {
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(RpcCallMono.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int SUBSCRIBED = 1;
    private static final int REQUESTED = 2;
    private static final int HAS_VALUE = 4;
    private static final int EMITTED = 8;
    private static final int CANCELLED = 16;

    private final IxRpcPool pool;
    private final ByteBuf request;
    private final long deadlineNanos;
    private volatile int state;
    private CoreSubscriber<? super ByteBuf> actual;
    private RpcClientCall call;
    /** A response that came before it was requested; published by the HAS_VALUE transition. */
    private ByteBuf value;

    RpcCallMono(IxRpcPool pool, ByteBuf request, long deadlineNanos) {
        this.pool = pool;
        this.request = request;
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public void subscribe(CoreSubscriber<? super ByteBuf> actual) {
        if (!STATE.compareAndSet(this, 0, SUBSCRIBED)) {
            Operators.error(actual, new IllegalStateException("a call's Mono can be subscribed once: the first "
                    + "subscription sent its request buffer; to retry, wrap it: Mono.defer(() -> pool.call(...))"));
            return;
        }
        this.actual = actual;
        this.call = new RpcClientCall(this, request, deadlineNanos);
        actual.onSubscribe(this);
        pool.start(call);
    }

    /** Loop thread: the response arrived. It is emitted, or released when the call was cancelled. */
    void succeed(ByteBuf response) {
        for (;;) {
            int s = state;
            if ((s & CANCELLED) != 0) {
                response.release();
                return;
            }
            if ((s & REQUESTED) != 0) {
                if (STATE.compareAndSet(this, s, s | EMITTED)) {
                    actual.onNext(response);
                    actual.onComplete();
                    return;
                }
            } else {
                value = response;
                if (STATE.compareAndSet(this, s, s | HAS_VALUE)) {
                    return; // request(n) emits it
                }
                value = null;
            }
        }
    }

    /** The call failed: on its loop, or on the subscriber's thread before it got there. */
    void fail(Throwable error) {
        for (;;) {
            int s = state;
            if ((s & (CANCELLED | EMITTED)) != 0) {
                return;
            }
            if (STATE.compareAndSet(this, s, s | EMITTED)) {
                actual.onError(error);
                return;
            }
        }
    }

    boolean isCancelled() {
        return ((int) STATE.getAcquire(this) & CANCELLED) != 0;
    }

    @Override
    public void request(long n) {
        if (!Operators.validate(n)) {
            return; // logged, as Reactor's own operators do: signalling here could race the loop's emission
        }
        for (;;) {
            int s = state;
            if ((s & (REQUESTED | EMITTED | CANCELLED)) != 0) {
                return;
            }
            if ((s & HAS_VALUE) != 0) {
                if (STATE.compareAndSet(this, s, s | REQUESTED | EMITTED)) {
                    ByteBuf v = value;
                    value = null;
                    actual.onNext(v);
                    actual.onComplete();
                    return;
                }
            } else if (STATE.compareAndSet(this, s, s | REQUESTED)) {
                return;
            }
        }
    }

    @Override
    public void cancel() {
        for (;;) {
            int s = state;
            if ((s & (EMITTED | CANCELLED)) != 0) {
                return;
            }
            if (STATE.compareAndSet(this, s, s | CANCELLED)) {
                if ((s & HAS_VALUE) != 0) {
                    ByteBuf v = value;
                    value = null;
                    v.release(); // the call is over on its loop; only its unrequested response was left
                } else {
                    call.cancelled();
                }
                return;
            }
        }
    }
}
