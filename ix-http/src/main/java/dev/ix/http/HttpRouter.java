package dev.ix.http;

import org.reactivestreams.Publisher;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Finds the route of a request ({@link IxHttpRoutes} describes the rules) by comparing the request's method and path
 * bytes with each route's: no allocation when a route matches. Immutable, thread-safe.
 */
final class HttpRouter {
    /** One declared route. */
    record Route(String method, PathTemplate path,
                 BiFunction<? super IxHttpRequest, ? super IxHttpResponse, ? extends Publisher<Void>> handler,
                 HttpMethod knownMethod, byte[] methodBytes) {

        Route(String method, PathTemplate path,
              BiFunction<? super IxHttpRequest, ? super IxHttpResponse, ? extends Publisher<Void>> handler) {
            this(method, path, handler, known(method), method.getBytes(StandardCharsets.UTF_8));
        }

        private static HttpMethod known(String method) {
            for (HttpMethod m : HttpMethod.values()) {
                if (m != HttpMethod.OTHER && m.name().equals(method)) {
                    return m;
                }
            }
            return HttpMethod.OTHER;
        }

        boolean methodMatches(RequestHead head) {
            if (knownMethod != HttpMethod.OTHER || head.method() != HttpMethod.OTHER) {
                return knownMethod == head.method();
            }
            return Arrays.equals(head.bytes(), head.methodStart(), head.methodEnd(), methodBytes, 0,
                    methodBytes.length);
        }
    }

    private final List<Route> routes;
    private final int maxVariables;

    HttpRouter(List<Route> routes) {
        this.routes = List.copyOf(routes);
        this.maxVariables = routes.stream().mapToInt(r -> r.path().variableCount()).max().orElse(0);
    }

    List<Route> routes() {
        return routes;
    }

    /** @return the most variables any route's path has: {@link #find}'s {@code vars} needs twice as many ints */
    int maxVariables() {
        return maxVariables;
    }

    /**
     * @param vars receives the matched route's variables (see {@link PathTemplate#match}); overwritten by attempts
     * @return the first route whose method and path match; for a HEAD request without one, the first GET route whose
     *         path matches; else null
     */
    Route find(RequestHead head, int[] vars) {
        Route fallback = null;
        for (Route r : routes) {
            if (r.methodMatches(head)) {
                if (r.path().match(head, vars)) {
                    return r;
                }
            } else if (fallback == null && head.method() == HttpMethod.HEAD && r.knownMethod() == HttpMethod.GET
                    && r.path().match(head, vars)) {
                fallback = r;
            }
        }
        if (fallback != null) {
            fallback.path().match(head, vars); // again: later attempts overwrote its variables
        }
        return fallback;
    }

    /**
     * For a request no route took ({@link #find} returned null).
     *
     * @return the methods of the routes whose path matches, for 405's {@code Allow} ({@code HEAD} with {@code GET});
     *         empty when none does (404)
     */
    String allowed(RequestHead head) {
        int[] vars = new int[2 * maxVariables];
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            if (r.path().match(head, vars)) {
                allowed.add(r.method());
                if (r.knownMethod() == HttpMethod.GET) {
                    allowed.add("HEAD");
                }
            }
        }
        return String.join(", ", allowed);
    }
}
