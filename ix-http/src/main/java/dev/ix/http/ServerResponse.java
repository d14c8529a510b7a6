package dev.ix.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import java.util.ArrayList;
import java.util.List;

/**
 * The response of one exchange: the handler's status and fields, and the writing of the head and content on the
 * connection's loop ({@link IxHttpResponse} describes the framing). The writing state is touched on the loop only.
 */
final class ServerResponse implements IxHttpResponse {
    /** Content up to this size is copied behind its head into one buffer: one outbound entry instead of two. */
    static final int COPY_BELOW = 512;
    /** Room for a head with the server's own fields; the buffer grows when the handler's fields need more. */
    private static final int HEAD_CAPACITY = 256;

    private final HttpExchange exchange;
    private volatile HttpStatus status = HttpStatus.OK;
    private volatile String contentType;
    private final List<String> fields = new ArrayList<>(0);

    /** A send was subscribed. */
    private boolean started;
    private boolean headWritten;
    private BodyFraming framing;

    ServerResponse(HttpExchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public IxHttpResponse status(int status) {
        this.status = HttpStatus.of(status);
        return this;
    }

    @Override
    public IxHttpResponse status(HttpStatus status) {
        if (status == null) {
            throw new IllegalArgumentException("status: null");
        }
        this.status = status;
        return this;
    }

    @Override
    public IxHttpResponse header(String name, String value) {
        synchronized (fields) {
            fields.add(name);
            fields.add(value);
        }
        return this;
    }

    @Override
    public IxHttpResponse contentType(String contentType) {
        this.contentType = contentType;
        return this;
    }

    @Override
    public Mono<Void> sendString(String body) {
        return send(Mono.fromSupplier(() -> ByteBufUtil.writeUtf8(exchange.alloc(), body)));
    }

    @Override
    public Mono<Void> sendString(Mono<String> body) {
        return send(body.map(s -> ByteBufUtil.writeUtf8(exchange.alloc(), s)));
    }

    @Override
    public Mono<Void> send(ByteBuf body) {
        return send(Mono.just(body));
    }

    @Override
    public Mono<Void> send(Publisher<? extends ByteBuf> body) {
        return Mono.create(sink -> exchange.onLoop(() -> start(body, sink)));
    }

    private void start(Publisher<? extends ByteBuf> body, MonoSink<Void> sink) {
        if (started || exchange.responseEnded()) {
            sink.error(new IllegalStateException("the response was already sent"));
            return;
        }
        started = true;
        if (body instanceof Mono<? extends ByteBuf> mono) {
            mono.subscribe(new Single(sink));
        } else {
            body.subscribe(new Stream(sink));
        }
    }

    boolean started() {
        return started;
    }

    boolean headWritten() {
        return headWritten;
    }

    /** Loop thread: answers {@code status} with no content, replacing what the handler set (404, 405, 500). */
    void answer(HttpStatus status, String allow) {
        this.status = status;
        this.contentType = null;
        synchronized (fields) {
            fields.clear();
            if (allow != null) {
                fields.add("Allow");
                fields.add(allow);
            }
        }
        writeWhole(null);
    }

    /**
     * Loop thread: the whole response, with a {@code Content-Length}.
     *
     * @param body the content or null; released here
     * @throws IllegalArgumentException when a field or the content type is not allowed; nothing is written then
     */
    void writeWhole(ByteBuf body) {
        int length = body == null ? 0 : body.readableBytes();
        boolean copy = length <= COPY_BELOW;
        ByteBuf out;
        try {
            out = head(length, copy ? length : 0);
        } catch (RuntimeException e) {
            if (body != null) {
                body.release();
            }
            throw e;
        }
        if (framing != BodyFraming.LENGTH || length == 0) {
            if (body != null) {
                body.release();
            }
            exchange.write(out);
        } else if (copy) {
            out.writeBytes(body, body.readerIndex(), length);
            body.release();
            exchange.write(out);
        } else {
            exchange.write(out);
            exchange.write(body);
        }
        exchange.responseWritten();
    }

    /** @return the encoded head, with {@code extra} more bytes of room */
    private ByteBuf head(long contentLength, int extra) {
        ByteBuf out = exchange.alloc().ioBuffer(HEAD_CAPACITY + extra);
        try {
            framing = exchange.encoder().writeHead(out, status, contentType, contentLength, exchange.flags());
            synchronized (fields) {
                for (int i = 0; i < fields.size(); i += 2) {
                    exchange.encoder().writeHeader(out, fields.get(i), fields.get(i + 1));
                }
            }
            exchange.encoder().writeEndOfHead(out);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        headWritten = true;
        if (framing == BodyFraming.UNTIL_CLOSE) {
            exchange.closeAfter();
        }
        return out;
    }

    /** Loop thread: one buffer of a streamed body, framed as the head decided; released here. */
    private void writeChunk(ByteBuf chunk) {
        int n = chunk.readableBytes();
        if (n == 0 || framing == BodyFraming.NONE) {
            chunk.release();
            return;
        }
        if (framing == BodyFraming.CHUNKED) {
            ByteBuf start = exchange.alloc().ioBuffer(18);
            exchange.encoder().writeChunkStart(start, n);
            exchange.write(start);
            exchange.write(chunk);
            ByteBuf end = exchange.alloc().ioBuffer(2);
            exchange.encoder().writeChunkEnd(end);
            exchange.write(end);
        } else {
            exchange.write(chunk);
        }
    }

    private void writeEnd() {
        if (framing == BodyFraming.CHUNKED) {
            ByteBuf last = exchange.alloc().ioBuffer(5);
            exchange.encoder().writeLastChunk(last);
            exchange.write(last);
        }
        exchange.responseWritten();
    }

    /** Runs the last write of a send and completes it, or fails it with the write's error (a field refused). */
    private static void complete(MonoSink<Void> sink, Runnable lastWrite) {
        try {
            lastWrite.run();
        } catch (RuntimeException e) {
            sink.error(e);
            return;
        }
        sink.success();
    }

    /** Sends a Mono's one buffer with a {@code Content-Length}. */
    private final class Single implements CoreSubscriber<ByteBuf> {
        private final MonoSink<Void> sink;
        private ByteBuf value;

        Single(MonoSink<Void> sink) {
            this.sink = sink;
        }

        @Override
        public void onSubscribe(Subscription s) {
            sink.onCancel(s::cancel);
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(ByteBuf b) {
            value = b;
        }

        @Override
        public void onError(Throwable t) {
            exchange.onLoop(() -> sink.error(t));
        }

        @Override
        public void onComplete() {
            ByteBuf b = value;
            value = null;
            exchange.onLoop(() -> {
                if (exchange.responseEnded()) {
                    if (b != null) {
                        b.release();
                    }
                    sink.error(new IllegalStateException("the exchange ended before the response was sent"));
                    return;
                }
                complete(sink, () -> writeWhole(b));
            });
        }
    }

    /**
     * Sends a publisher's buffers as they come, one requested at a time while the connection is writable: a slow
     * client slows the publisher instead of filling the server's memory.
     */
    private final class Stream implements CoreSubscriber<ByteBuf> {
        private final MonoSink<Void> sink;
        private Subscription subscription;

        Stream(MonoSink<Void> sink) {
            this.sink = sink;
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            sink.onCancel(s::cancel);
            s.request(1);
        }

        @Override
        public void onNext(ByteBuf b) {
            exchange.onLoop(() -> {
                if (exchange.responseEnded()) {
                    b.release();
                    return;
                }
                try {
                    if (!headWritten) {
                        exchange.write(head(ResponseEncoder.UNKNOWN_LENGTH, 0));
                    }
                } catch (RuntimeException e) {
                    b.release();
                    subscription.cancel();
                    sink.error(e);
                    return;
                }
                writeChunk(b);
                exchange.whenWritable(() -> subscription.request(1));
            });
        }

        @Override
        public void onError(Throwable t) {
            exchange.onLoop(() -> {
                if (headWritten) {
                    exchange.cut(); // the client cannot tell a cut body from a whole one otherwise
                }
                sink.error(t);
            });
        }

        @Override
        public void onComplete() {
            exchange.onLoop(() -> {
                if (exchange.responseEnded()) {
                    sink.success();
                    return;
                }
                complete(sink, headWritten ? ServerResponse.this::writeEnd : () -> writeWhole(null));
            });
        }
    }
}
