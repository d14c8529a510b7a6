package dev.ix.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.EventExecutor;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A request's head, copied out of the parser's {@link RequestHead} when it arrives (a pipelined request's handler may
 * run after the parser has moved on), and its body as it is received. One per exchange slot of a connection, reused
 * for request after request ({@link #reset}): the copy reuses its arrays, and nothing is decoded into a
 * {@code String} unless the handler asks. The body's state is touched on the loop only.
 */
final class ServerRequest implements IxHttpRequest {
    private final ByteBufAllocator alloc;
    private final EventExecutor loop;
    private final RequestHead head = new RequestHead();
    /** The matched route's variables, as offsets into the head's bytes (see {@link PathTemplate#match}). */
    private final int[] vars;
    private HttpRouter.Route route;
    /** Counts the requests this object has held: a subscription made for an earlier one is refused. */
    private int generation;

    private CompositeByteBuf body;
    private boolean ended;
    /** The body was taken by a subscriber, or dropped: later content is released. */
    private boolean taken;
    private boolean released;
    private MonoSink<ByteBuf> waiting;
    private Runnable onBodyWanted;

    ServerRequest(ByteBufAllocator alloc, EventExecutor loop, int maxVariables) {
        this.alloc = alloc;
        this.loop = loop;
        this.vars = new int[2 * maxVariables];
    }

    /** Loop thread: holds the request {@code source} describes from now on; the previous one is gone. */
    void reset(RequestHead source) {
        head.copyFrom(source);
        generation++;
        route = null;
        body = null;
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
        return i < 0 ? null : head.ascii(vars[2 * i], vars[2 * i + 1]);
    }

    @Override
    public String queryParam(String name) {
        String query = head.query();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equals(name)) {
                return eq < 0 ? "" : decode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed escape: the raw text rather than an error the handler cannot prevent
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

    private void subscribe(MonoSink<ByteBuf> sink, int requested) {
        if (requested != generation || taken || waiting != null) {
            sink.error(new IllegalStateException(released || requested != generation
                    ? "the body is gone: the exchange ended or the connection closed"
                    : "the body was already subscribed to"));
            return;
        }
        if (onBodyWanted != null) {
            Runnable r = onBodyWanted;
            onBodyWanted = null;
            r.run();
        }
        if (ended) {
            emit(sink);
        } else {
            waiting = sink;
        }
    }

    /** Loop thread: body bytes; owned here from now on. */
    void content(ByteBuf content) {
        if (taken) {
            content.release();
            return;
        }
        if (body == null) {
            body = alloc.compositeBuffer(Integer.MAX_VALUE);
        }
        body.addComponent(true, content);
    }

    /** Loop thread: the body is complete. */
    void end() {
        ended = true;
        MonoSink<ByteBuf> sink = waiting;
        if (sink != null) {
            waiting = null;
            emit(sink);
        }
    }

    private void emit(MonoSink<ByteBuf> sink) {
        taken = true;
        ByteBuf b = body != null ? body : Unpooled.EMPTY_BUFFER;
        body = null;
        sink.success(b);
    }

    /** Loop thread: the exchange ended or the connection closed; drops the body and fails a waiting subscriber. */
    void release() {
        taken = true;
        released = true;
        if (body != null) {
            body.release();
            body = null;
        }
        MonoSink<ByteBuf> sink = waiting;
        if (sink != null) {
            waiting = null;
            sink.error(new IllegalStateException("the connection closed before the body arrived"));
        }
    }
}
