package dev.ix.http;

import dev.ix.reactor.GatheringWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.DefaultFileRegion;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The response of one exchange: the handler's status and fields, and the writing of the head and content into the
 * connection's {@link GatheringWriter} on its loop ({@link IxHttpResponse} describes the framing). One per exchange
 * slot, reused ({@link #reset}). The writing state is touched on the loop only.
 *
 * <p><b>Sends without a subscription.</b> A send method stores what to send in a {@link Send} (the response's own,
 * reused; a new one only for a second send of the same exchange) and returns it. When the handler returns that Send
 * and its content is at hand (a string, a buffer, a scalar {@code Mono}), the exchange writes it at once, in the
 * turn the request arrived in, without subscribing to anything ({@link #writeNow}); otherwise the Send is subscribed
 * like any publisher.
 */
final class ServerResponse implements IxHttpResponse {
    /** Room for a head with the server's own fields; the handler's fields are added to it. */
    private static final int HEAD_CAPACITY = 192;

    private final HttpExchange exchange;
    private volatile HttpStatus status = HttpStatus.OK;
    private volatile String contentType;
    private final List<String> fields = new ArrayList<>(4);
    private final Send send = new Send(this);

    /** A send was started. */
    private boolean started;
    private boolean headWritten;
    private BodyFraming framing;

    ServerResponse(HttpExchange exchange) {
        this.exchange = exchange;
    }

    /** Loop thread: a new exchange starts on this slot. */
    void reset() {
        status = HttpStatus.OK;
        contentType = null;
        synchronized (fields) {
            fields.clear();
        }
        started = false;
        headWritten = false;
        framing = null;
        send.clear();
    }

    /** Loop thread: the exchange ended; drops a buffer given to a send that was never subscribed. */
    void release() {
        send.clear();
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
        return arm(body);
    }

    @Override
    public Mono<Void> sendString(Mono<String> body) {
        return arm(body.map(s -> ByteBufUtil.writeUtf8(exchange.alloc(), s)));
    }

    @Override
    public Mono<Void> send(ByteBuf body) {
        return arm(body);
    }

    @Override
    public Mono<Void> send(Publisher<? extends ByteBuf> body) {
        return arm(body);
    }

    @Override
    public Mono<Void> sendFile(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("file: null");
        }
        return arm(file);
    }

    private Send arm(Object body) {
        int generation = exchange.generation();
        if (send.arm(body, generation)) {
            return send;
        }
        Send another = new Send(this);
        another.arm(body, generation);
        return another;
    }

    boolean started() {
        return started;
    }

    boolean headWritten() {
        return headWritten;
    }

    /**
     * Loop thread: the handler returned {@code s}; writes it now when its content is at hand.
     *
     * @return false when {@code s} must be subscribed instead (its content is a publisher still to run)
     * @throws RuntimeException the failure of a scalar {@code Mono}'s value, or a field refused by the encoder
     */
    boolean writeNow(Send s) throws Exception {
        Object body = s.takeAtHand(exchange.generation());
        if (body == Send.NOT_AT_HAND) {
            return false;
        }
        if (started || exchange.responseEnded()) {
            if (body instanceof ByteBuf b) {
                b.release();
            }
            throw new IllegalStateException("the response was already sent");
        }
        started = true;
        switch (body) {
            case ByteBuf b -> writeWhole(b, null);
            case Path file -> writeFile(file);
            case null, default -> writeWhole(null, (String) body);
        }
        return true;
    }

    /** Loop thread: starts a subscribed send of {@code body}, made for the exchange {@code generation}. */
    private void start(Object body, int generation, MonoSink<Void> sink) {
        if (generation != exchange.generation() || started || exchange.responseEnded()) {
            if (body instanceof ByteBuf b) {
                b.release();
            }
            sink.error(new IllegalStateException(generation != exchange.generation()
                    ? "the exchange ended before the response was sent" : "the response was already sent"));
            return;
        }
        started = true;
        switch (body) {
            case String s -> complete(sink, () -> writeWhole(null, s));
            case ByteBuf b -> complete(sink, () -> writeWhole(b, null));
            case Path file -> complete(sink, () -> writeFile(file));
            case Mono<?> mono -> mono.subscribe(new Single(sink, generation));
            default -> ((Publisher<?>) body).subscribe(new Stream(sink, generation));
        }
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
        writeWhole(null, null);
    }

    /**
     * Loop thread: the whole response, with a {@code Content-Length}: no content, a buffer, or a string's UTF-8.
     *
     * @param body released here
     * @throws IllegalArgumentException when a field or the content type is not allowed; nothing is written then
     */
    void writeWhole(ByteBuf body, CharSequence text) {
        int length = body != null ? body.readableBytes() : text != null ? ByteBufUtil.utf8Bytes(text) : 0;
        boolean copy = body == null || length <= GatheringWriter.COPY_BELOW;
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
        } else if (text != null) {
            if (length == text.length()) {
                ByteBufUtil.writeAscii(out, text); // unlike writeUtf8, no NIO view of a direct buffer per call
            } else {
                ByteBufUtil.reserveAndWriteUtf8(out, text, length);
            }
        } else {
            exchange.writer().write(body); // copied into the room head() left for it when small
        }
        if (framing == BodyFraming.LENGTH) {
            exchange.bytesSent += length;
        }
        exchange.written();
        exchange.responseWritten();
    }

    /**
     * Loop thread: a file's content with a {@code Content-Length}, sent from the file by the transport (ix splices
     * it; no copy through the heap).
     *
     * @throws UncheckedIOException when the file cannot be read; nothing is written then
     */
    private void writeFile(Path file) {
        long size;
        try {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new IOException("not a readable regular file: " + file);
            }
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("sendFile(" + file + ")", e);
        }
        head(size, 0);
        if (framing == BodyFraming.LENGTH && size > 0) {
            exchange.writer().writeMessage(new DefaultFileRegion(file.toFile(), 0, size));
            exchange.bytesSent += size;
        }
        exchange.written();
        exchange.responseWritten();
    }

    /** @return the gathering buffer the head was written into, with {@code extra} more bytes of room */
    private ByteBuf head(long contentLength, int extra) {
        ResponseEncoder encoder = exchange.encoder();
        ByteBuf out;
        int mark;
        synchronized (fields) {
            int fieldBytes = 0;
            for (int i = 0; i < fields.size(); i++) {
                fieldBytes += fields.get(i).length() + 2;
            }
            out = exchange.writer().room(HEAD_CAPACITY + fieldBytes + extra);
            mark = out.writerIndex();
            try {
                framing = encoder.writeHead(out, status, contentType, contentLength, exchange.flags());
                for (int i = 0; i < fields.size(); i += 2) {
                    encoder.writeHeader(out, fields.get(i), fields.get(i + 1));
                }
                encoder.writeEndOfHead(out);
            } catch (RuntimeException e) {
                out.writerIndex(mark); // the gathering buffer holds other responses: only this head goes
                throw e;
            }
        }
        headWritten = true;
        exchange.status = status.code();
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
        GatheringWriter writer = exchange.writer();
        exchange.bytesSent += n;
        if (framing == BodyFraming.CHUNKED) {
            exchange.encoder().writeChunkStart(writer.room(18 + (n <= GatheringWriter.COPY_BELOW ? n : 0)), n);
            writer.write(chunk);
            exchange.encoder().writeChunkEnd(writer.room(2));
        } else {
            writer.write(chunk);
        }
        exchange.written();
    }

    private void writeEnd() {
        if (framing == BodyFraming.CHUNKED) {
            exchange.encoder().writeLastChunk(exchange.writer().room(5));
            exchange.written();
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

    /**
     * What a send method returned: the content to send, written when the handler returns this (see the class
     * comment) or when it is subscribed. Subscribing twice, or after the exchange ended, fails.
     */
    static final class Send extends Mono<Void> {
        static final Object NOT_AT_HAND = new Object();

        private final ServerResponse response;
        /** A String, a ByteBuf (owned here), a Path or a Publisher; null when taken or never armed. */
        private Object body;
        private int generation;

        Send(ServerResponse response) {
            this.response = response;
        }

        /** @return false when this Send already holds a content not taken yet (the caller makes another Send) */
        synchronized boolean arm(Object content, int generation) {
            if (body != null) {
                return false;
            }
            this.body = content;
            this.generation = generation;
            return true;
        }

        /** Drops the content (releasing a buffer), so that a later subscription fails. */
        synchronized void clear() {
            Object b = body;
            body = null;
            if (b instanceof ByteBuf buf) {
                buf.release();
            }
        }

        private synchronized Object take() {
            Object b = body;
            body = null;
            return b;
        }

        /**
         * @return the content when it is a string or a buffer, or the value of a scalar {@code Mono} (a buffer, or
         *         null for none); {@link #NOT_AT_HAND} when it must be subscribed (it is kept then)
         */
        synchronized Object takeAtHand(int exchangeGeneration) throws Exception {
            Object b = body;
            if (b == null || generation != exchangeGeneration) {
                throw new IllegalStateException("the response was already sent");
            }
            if (b instanceof Publisher<?> && !(b instanceof Fuseable.ScalarCallable<?>)) {
                return NOT_AT_HAND;
            }
            body = null;
            if (b instanceof Fuseable.ScalarCallable<?> scalar) {
                return scalar.call();
            }
            return b;
        }

        ServerResponse response() {
            return response;
        }

        @Override
        public void subscribe(CoreSubscriber<? super Void> actual) {
            int sent = generation;
            Object b = take();
            if (b == null) {
                Operators.error(actual, new IllegalStateException("the response was already sent"));
                return;
            }
            Mono.<Void>create(sink -> response.exchange.onLoop(() -> response.start(b, sent, sink)))
                    .subscribe(actual);
        }
    }

    /** Sends a Mono's one buffer with a {@code Content-Length}. */
    private final class Single implements CoreSubscriber<Object> {
        private final MonoSink<Void> sink;
        private final int generation;
        private ByteBuf value;

        Single(MonoSink<Void> sink, int generation) {
            this.sink = sink;
            this.generation = generation;
        }

        @Override
        public void onSubscribe(Subscription s) {
            sink.onCancel(s::cancel);
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Object b) {
            value = (ByteBuf) b;
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
                if (generation != exchange.generation() || exchange.responseEnded()) {
                    if (b != null) {
                        b.release();
                    }
                    sink.error(new IllegalStateException("the exchange ended before the response was sent"));
                    return;
                }
                complete(sink, () -> writeWhole(b, null));
            });
        }
    }

    /**
     * Sends a publisher's buffers as they come, one requested at a time while the connection is writable: a slow
     * client slows the publisher instead of filling the server's memory.
     */
    private final class Stream implements CoreSubscriber<Object> {
        private final MonoSink<Void> sink;
        private final int generation;
        private Subscription subscription;

        Stream(MonoSink<Void> sink, int generation) {
            this.sink = sink;
            this.generation = generation;
        }

        private boolean gone() {
            return generation != exchange.generation() || exchange.responseEnded();
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            sink.onCancel(s::cancel);
            s.request(1);
        }

        @Override
        public void onNext(Object next) {
            ByteBuf b = (ByteBuf) next;
            exchange.onLoop(() -> {
                if (gone()) {
                    b.release();
                    return;
                }
                try {
                    if (!headWritten) {
                        head(ResponseEncoder.UNKNOWN_LENGTH, 0);
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
                if (headWritten && !gone()) {
                    exchange.cut(); // the client cannot tell a cut body from a whole one otherwise
                }
                sink.error(t);
            });
        }

        @Override
        public void onComplete() {
            exchange.onLoop(() -> {
                if (gone()) {
                    sink.success();
                    return;
                }
                complete(sink, headWritten ? ServerResponse.this::writeEnd : () -> writeWhole(null, null));
            });
        }
    }
}
