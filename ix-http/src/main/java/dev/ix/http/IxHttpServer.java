package dev.ix.http;

import dev.ix.reactor.IxServer;
import dev.ix.reactor.IxServerSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An HTTP/1.1 server on ix loops (first cut of issue 12):
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
 * connection then closes). Keep-alive is the default for HTTP/1.1 and only on request for HTTP/1.0. Stopping the
 * server ({@link IxServer#disposeNow}) closes idle connections at once and others after their requests in flight
 * are answered.
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

    private IxHttpServer(IxServerSpec<?> settings, List<HttpRouter.Route> routes, HttpLimits limits,
                         HttpObservers.Options observe) {
        super(settings);
        this.routes = routes;
        this.limits = limits;
        this.observe = observe;
    }

    private IxHttpServer() {
        super();
        this.routes = List.of();
        this.limits = HttpLimits.DEFAULT;
        this.observe = HttpObservers.Options.OFF;
    }

    /** @return a server on all addresses, a free port and one loop per available processor, without routes */
    public static IxHttpServer create() {
        return new IxHttpServer().childOption(ChannelOption.TCP_NODELAY, true);
    }

    @Override
    protected IxHttpServer withSettingsOf(IxServerSpec<?> source) {
        return new IxHttpServer(source, routes, limits, observe);
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
        return new IxHttpServer(this, List.copyOf(all), limits, observe);
    }

    /** Package-private while {@link HttpLimits} is: tests use small limits. */
    IxHttpServer limits(HttpLimits limits) {
        return new IxHttpServer(this, routes, limits, observe);
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
                new HttpObservers.Options(registry, maxUriTags, observe.accessLog()));
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
                new HttpObservers.Options(observe.registry(), observe.maxUriTags(), enabled));
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
        IxServer server = bindListeners(THREAD_NAME_PREFIX,
                ch -> ch.pipeline().addLast(new HttpServerHandler(router, l, observers)));
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
