package dev.ix.http;

import dev.ix.reactor.IxServer;
import dev.ix.reactor.IxServerSpec;
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
 * <p>Immutable and thread-safe: every method returns a new server spec.
 */
public final class IxHttpServer extends IxServerSpec<IxHttpServer> {
    /** Names the loops a server creates: {@code ix-http-N}. */
    static final String THREAD_NAME_PREFIX = "ix-http";
    /** The event that tells a connection the server stops. */
    static final Object SERVER_STOPPING = STOPPING;

    private final List<HttpRouter.Route> routes;
    private final HttpLimits limits;

    private IxHttpServer(IxServerSpec<?> settings, List<HttpRouter.Route> routes, HttpLimits limits) {
        super(settings);
        this.routes = routes;
        this.limits = limits;
    }

    private IxHttpServer() {
        super();
        this.routes = List.of();
        this.limits = HttpLimits.DEFAULT;
    }

    /** @return a server on all addresses, a free port and one loop per available processor, without routes */
    public static IxHttpServer create() {
        return new IxHttpServer().childOption(ChannelOption.TCP_NODELAY, true);
    }

    @Override
    protected IxHttpServer withSettingsOf(IxServerSpec<?> source) {
        return new IxHttpServer(source, routes, limits);
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
        return new IxHttpServer(this, List.copyOf(all), limits);
    }

    /** Package-private while {@link HttpLimits} is: tests use small limits. */
    IxHttpServer limits(HttpLimits limits) {
        return new IxHttpServer(this, routes, limits);
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
        return bindListeners(THREAD_NAME_PREFIX, ch -> ch.pipeline().addLast(new HttpServerHandler(router, l)));
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
