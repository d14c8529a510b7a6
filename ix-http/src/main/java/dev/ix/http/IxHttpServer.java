package dev.ix.http;

import dev.ix.reactor.IxServer;
import dev.ix.reactor.IxServerSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An HTTP/1.1 server on ix loops:
 *
 * <pre>{@code
 * IxServer server = IxHttpServer.create()
 *         .port(8080).loops(2)
 *         .route(r -> r.get("/plaintext", (req, res) -> res.sendString("Hello, World!"))
 *                      .post("/echo", (req, res) -> res.send(req.body()))
 *                      .get("/users/{id}", (req, res) -> res.sendString("user " + req.param("id"))))
 *         .bindNow();
 * ...
 * server.disposeNow(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p><b>Threading:</b> each connection lives on one loop; its handlers are called there, one request at a time and
 * in order (pipelined requests wait, up to 16 per connection, then the server stops reading), and must not block.
 * <b>Buffers:</b> a request's body ({@link IxHttpRequest#body()}) belongs to its subscriber; buffers given to a send
 * belong to the server ({@link IxHttpResponse}).
 *
 * <p>Requests are parsed strictly (RFC 9112; see the module README for what is rejected with which status; the
 * connection then closes), within limits set here ({@link #maxHeaderSize} and others). Timeouts, defaults as nginx's,
 * cut slow or stuck connections: {@link #headerReadTimeout}, {@link #bodyReadTimeout}, {@link #idleTimeout},
 * {@link #sendTimeout}, {@link #requestTimeout}, and {@link #maxRequestsPerConnection}; they run on each loop's
 * timer wheel, one timer per connection. A connection the server closes after a response lingers
 * ({@link #lingeringTime}, {@link #lingeringTimeout}) so that a client still sending reads that response.
 * Keep-alive is the default for HTTP/1.1 and only on request for HTTP/1.0.
 * Stopping the server ({@link IxServer#disposeNow}) closes idle connections at once and others after their requests
 * in flight are answered.
 *
 * <p>Off by default: Micrometer meters ({@link #metrics(MeterRegistry)}) and an access log ({@link #accessLog}).
 *
 * <p>Immutable and thread-safe: every method returns a new server spec.
 */
public final class IxHttpServer extends IxServerSpec<IxHttpServer> {
    /** Names the loops a server creates: {@code ix-http-N}. */
    static final String THREAD_NAME_PREFIX = "ix-http";
    /** The event that tells a connection the server stops. */
    static final Object SERVER_STOPPING = STOPPING;

    private final List<HttpRouter.Route> routes;
    private final HttpLimits limits;
    private final HttpObservers.Options observe;
    private final HttpTimeouts timeouts;

    private IxHttpServer(IxServerSpec<?> settings, List<HttpRouter.Route> routes, HttpLimits limits,
                         HttpObservers.Options observe, HttpTimeouts timeouts) {
        super(settings);
        this.routes = routes;
        this.limits = limits;
        this.observe = observe;
        this.timeouts = timeouts;
    }

    private IxHttpServer() {
        super();
        this.routes = List.of();
        this.limits = HttpLimits.DEFAULT;
        this.observe = HttpObservers.Options.OFF;
        this.timeouts = HttpTimeouts.DEFAULT;
    }

    /** @return a server on all addresses, a free port and one loop per available processor, without routes */
    public static IxHttpServer create() {
        return new IxHttpServer().childOption(ChannelOption.TCP_NODELAY, true);
    }

    @Override
    protected IxHttpServer withSettingsOf(IxServerSpec<?> source) {
        return new IxHttpServer(source, routes, limits, observe, timeouts);
    }

    /**
     * @param routes declares routes ({@link IxHttpRoutes}); called once, here. Adds to the routes declared before.
     * @return a server with those routes
     */
    public IxHttpServer route(Consumer<? super IxHttpRoutes> routes) {
        IxHttpRoutes r = new IxHttpRoutes();
        routes.accept(r);
        List<HttpRouter.Route> all = new ArrayList<>(this.routes);
        all.addAll(r.build().routes());
        return new IxHttpServer(this, List.copyOf(all), limits, observe, timeouts);
    }

    /**
     * @param length the longest request line in bytes, without its CRLF, empty lines before it included; default
     *               8 KiB (8192), range 16..1 MiB. A longer one is answered 414 and the connection closes
     * @return a server with that limit
     * @throws IllegalArgumentException when out of range
     */
    public IxHttpServer maxRequestLineLength(int length) {
        return limits(limits.withMaxRequestLineLength(length));
    }

    /**
     * @param size the largest header section in bytes, every field line with its CRLF and the final empty line;
     *             the trailer section of a chunked body separately. Default 8 KiB (8192), range 2..1 MiB. A larger
     *             one is answered 431 and the connection closes
     * @return a server with that limit
     * @throws IllegalArgumentException when out of range
     */
    public IxHttpServer maxHeaderSize(int size) {
        return limits(limits.withMaxHeaderSize(size));
    }

    /**
     * @param count the most field lines in a header section; default 100, range 1..10000. More are answered 431 and
     *              the connection closes
     * @return a server with that limit
     * @throws IllegalArgumentException when out of range
     */
    public IxHttpServer maxHeaderCount(int count) {
        return limits(limits.withMaxHeaderCount(count));
    }

    /**
     * @param size the largest request body in bytes, declared ({@code Content-Length}) or decoded (chunked);
     *             default 1 MiB (1048576), at least 0. A larger one is answered 413 and the connection closes
     * @return a server with that limit
     * @throws IllegalArgumentException when negative
     */
    public IxHttpServer maxBodySize(long size) {
        return limits(limits.withMaxBodySize(size));
    }

    /**
     * @param length the longest chunk-size line of a chunked body in bytes, without its CRLF, extensions included;
     *               default 1 KiB (1024), range 1..1 MiB. A longer one is answered 400 and the connection closes
     * @return a server with that limit
     * @throws IllegalArgumentException when out of range
     */
    public IxHttpServer maxChunkLineLength(int length) {
        return limits(limits.withMaxChunkLineLength(length));
    }

    /** All limits at once; package-private with {@link HttpLimits}. */
    IxHttpServer limits(HttpLimits limits) {
        return new IxHttpServer(this, routes, limits, observe, timeouts);
    }

    /**
     * Micrometer meters under {@code ix.http.server.*}, as Reactor Netty's {@code reactor.netty.http.server.*}
     * (the module README lists them): requests by method, route template and status with their duration, request
     * and response content bytes, open and active connections, errors by cause. Off by default. Recording
     * allocates nothing per request: each loop keeps the meters it used. At most 100 distinct route
     * templates are {@code uri} values, the rest are {@code OTHER} ({@link #metrics(MeterRegistry, int)}). Micrometer is an optional dependency of ix-http: bring {@code micrometer-core} to use this.
     *
     * @param registry where the meters go; null turns metrics off
     * @return a server with these metrics
     */
    public IxHttpServer metrics(MeterRegistry registry) {
        return metrics(registry, HttpObservers.DEFAULT_MAX_URI_TAGS);
    }

    /**
     * {@link #metrics(MeterRegistry)} with a cap on {@code uri} tag values (Reactor Netty's {@code maxUriTags}):
     * the first {@code maxUriTags} distinct route templates requested are tagged as themselves, later ones
     * {@code uri=OTHER}, with one WARN when that first happens. 404 and 405 answers ({@code NOT_FOUND},
     * {@code METHOD_NOT_ALLOWED}) do not count.
     *
     * @param registry   where the meters go; null turns metrics off
     * @param maxUriTags >= 0
     * @return a server with these metrics
     * @throws IllegalArgumentException when {@code maxUriTags} is negative
     */
    public IxHttpServer metrics(MeterRegistry registry, int maxUriTags) {
        return new IxHttpServer(this, routes, limits,
                new HttpObservers.Options(registry, maxUriTags, observe.accessLog()), timeouts);
    }

    /**
     * The access log: one INFO line per request, in the Common Log Format followed by the duration in
     * milliseconds (Reactor Netty's format), on the logger {@code dev.ix.http.AccessLog} (through Netty's logging
     * facade: SLF4J when present). Off by default; a line is formatted only when that logger logs INFO. Lines are
     * logged on the loop threads: give the logger an asynchronous appender.
     *
     * @param enabled whether to log
     * @return a server with or without the access log
     */
    public IxHttpServer accessLog(boolean enabled) {
        return new IxHttpServer(this, routes, limits,
                new HttpObservers.Options(observe.registry(), observe.maxUriTags(), enabled), timeouts);
    }

    /**
     * How long a request's head may take to arrive, from its first byte (nginx's {@code client_header_timeout}):
     * a client trickling header bytes is cut at this deadline, however steadily it sends. On expiry the request is
     * answered {@code 408} with {@code Connection: close}, after the requests before it, and the connection closes.
     *
     * @param timeout default 60 s; {@link Duration#ZERO} disables it
     * @return a server with that timeout
     * @throws IllegalArgumentException when negative, null, or longer than the loop's wheel can wait (~146 years)
     */
    public IxHttpServer headerReadTimeout(Duration timeout) {
        return timeouts(timeouts.withHeaderRead(timeout));
    }

    /**
     * How long a request's body may pause: between its head and its first bytes, and between two reads of it
     * (nginx's {@code client_body_timeout}; for {@code Expect: 100-continue}, from the {@code 100 Continue}). It
     * waits while the server itself stops reading for a {@link IxHttpRequest#receive()} consumer that fell behind. On
     * expiry the request is answered {@code 408} with {@code Connection: close} if nothing of its response was
     * sent, and the connection closes.
     *
     * @param timeout default 60 s; {@link Duration#ZERO} disables it
     * @return a server with that timeout
     * @throws IllegalArgumentException when negative, null, or longer than the loop's wheel can wait
     */
    public IxHttpServer bodyReadTimeout(Duration timeout) {
        return timeouts(timeouts.withBodyRead(timeout));
    }

    /**
     * How long a connection may stay open with no request in progress, after its last response or since it was
     * accepted (nginx's {@code keepalive_timeout}); then it closes without a word.
     *
     * @param timeout default 75 s; {@link Duration#ZERO} disables it
     * @return a server with that timeout
     * @throws IllegalArgumentException when negative, null, or longer than the loop's wheel can wait
     */
    public IxHttpServer idleTimeout(Duration timeout) {
        return timeouts(timeouts.withIdle(timeout));
    }

    /**
     * How long a connection may go without the peer taking any of its bytes while it cannot take more writes
     * (its outbound buffer over the high water mark), or while it closes with bytes left (nginx's
     * {@code send_timeout}); then it is closed at once, its unsent bytes dropped. Checked when the timeout expires,
     * so the cut comes between one and two timeouts after the last progress.
     *
     * @param timeout default 60 s; {@link Duration#ZERO} disables it (a peer that stops reading then holds its
     *                connection until another timeout or the client closes it)
     * @return a server with that timeout
     * @throws IllegalArgumentException when negative, null, or longer than the loop's wheel can wait
     */
    public IxHttpServer sendTimeout(Duration timeout) {
        return timeouts(timeouts.withSend(timeout));
    }

    /**
     * How long a request's handler may run, from its start until its publisher and response end, not counting the
     * time the peer held it up: while the connection could not take more writes (the send timeout covers that) and
     * while the client was sending a request body (the body read timeout covers that). On expiry the handler's
     * subscription is cancelled and the request is answered {@code 503} with {@code Connection: close} if nothing of
     * its response was sent, else the connection is cut. Streaming responses that last longer need a longer
     * timeout, or none.
     *
     * @param timeout default 60 s; {@link Duration#ZERO} disables it
     * @return a server with that timeout
     * @throws IllegalArgumentException when negative, null, or longer than the loop's wheel can wait
     */
    public IxHttpServer requestTimeout(Duration timeout) {
        return timeouts(timeouts.withRequest(timeout));
    }

    /**
     * How many requests one connection may carry (nginx's {@code keepalive_requests}): the last one's response
     * carries {@code Connection: close} and the connection closes after it.
     *
     * @param max default 1000; 0 for no limit
     * @return a server with that limit
     * @throws IllegalArgumentException when negative
     */
    public IxHttpServer maxRequestsPerConnection(int max) {
        return timeouts(timeouts.withMaxRequestsPerConnection(max));
    }

    /**
     * The longest a closing connection lingers (nginx's {@code lingering_time}). When the server closes a connection
     * after a response (an error answer such as 413 or 400, {@code Connection: close}, the last of
     * {@link #maxRequestsPerConnection}), it shuts the output down (FIN) once the response is written, then reads and
     * drops whatever the client still sends until the client closes, or no byte came for
     * {@link #lingeringTimeout}, or this time has passed since the FIN; then it closes. Closing with unread input
     * at once would make the kernel answer with a reset, which can destroy the response before the client reads
     * it. Connections closed for being idle, after a {@code 408} (a client too slow for its timeout is cut), and
     * those a stopping server closes after their last response with nothing more received, close at once.
     *
     * @param time default 30 s; {@link Duration#ZERO} closes at once, without lingering
     * @return a server with that bound
     * @throws IllegalArgumentException when negative, null, or longer than the loop's wheel can wait
     */
    public IxHttpServer lingeringTime(Duration time) {
        return timeouts(timeouts.withLingeringTime(time));
    }

    /**
     * How long a lingering connection waits for more bytes from the client before it closes (nginx's
     * {@code lingering_timeout}); each read restarts it. See {@link #lingeringTime}.
     *
     * @param timeout default 5 s; {@link Duration#ZERO} closes at once, without lingering
     * @return a server with that timeout
     * @throws IllegalArgumentException when negative, null, or longer than the loop's wheel can wait
     */
    public IxHttpServer lingeringTimeout(Duration timeout) {
        return timeouts(timeouts.withLingeringTimeout(timeout));
    }

    private IxHttpServer timeouts(HttpTimeouts timeouts) {
        return new IxHttpServer(this, routes, limits, observe, timeouts);
    }

    /**
     * Binds one listener per loop and waits until all are bound. Not on a loop thread.
     *
     * @return the running server
     * @throws IllegalStateException on a loop thread, or when a bind fails (the message says why)
     */
    public IxServer bindNow() {
        HttpRouter router = new HttpRouter(routes);
        HttpLimits l = limits;
        HttpObservers observers = new HttpObservers(observe);
        HttpTimeouts t = timeouts;
        IxServer server = bindListeners(THREAD_NAME_PREFIX,
                ch -> ch.pipeline().addLast(new HttpServerHandler(router, l, observers, t)));
        observers.bound(server);
        return server;
    }

    /** @return a Mono that binds ({@link #bindNow()}) on a thread that may wait, when subscribed */
    public Mono<IxServer> bind() {
        return Mono.fromCallable(this::bindNow).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public String toString() {
        return "IxHttpServer(" + routes.size() + " routes)";
    }
}
