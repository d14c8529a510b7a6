package dev.ix.http;

import dev.ix.reactor.GatheringWriter;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.Fuseable;
import reactor.core.publisher.BaseSubscriber;

/**
 * One request and its response on a connection: runs the route's handler, and ends when both the handler's
 * publisher has terminated and the response has been written (or the connection closed). A handler that fails
 * before the head was written is answered 500 and the connection stays open (the framing is intact); after it, the
 * connection is cut.
 *
 * <p>One per slot of the connection's pipelining queue, reused for request after request ({@link #reset}); the
 * request's {@linkplain ServerRequest#generation() generation} tells a late signal meant for an earlier request from
 * one for the current request. A handler that completes synchronously (it returns the response's own send with its
 * content at hand, or a scalar publisher such as {@code Mono.empty()}) is answered without any subscription: nothing
 * is allocated for it. Loop thread only, except {@link #onLoop}.
 */
final class HttpExchange {
    private final HttpServerHandler connection;
    final ServerRequest request;
    final ServerResponse response;
    private Handler handler;
    private boolean closeAfter;
    private boolean handlerDone;
    private boolean responseEnded;
    private boolean finished = true;
    private Runnable writable;
    // What the metrics and the access log read when it ends (ConnectionObserver.exchangeEnded); set by reset.
    /** The route that handled it; null until started, and for 404 and 405. */
    HttpRouter.Route route;
    /** When its head arrived ({@link System#nanoTime()}; 0 when nothing observes it). */
    long startNanos;
    /** Request content bytes received, chunk framing removed. */
    long bytesReceived;
    /** Response content bytes written, head and chunk framing not counted. */
    long bytesSent;
    /** The status of the response head written; 0 before it is. */
    int status;

    HttpExchange(HttpServerHandler connection, int maxVariables) {
        this.connection = connection;
        this.request = new ServerRequest(connection, maxVariables);
        this.response = new ServerResponse(this);
    }

    /** A new request on this slot: what {@code head} describes. */
    void reset(RequestHead head) {
        request.reset(head);
        response.reset();
        handler = null;
        closeAfter = !request.keepAlive();
        handlerDone = false;
        responseEnded = false;
        finished = false;
        writable = null;
        route = null;
        startNanos = connection.observer().exchangeBegun();
        bytesReceived = 0;
        bytesSent = 0;
        status = 0;
    }

    /** Runs {@code task} now on the loop thread, else as a task on the loop. */
    static void onLoop(EventExecutor loop, Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    void onLoop(Runnable task) {
        onLoop(connection.loop(), task);
    }

    int generation() {
        return request.generation();
    }

    ByteBufAllocator alloc() {
        return connection.alloc();
    }

    ResponseEncoder encoder() {
        return connection.encoder();
    }

    GatheringWriter writer() {
        return connection.writer();
    }

    /** Something was written into the {@link #writer()}: flush it within this turn. */
    void written() {
        connection.written();
    }

    int flags() {
        if (connection.stopping() && connection.isLastQueued(this)) {
            closeAfter = true; // the stop reads no new request: the last one queued closes the connection
        }
        return (request.isHead() ? ResponseEncoder.HEAD_REQUEST : 0)
                | (request.http10() ? ResponseEncoder.HTTP_1_0 : 0)
                | (closeAfter ? ResponseEncoder.CLOSE : 0);
    }

    /** The connection closes once this response is written. */
    void closeAfter() {
        closeAfter = true;
    }

    boolean closesAfter() {
        return closeAfter;
    }

    boolean responseEnded() {
        return responseEnded || finished;
    }

    void responseWritten() {
        responseEnded = true;
        maybeFinish();
    }

    /** Runs {@code action} once the connection can take more writes (at once when it can). */
    void whenWritable(Runnable action) {
        if (finished) {
            return;
        }
        if (connection.isWritable()) {
            action.run();
        } else {
            writable = action;
        }
    }

    void writabilityChanged() {
        Runnable r = writable;
        if (r != null && connection.isWritable()) {
            writable = null;
            r.run();
        }
    }

    /** A response was cut in its content: the connection must close, nothing after it can be framed. */
    void cut() {
        responseEnded = true;
        closeAfter = true;
        maybeFinish();
        connection.closeNow();
    }

    /** Starts the exchange: the route's handler, or 404 / 405, or 400 for a malformed escape in a path variable. */
    void start(HttpRouter router) {
        if (request.expectContinue()) {
            request.onBodyWanted(connection::writeContinue);
        }
        route = router.find(request.head(), request.vars());
        if (route == null) {
            handlerDone = true;
            String allow = router.allowed(request.head());
            if (allow.isEmpty()) {
                response.answer(HttpStatus.NOT_FOUND, null);
            } else {
                response.answer(HttpStatus.METHOD_NOT_ALLOWED, allow);
            }
            return;
        }
        request.route(route);
        if (!request.paramsWellFormed()) {
            // Checked before the handler runs: a param() that threw would be a 500 for the client's mistake.
            handlerDone = true;
            response.answer(HttpStatus.BAD_REQUEST, null);
            return;
        }
        Publisher<Void> p;
        try {
            p = route.handler().apply(request, response);
            if (p == null) {
                throw new NullPointerException("the handler of " + route.method() + " " + route.path()
                        + " returned null instead of a Publisher");
            }
            if (completedAtOnce(p)) {
                return;
            }
        } catch (Throwable t) {
            handlerFailed(t);
            return;
        }
        Handler h = new Handler();
        handler = h;
        try {
            p.subscribe(h);
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    /**
     * Answers a handler that needs no subscription: the response's own send with its content at hand, or a scalar
     * publisher ({@code Mono.empty()}, {@code Mono.error(..)}: its value, or the error it throws).
     *
     * @return false when {@code p} must be subscribed
     */
    private boolean completedAtOnce(Publisher<Void> p) throws Throwable {
        if (p instanceof ServerResponse.Send send && send.response() == response) {
            handlerDone = true;
            if (response.writeNow(send)) {
                return true;
            }
            handlerDone = false;
            return false;
        }
        if (p instanceof Fuseable.ScalarCallable<?> scalar) {
            scalar.call();
            handlerCompleted();
            return true;
        }
        return false;
    }

    private void handlerCompleted() {
        if (finished || handlerDone) {
            return;
        }
        handlerDone = true;
        if (!response.started() && !responseEnded) {
            try {
                response.writeWhole(null, null); // nothing sent: the status alone, Content-Length 0
            } catch (RuntimeException e) {
                handlerDone = false;
                handlerFailed(e);
                return;
            }
        }
        maybeFinish();
    }

    private void handlerFailed(Throwable t) {
        if (finished || (handlerDone && responseEnded)) {
            return;
        }
        handlerDone = true;
        connection.observer().handlerError(t);
        HandlerErrors.log(request.method(), request.path(), t);
        if (!response.headWritten()) {
            response.answer(HttpStatus.INTERNAL_SERVER_ERROR, null);
        } else if (!responseEnded) {
            cut();
            return;
        }
        maybeFinish();
    }

    private void maybeFinish() {
        if (handlerDone && responseEnded && !finished) {
            finished = true;
            connection.observer().exchangeEnded(this);
            request.release();
            response.release();
            connection.exchangeDone(this);
        }
    }

    /** The connection closed: cancels the handler and drops the request's body. */
    void abort() {
        if (finished) {
            return;
        }
        finished = true;
        connection.observer().exchangeEnded(this);
        writable = null;
        if (handler != null) {
            handler.dispose();
        }
        request.release();
        response.release();
    }

    /** Receives the handler's outcome, on the loop; ignored once the slot serves another exchange. */
    private final class Handler extends BaseSubscriber<Void> {
        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        protected void hookOnComplete() {
            onLoop(() -> {
                if (handler == this) {
                    handlerCompleted();
                }
            });
        }

        @Override
        protected void hookOnError(Throwable t) {
            onLoop(() -> {
                if (handler == this) {
                    handlerFailed(t);
                }
            });
        }
    }
}
