package dev.ix.http;

import dev.ix.reactor.ReceiveSlots;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.EventExecutor;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * A request's head, copied out of the parser's {@link RequestHead} when it arrives (a pipelined request's handler may
 * run after the parser has moved on), and its body as it is received. One per exchange slot of a connection, reused
 * for request after request ({@link #reset}): the copy reuses its arrays, and nothing is decoded into a
 * {@code String} unless the handler asks.
 *
 * <p><b>Body</b>: the parser's content slices (views of receive buffers, zero-copy) are queued until a consumer
 * takes them: {@link #body()} aggregates them, {@link #receive()} emits them as they come and as they are asked
 * for. The queue keeps at most {@value ReceiveSlots#MAX_QUEUED_VIEWS} slices as they are and copies the rest, so that a
 * request waiting for its consumer does not hold the loop's receive buffers. A streamed body stops the connection's
 * reading while more than {@value #MAX_QUEUED_BYTES} bytes wait for demand. The body's state is touched on the loop
 * only.
 */
final class ServerRequest implements IxHttpRequest {
    /** A streamed body's waiting bytes above which the connection stops reading. */
    static final int MAX_QUEUED_BYTES = 64 * 1024;

    private final HttpServerHandler connection;
    private final ByteBufAllocator alloc;
    private final EventExecutor loop;
    private final RequestHead head = new RequestHead();
    /** The matched route's variables, as offsets into the head's bytes (see {@link PathTemplate#match}). */
    private final int[] vars;
    private HttpRouter.Route route;
    /** Counts the requests this object has held: a subscription made for an earlier one is refused. */
    private int generation;

    /** Content received and not taken yet. */
    private final ArrayDeque<ByteBuf> parts = new ArrayDeque<>(ReceiveSlots.MAX_QUEUED_VIEWS);
    private long queuedBytes;
    /** The {@link #receive()} subscriber, once subscribed. */
    private Streamed streamed;
    private boolean ended;
    /** The body was taken by a subscriber, or dropped: later content is released. */
    private boolean taken;
    private boolean released;
    private MonoSink<ByteBuf> waiting;
    private Runnable onBodyWanted;

    ServerRequest(HttpServerHandler connection, int maxVariables) {
        this.connection = connection;
        this.alloc = connection.alloc();
        this.loop = connection.loop();
        this.vars = new int[2 * maxVariables];
    }

    /** Loop thread: holds the request {@code source} describes from now on; the previous one is gone. */
    void reset(RequestHead source) {
        head.copyFrom(source);
        generation++;
        route = null;
        streamed = null;
        queuedBytes = 0;
        ended = false;
        taken = false;
        released = false;
        waiting = null;
        onBodyWanted = null;
    }

    int generation() {
        return generation;
    }

    RequestHead head() {
        return head;
    }

    /** @return the array {@link HttpRouter#find} writes the variables' offsets into */
    int[] vars() {
        return vars;
    }

    void route(HttpRouter.Route route) {
        this.route = route;
    }

    /** @param action run on the loop the first time a handler subscribes to {@link #body()} (100-continue) */
    void onBodyWanted(Runnable action) {
        this.onBodyWanted = action;
    }

    @Override
    public String method() {
        return head.methodName();
    }

    boolean isHead() {
        return head.method() == HttpMethod.HEAD;
    }

    boolean http10() {
        return head.version() == HttpVersion.HTTP_1_0;
    }

    boolean expectContinue() {
        return head.expectContinue() && !ended;
    }

    @Override
    public String path() {
        return head.path();
    }

    @Override
    public String query() {
        return head.query();
    }

    @Override
    public String param(String name) {
        int i = route == null ? -1 : route.path().variableIndex(name);
        return i < 0 ? null : PercentDecoding.decode(head.bytes(), vars[2 * i], vars[2 * i + 1], false);
    }

    /** @return whether every escape in the matched route's variables is well-formed (else the request is a 400) */
    boolean paramsWellFormed() {
        for (int i = 0, n = route.path().variableCount(); i < n; i++) {
            if (!PercentDecoding.wellFormed(head.bytes(), vars[2 * i], vars[2 * i + 1])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String queryParam(String name) {
        int start = head.queryStart();
        if (start < 0) {
            return null;
        }
        byte[] b = head.bytes();
        int end = head.targetEnd();
        for (int pair = start; pair <= end; ) {
            int pairEnd = pair;
            int eq = -1;
            while (pairEnd < end && b[pairEnd] != '&') {
                if (b[pairEnd] == '=' && eq < 0) {
                    eq = pairEnd;
                }
                pairEnd++;
            }
            if (pairEnd > pair && name.equals(queryPart(b, pair, eq < 0 ? pairEnd : eq))) {
                return eq < 0 ? "" : queryPart(b, eq + 1, pairEnd);
            }
            pair = pairEnd + 1;
        }
        return null;
    }

    /** @return a query's name or value decoded, {@code +} as space; a malformed escape leaves it as received */
    private static String queryPart(byte[] b, int from, int to) {
        try {
            return PercentDecoding.decode(b, from, to, true);
        } catch (IllegalArgumentException e) {
            // Not a 400: a handler may never read this parameter, and the query is the application's to judge.
            return new String(b, from, to - from, StandardCharsets.US_ASCII);
        }
    }

    @Override
    public String header(String name) {
        return head.header(name);
    }

    @Override
    public boolean keepAlive() {
        return head.keepAlive();
    }

    @Override
    public Mono<ByteBuf> body() {
        int requested = generation;
        return Mono.create(sink -> HttpExchange.onLoop(loop, () -> subscribe(sink, requested)));
    }

    @Override
    public Flux<ByteBuf> receive() {
        int requested = generation;
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super ByteBuf> actual) {
                HttpExchange.onLoop(loop, () -> subscribeStreamed(actual, requested));
            }
        };
    }

    /** @return why a consumer cannot have the body, or null when it can */
    private String refusal(int requested) {
        if (released || requested != generation) {
            return "the body is gone: the exchange ended or the connection closed";
        }
        if (taken || waiting != null || streamed != null) {
            return "the body was already subscribed to";
        }
        return null;
    }

    private void bodyWanted() {
        if (onBodyWanted != null) {
            Runnable r = onBodyWanted;
            onBodyWanted = null;
            r.run();
        }
    }

    private void subscribe(MonoSink<ByteBuf> sink, int requested) {
        String refusal = refusal(requested);
        if (refusal != null) {
            sink.error(new IllegalStateException(refusal));
            return;
        }
        bodyWanted();
        if (ended) {
            emit(sink);
        } else {
            waiting = sink;
        }
    }

    private void subscribeStreamed(CoreSubscriber<? super ByteBuf> actual, int requested) {
        String refusal = refusal(requested);
        if (refusal != null) {
            Operators.error(actual, new IllegalStateException(refusal));
            return;
        }
        Streamed s = new Streamed(actual);
        streamed = s;
        actual.onSubscribe(s);
        bodyWanted();
        s.drain();
    }

    /** Loop thread: body bytes; owned here from now on. */
    void content(ByteBuf content) {
        if (taken) {
            content.release();
            return;
        }
        ByteBuf part = ReceiveSlots.toQueue(content, parts.size(), alloc);
        parts.add(part);
        queuedBytes += part.readableBytes();
        if (streamed != null) {
            streamed.drain();
        }
    }

    /** Loop thread: the body is complete. */
    void end() {
        ended = true;
        MonoSink<ByteBuf> sink = waiting;
        if (sink != null) {
            waiting = null;
            emit(sink);
        } else if (streamed != null) {
            streamed.drain();
        }
    }

    private void emit(MonoSink<ByteBuf> sink) {
        taken = true;
        ByteBuf b;
        if (parts.isEmpty()) {
            b = Unpooled.EMPTY_BUFFER;
        } else if (parts.size() == 1) {
            b = parts.poll();
        } else {
            CompositeByteBuf composite = alloc.compositeBuffer(parts.size());
            for (ByteBuf part; (part = parts.poll()) != null; ) {
                composite.addComponent(true, part);
            }
            b = composite;
        }
        queuedBytes = 0;
        sink.success(b);
    }

    private void dropParts() {
        for (ByteBuf part; (part = parts.poll()) != null; ) {
            part.release();
        }
        queuedBytes = 0;
    }

    /** Loop thread: the exchange ended or the connection closed; drops the body and fails a waiting subscriber. */
    void release() {
        taken = true;
        released = true;
        dropParts();
        MonoSink<ByteBuf> sink = waiting;
        if (sink != null) {
            waiting = null;
            sink.error(new IllegalStateException("the connection closed before the body arrived"));
        }
        Streamed s = streamed;
        if (s != null) {
            s.terminate(ended ? null : new IllegalStateException(
                    "the exchange ended or the connection closed before the body did"));
        }
    }

    /**
     * A {@link #receive()} subscription: emits the queued parts while there is demand, each released once its
     * {@code onNext} returned (as Reactor Netty's {@code receive()} does: {@code retain()} to keep one); stops the
     * connection's reading while too much waits. Loop thread, except {@link #request} and {@link #cancel}.
     */
    private final class Streamed implements Subscription {
        private final CoreSubscriber<? super ByteBuf> actual;
        private long demand;
        private boolean done;
        private boolean draining;
        private boolean holding;

        Streamed(CoreSubscriber<? super ByteBuf> actual) {
            this.actual = actual;
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                HttpExchange.onLoop(loop, () -> {
                    demand = Operators.addCap(demand, n);
                    drain();
                });
            }
        }

        @Override
        public void cancel() {
            HttpExchange.onLoop(loop, () -> {
                if (!done && streamed == this) {
                    done = true;
                    taken = true; // the rest of the body is read and dropped
                    dropParts();
                    hold(false);
                }
            });
        }

        void drain() {
            if (done || draining || streamed != this) {
                return;
            }
            draining = true;
            try {
                while (demand > 0 && !done) {
                    ByteBuf part = parts.poll();
                    if (part == null) {
                        break;
                    }
                    queuedBytes -= part.readableBytes();
                    demand--;
                    try {
                        actual.onNext(part);
                    } finally {
                        part.release();
                    }
                }
                if (!done && ended && parts.isEmpty()) {
                    terminate(null);
                    return;
                }
                hold(!done && queuedBytes > MAX_QUEUED_BYTES);
            } finally {
                draining = false;
            }
        }

        /** Completes ({@code error} null) or fails the subscriber, once. */
        void terminate(Throwable error) {
            if (done) {
                return;
            }
            done = true;
            hold(false);
            if (error == null) {
                actual.onComplete();
            } else {
                actual.onError(error);
            }
        }

        private void hold(boolean hold) {
            if (hold != holding) {
                holding = hold;
                connection.holdBody(hold);
            }
        }
    }
}
