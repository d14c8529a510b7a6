package dev.ix.http;

import io.netty.buffer.ByteBuf;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * The response to one request. Set the status and fields first, then send the body once; the send methods return a
 * {@code Mono} that writes when subscribed and completes when the response has been handed to the connection
 * (return it from the handler). The status and fields must be set before a send is subscribed, and only one send
 * may be subscribed per response.
 *
 * <p><b>Framing</b>: one buffer or string ({@link #send(ByteBuf)}, {@link #sendString}, or any {@link Mono}) gets a
 * {@code Content-Length}; any other {@code Publisher} is sent chunked to an HTTP/1.1 client and until the close to an
 * HTTP/1.0 client. A HEAD request gets the head only, 204 and 304 never have content. A handler that completes
 * without sending anything is answered with its status (200 by default) and no content ({@code Content-Length: 0}).
 *
 * <p><b>At once</b>: a handler that returns what {@link #sendString(String)}, {@link #send(ByteBuf)} or
 * {@code send(Mono.just(..))} gave it is answered in the loop turn its request arrived in, without subscribing to
 * anything and without allocating. The returned {@code Mono} belongs to this exchange: subscribed after the exchange
 * ended, or a second time, it fails with {@link IllegalStateException}.
 *
 * <p><b>Buffers</b>: every {@code ByteBuf} given to a send belongs to the server from then on, sent or not; the
 * server releases it (a send never subscribed, when the exchange ends). <b>Lifetime</b>: as the request's (see
 * {@link IxHttpRequest}); the object serves a later request of the connection afterwards. <b>Threading</b>: the setters are meant for the handler's own thread (the connection's loop);
 * a send may be subscribed on any thread: its writes run on the loop.
 */
public interface IxHttpResponse {
    /** @param status the status code, 100..599 (default 200) */
    IxHttpResponse status(int status);

    /** @param status the status (default {@link HttpStatus#OK}) */
    IxHttpResponse status(HttpStatus status);

    /**
     * Adds a field. {@code Content-Length}, {@code Transfer-Encoding}, {@code Connection}, {@code Date} and
     * {@code Server} are the server's.
     *
     * @param name  a {@code token}
     * @param value visible ASCII, SP and HTAB (checked when the head is written: a bad one fails the send)
     */
    IxHttpResponse header(String name, String value);

    /** @param contentType the {@code Content-Type} value, e.g. {@code text/plain} */
    IxHttpResponse contentType(String contentType);

    /** @return the body {@code body} encoded as UTF-8, with a {@code Content-Length} */
    Mono<Void> sendString(String body);

    /** @return the string the Mono emits, as UTF-8 with a {@code Content-Length}; empty: no content */
    Mono<Void> sendString(Mono<String> body);

    /** @param body sent with a {@code Content-Length}; released by the server */
    Mono<Void> send(ByteBuf body);

    /**
     * @param body a {@link Mono}: one buffer with a {@code Content-Length}; any other publisher: chunked (HTTP/1.1)
     *             or until the close (HTTP/1.0), one chunk per buffer, requested one at a time while the
     *             connection is writable. Each buffer is released by the server.
     */
    Mono<Void> send(Publisher<? extends ByteBuf> body);

    /**
     * @param file a readable regular file, sent whole with a {@code Content-Length} of its size at the time of the
     *             send; the transport sends it from the file (ix splices it, no copy through the heap). The content
     *             type is the handler's to set.
     * @return the send; fails with {@link java.io.UncheckedIOException} when the file cannot be read (a handler
     *         returning it is then answered 500)
     */
    Mono<Void> sendFile(java.nio.file.Path file);
}
