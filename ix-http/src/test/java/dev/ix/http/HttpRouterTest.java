package dev.ix.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link HttpRouter} and {@link PathTemplate}: matching on the request's bytes, variables as offsets. */
class HttpRouterTest {
    private final HttpRouter router = new IxHttpRoutes()
            .get("/", (req, res) -> Mono.empty())
            .get("/plaintext", (req, res) -> Mono.empty())
            .get("/users/{id}", (req, res) -> Mono.empty())
            .get("/users/{id}/posts/{post}", (req, res) -> Mono.empty())
            .post("/users/{id}", (req, res) -> Mono.empty())
            .route("PATCH", "/a/", (req, res) -> Mono.empty())
            .build();

    /** @return the head of {@code request}, copied (as an exchange slot holds it) */
    private static RequestHead head(String request) {
        List<RequestHead> heads = new ArrayList<>();
        RequestParser parser = new RequestParser(HttpLimits.DEFAULT, new RequestParser.Listener() {
            @Override
            public boolean onHead(RequestHead head) {
                RequestHead copy = new RequestHead();
                copy.copyFrom(head);
                heads.add(copy);
                return true;
            }

            @Override
            public void onContent(ByteBuf content) {
                content.release();
            }

            @Override
            public boolean onEnd() {
                return true;
            }

            @Override
            public void onError(int status, String reason) {
                throw new AssertionError(status + " " + reason);
            }
        });
        ByteBuf in = Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1);
        parser.parse(in);
        in.release();
        return heads.getFirst();
    }

    private String route(String method, String target) {
        RequestHead h = head(method + " " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
        HttpRouter.Route r = router.find(h, new int[2 * router.maxVariables()]);
        return r == null ? "none, allowed: [" + router.allowed(h) + "]" : r.method() + " " + r.path();
    }

    @Test
    void matchesLiteralPathsExactly() {
        assertThat(route("GET", "/plaintext")).isEqualTo("GET /plaintext");
        assertThat(route("GET", "/plaintext?x=1")).isEqualTo("GET /plaintext");
        assertThat(route("GET", "/plaintext/")).startsWith("none");
        assertThat(route("GET", "/plaintex")).startsWith("none");
        assertThat(route("GET", "/")).isEqualTo("GET /");
        assertThat(route("GET", "http://example.com")).isEqualTo("GET /");
        assertThat(route("PATCH", "/a/")).isEqualTo("PATCH /a/");
        assertThat(route("PATCH", "/a")).startsWith("none");
    }

    @Test
    void matchesVariablesAsWholeNonEmptySegments() {
        RequestHead h = head("GET /users/42/posts/7?q HTTP/1.1\r\nHost: h\r\n\r\n");
        int[] vars = new int[2 * router.maxVariables()];

        HttpRouter.Route r = router.find(h, vars);

        assertThat(r.path()).hasToString("/users/{id}/posts/{post}");
        assertThat(h.ascii(vars[0], vars[1])).isEqualTo("42");
        assertThat(h.ascii(vars[2], vars[3])).isEqualTo("7");
        assertThat(route("GET", "/users/")).startsWith("none");
        assertThat(route("GET", "/users//posts/7")).startsWith("none");
        assertThat(route("GET", "/users/%2F")).isEqualTo("GET /users/{id}");
    }

    @Test
    void fallsBackFromHeadToGetAndListsAllowedMethods() {
        RequestHead h = head("HEAD /users/9 HTTP/1.1\r\nHost: h\r\n\r\n");
        int[] vars = new int[2 * router.maxVariables()];

        assertThat(router.find(h, vars).method()).isEqualTo("GET");
        assertThat(h.ascii(vars[0], vars[1])).isEqualTo("9");
        assertThat(route("DELETE", "/users/9")).isEqualTo("none, allowed: [GET, HEAD, POST]");
        assertThat(route("GET", "/nowhere")).isEqualTo("none, allowed: []");
    }
}
