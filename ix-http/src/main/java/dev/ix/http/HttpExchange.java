package dev.ix.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * One request and its response on a connection: runs the route's handler, and ends when both the handler's
 * publisher has terminated and the response has been written (or the connection closed). A handler that fails
 * before the head was written is answered 500 and the connection stays open (the framing is intact); after it, the
 * connection is cut. Loop thread only, except {@link #onLoop}.
 */
final class HttpExchange {
    private final HttpServerHandler connection;
    final ServerRequest request;
    final ServerResponse response;
    private Handler handler;
    private boolean closeAfter;
    private boolean handlerDone;
    private boolean responseEnded;
    private boolean finished;
    private Runnable writable;

    HttpExchange(HttpServerHandler connection, ServerRequest request) {
        this.connection = connection;
        this.request = request;
        this.response = new ServerResponse(this);
        this.closeAfter = !request.keepAlive();
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

    ByteBufAllocator alloc() {
        return connection.alloc();
    }

    ResponseEncoder encoder() {
        return connection.encoder();
    }

    int flags() {
        if (connection.stopping()) {
            closeAfter = true;
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

    /** @param b released by the write, or here when the connection is gone */
    void write(ByteBuf b) {
        if (finished) {
            b.release();
            return;
        }
        connection.write(b);
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

    /** Starts the exchange: the route's handler, or 404 / 405. */
    void start(HttpRouter router) {
        if (request.expectContinue()) {
            request.onBodyWanted(connection::writeContinue);
        }
        HttpRouter.Match m = router.match(request.method(), request.path());
        if (m.route() == null) {
            handlerDone = true;
            if (m.allow().isEmpty()) {
                response.answer(HttpStatus.NOT_FOUND, null);
            } else {
                response.answer(HttpStatus.METHOD_NOT_ALLOWED, m.allow());
            }
            return;
        }
        request.variables(m.variables());
        Publisher<Void> p;
        try {
            p = m.route().handler().apply(request, response);
            if (p == null) {
                throw new NullPointerException("the handler of " + m.route().method() + " " + m.route().path()
                        + " returned null instead of a Publisher");
            }
        } catch (Throwable t) {
            handlerFailed(t);
            return;
        }
        handler = new Handler();
        try {
            p.subscribe(handler);
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    private void handlerCompleted() {
        if (finished || handlerDone) {
            return;
        }
        handlerDone = true;
        if (!response.started() && !responseEnded) {
            try {
                response.writeWhole(null); // nothing sent: the status alone, Content-Length 0
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
            request.release();
            connection.exchangeDone(this);
        }
    }

    /** The connection closed: cancels the handler and drops the request's body. */
    void abort() {
        if (finished) {
            return;
        }
        finished = true;
        writable = null;
        if (handler != null) {
            handler.dispose();
        }
        request.release();
    }

    /** Receives the handler's outcome, on the loop. */
    private final class Handler extends BaseSubscriber<Void> {
        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        protected void hookOnComplete() {
            onLoop(HttpExchange.this::handlerCompleted);
        }

        @Override
        protected void hookOnError(Throwable t) {
            onLoop(() -> handlerFailed(t));
        }
    }
}
