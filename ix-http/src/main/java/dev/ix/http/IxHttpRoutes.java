package dev.ix.http;

import org.reactivestreams.Publisher;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The routes of an {@link IxHttpServer}, declared in {@link IxHttpServer#route}:
 *
 * <pre>{@code
 * r -> r.get("/plaintext", (req, res) -> res.sendString("Hello, World!"))
 *       .post("/echo", (req, res) -> res.send(req.body()))
 *       .get("/users/{id}", (req, res) -> res.sendString("user " + req.param("id")))
 * }</pre>
 *
 * <p>A path is matched segment by segment against the request's path (still percent-encoded; the query is not part
 * of it): literal segments exactly, {@code {name}} variables against one whole non-empty segment, whose value
 * {@link IxHttpRequest#param} decodes (a malformed escape in it is answered 400). Routes are tried in
 * the order declared; the first whose path and method match handles the request. No path matches: 404. A path
 * matches but no method: 405 with {@code Allow}. A HEAD request without a HEAD route is handled by the GET route (its
 * body is not sent).
 *
 * <p>A handler runs on the connection's loop thread and must not block (see {@code IxSchedulers}); what it returns
 * is subscribed there, and the exchange ends when both it and the response's send have completed.
 *
 * <p>Not thread-safe: used only inside {@link IxHttpServer#route}, which copies what it declared.
 */
public final class IxHttpRoutes {
    private final List<HttpRouter.Route> routes = new ArrayList<>();

    IxHttpRoutes() {
    }

    /** @return this, with a GET route */
    public IxHttpRoutes get(String path, BiFunction<? super IxHttpRequest, ? super IxHttpResponse,
            ? extends Publisher<Void>> handler) {
        return route("GET", path, handler);
    }

    /** @return this, with a POST route */
    public IxHttpRoutes post(String path, BiFunction<? super IxHttpRequest, ? super IxHttpResponse,
            ? extends Publisher<Void>> handler) {
        return route("POST", path, handler);
    }

    /** @return this, with a PUT route */
    public IxHttpRoutes put(String path, BiFunction<? super IxHttpRequest, ? super IxHttpResponse,
            ? extends Publisher<Void>> handler) {
        return route("PUT", path, handler);
    }

    /** @return this, with a DELETE route */
    public IxHttpRoutes delete(String path, BiFunction<? super IxHttpRequest, ? super IxHttpResponse,
            ? extends Publisher<Void>> handler) {
        return route("DELETE", path, handler);
    }

    /** @return this, with a HEAD route (without one, HEAD requests go to the GET route) */
    public IxHttpRoutes head(String path, BiFunction<? super IxHttpRequest, ? super IxHttpResponse,
            ? extends Publisher<Void>> handler) {
        return route("HEAD", path, handler);
    }

    /**
     * @param method  a method name, case-sensitive, e.g. {@code PATCH}
     * @param path    starting with {@code /}; {@code {name}} segments are variables ({@link IxHttpRequest#param})
     * @param handler called on the connection's loop for each matching request
     * @return this
     * @throws IllegalArgumentException on a null or empty method, a path not starting with {@code /} or with braces
     *                                  that are not a whole segment, or a null handler
     */
    public IxHttpRoutes route(String method, String path, BiFunction<? super IxHttpRequest, ? super IxHttpResponse,
            ? extends Publisher<Void>> handler) {
        if (method == null || method.isEmpty()) {
            throw new IllegalArgumentException("method: '" + method + "' (expected: e.g. GET)");
        }
        if (handler == null) {
            throw new IllegalArgumentException("handler: null (route " + method + " " + path + ")");
        }
        routes.add(new HttpRouter.Route(method, new PathTemplate(path), handler));
        return this;
    }

    HttpRouter build() {
        return new HttpRouter(routes);
    }
}
