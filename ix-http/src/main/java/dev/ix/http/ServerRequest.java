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
import java.util.Map;

/**
 * A request's head, copied out of the parser's reused {@link RequestHead} when it arrives (a pipelined request's
 * handler may run after the parser has moved on), and its body as it is received. The copy allocates Strings per
 * request: the allocation-free request is a later step. The body's state is touched on the loop only.
 */
final class ServerRequest implements IxHttpRequest {
    private final String method;
    private final boolean head;
    private final String path;
    private final String query;
    private final String[] fields;
    private final boolean keepAlive;
    private final boolean http10;
    private final boolean expectContinue;
    private final ByteBufAllocator alloc;
    private final EventExecutor loop;
    private Map<String, String> variables = Map.of();

    private CompositeByteBuf body;
    private boolean ended;
    /** The body was taken by a subscriber, or dropped: later content is released. */
    private boolean taken;
    private boolean released;
    private MonoSink<ByteBuf> waiting;
    private Runnable onBodyWanted;

    ServerRequest(RequestHead h, ByteBufAllocator alloc, EventExecutor loop) {
        this.method = h.methodName();
        this.head = h.method() == HttpMethod.HEAD;
        this.path = h.path();
        this.query = h.query();
        this.fields = new String[2 * h.headerCount()];
        for (int i = 0; i < h.headerCount(); i++) {
            fields[2 * i] = h.headerName(i);
            fields[2 * i + 1] = h.headerValue(i);
        }
        this.keepAlive = h.keepAlive();
        this.http10 = h.version() == HttpVersion.HTTP_1_0;
        this.expectContinue = h.expectContinue();
        this.alloc = alloc;
        this.loop = loop;
    }

    void variables(Map<String, String> variables) {
        this.variables = variables;
    }

    /** @param action run on the loop the first time a handler subscribes to {@link #body()} (100-continue) */
    void onBodyWanted(Runnable action) {
        this.onBodyWanted = action;
    }

    @Override
    public String method() {
        return method;
    }

    boolean isHead() {
        return head;
    }

    boolean http10() {
        return http10;
    }

    boolean expectContinue() {
        return expectContinue && !ended;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return query;
    }

    @Override
    public String param(String name) {
        return variables.get(name);
    }

    @Override
    public String queryParam(String name) {
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
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equalsIgnoreCase(name)) {
                return fields[i + 1];
            }
        }
        return null;
    }

    @Override
    public boolean keepAlive() {
        return keepAlive;
    }

    @Override
    public Mono<ByteBuf> body() {
        return Mono.create(sink -> HttpExchange.onLoop(loop, () -> subscribe(sink)));
    }

    private void subscribe(MonoSink<ByteBuf> sink) {
        if (taken || waiting != null) {
            sink.error(new IllegalStateException(released
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
