package dev.ix.http;

import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One request, as a handler of {@link IxHttpRoutes} sees it. Its head (method, target, fields) is copied when the
 * request arrives, kept as bytes, and decoded only into what a getter is asked for.
 *
 * <p><b>Lifetime:</b> valid, from any thread, until the exchange ends (the handler's publisher terminated and the
 * response was sent). The server then reuses the object for a later request on the same connection (that is how it
 * serves requests without allocating): copy what you need beyond that.
 *
 * <p>The body is read either aggregated ({@link #body()}: whole, under the server's body limit, 1 MiB by default;
 * more is answered 413 by the parser) or as it arrives ({@link #receive()}: demand-driven).
 */
public interface IxHttpRequest {
    /** @return the method as received, e.g. {@code GET} (methods are case-sensitive) */
    String method();

    /** @return the path of the target, still percent-encoded, e.g. {@code /users/42} */
    String path();

    /** @return the query without its {@code ?}, still percent-encoded, or {@code null} when there is none */
    String query();

    /**
     * @param name a variable of the route's template, e.g. {@code id} for {@code /users/{id}}
     * @return its value in this request's path, percent-decoded as UTF-8 ({@code %2F} is {@code /}, {@code +} stays
     *         {@code +}, an invalid UTF-8 sequence is U+FFFD), or {@code null} when the template has no such variable.
     *         A request whose matched variables hold a malformed escape ({@code %G1}, a cut {@code %4}) never reaches
     *         its handler: it is answered 400 and the connection stays open. Decoded on each call; a value without
     *         {@code %} costs only its {@code String}
     */
    String param(String name);

    /**
     * @param name a query parameter's name, matched after percent-decoding
     * @return the first value of that parameter, percent-decoded as UTF-8 ({@code +} as space); {@code ""} for a name
     *         without {@code =}; {@code null} when absent. A name or value with a malformed escape is taken as received
     */
    String queryParam(String name);

    /**
     * @param name a field name, case-insensitive
     * @return the first field value with that name (obs-text decoded as ISO-8859-1), or {@code null}
     */
    String header(String name);

    /**
     * @return whether the connection stays open after this exchange: HTTP/1.1 unless {@code Connection: close},
     *         HTTP/1.0 only with {@code Connection: keep-alive}
     */
    boolean keepAlive();

    /**
     * The whole body, once it has arrived. Subscribe at most once. When subscribed on an {@code Expect:
     * 100-continue} request, the server has already sent {@code 100 Continue} (it does so as the handler starts).
     *
     * @return a Mono of the body (an empty buffer when there is none), emitted on the connection's loop; the buffer
     *         belongs to the subscriber, who releases it. A body the handler does not take is released by the server
     *         when the exchange ends. Fails with {@link IllegalStateException} on a second subscription or when the
     *         connection closed first.
     */
    Mono<ByteBuf> body();

    /**
     * The body as it arrives, demand-driven: while the subscriber asks for nothing, a little is kept and then the
     * server stops reading the connection (the client's sending stalls on TCP's window); it reads on as the
     * subscriber asks. Subscribe at most once, instead of {@link #body()}. {@code 100 Continue} is sent when
     * subscribed, as for {@link #body()}.
     *
     * @return the body's buffers in order, emitted on the connection's loop, then completion at the body's end; each
     *         buffer is released by the server once {@code onNext} returned ({@code retain()} one to keep it, and
     *         release it later). Cancelling drops the rest of the body (the server reads and discards it). Fails with
     *         {@link IllegalStateException} on a second subscription, after {@link #body()}, or when the exchange
     *         ended or the connection closed before the body did.
     */
    Flux<ByteBuf> receive();
}
