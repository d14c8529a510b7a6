package dev.ix.http;

import org.reactivestreams.Publisher;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/** Finds the route of a request ({@link IxHttpRoutes} describes the rules). Immutable, thread-safe. */
final class HttpRouter {
    /** One declared route. */
    record Route(String method, PathTemplate path,
                 BiFunction<? super IxHttpRequest, ? super IxHttpResponse, ? extends Publisher<Void>> handler) {
    }

    /**
     * What a request matched.
     *
     * @param route     the route, or null when none matched
     * @param variables the path variables of {@code route}
     * @param allow     when no route matched but some path did: their methods, for 405 and {@code Allow}; else empty
     */
    record Match(Route route, Map<String, String> variables, String allow) {
    }

    private final List<Route> routes;

    HttpRouter(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    List<Route> routes() {
        return routes;
    }

    Match match(String method, String path) {
        String[] segments = PathTemplate.split(path);
        Map<String, String> variables = new HashMap<>();
        Route fallback = null;
        Map<String, String> fallbackVariables = null;
        Set<String> allowed = null;
        for (Route r : routes) {
            Map<String, String> v = new HashMap<>();
            if (!r.path().match(segments, v)) {
                continue;
            }
            if (r.method().equals(method)) {
                variables.putAll(v);
                return new Match(r, variables, "");
            }
            if (fallback == null && method.equals("HEAD") && r.method().equals("GET")) {
                fallback = r;
                fallbackVariables = v;
            }
            if (allowed == null) {
                allowed = new LinkedHashSet<>();
            }
            allowed.add(r.method());
            if (r.method().equals("GET")) {
                allowed.add("HEAD");
            }
        }
        if (fallback != null) {
            return new Match(fallback, fallbackVariables, "");
        }
        return new Match(null, Map.of(), allowed == null ? "" : String.join(", ", allowed));
    }
}
