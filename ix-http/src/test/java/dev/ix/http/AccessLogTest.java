package dev.ix.http;

import dev.ix.reactor.IxServer;
import dev.ix.reactor.test.CapturedStderr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The access log's lines, as slf4j-simple writes them, for requests over real sockets. */
class AccessLogTest {
    /** Remote address, identity, user and the time the request arrived, as the Common Log Format has them. */
    private static final String START =
            "127\\.0\\.0\\.1 - - \\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}] ";

    private final CapturedStderr log = new CapturedStderr();
    private IxServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
        }
        log.close();
    }

    private void start(boolean accessLog) {
        server = IxHttpServer.create().host("127.0.0.1").loops(1).accessLog(accessLog).route(r -> r
                .get("/hello", (req, res) -> res.sendString("Hello, World!"))
                .post("/echo", (req, res) -> res.send(req.body())))
                .bindNow();
    }

    private List<String> accessLines() {
        return log.messages("dev.ix.http.AccessLog");
    }

    @Test
    void logsOneCommonLogFormatLinePerRequestWithItsDuration() throws Exception {
        start(true);
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            c.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n").read();
            c.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello").read();
            c.send("GET /nowhere?q=\"x\"&b=\\ HTTP/1.1\r\nHost: h\r\n\r\n").read();
            c.send("GET /hello HTTP/1.0\r\n\r\n").read();
        }

        Await.until(() -> assertThat(accessLines()).hasSize(4));
        List<String> lines = accessLines();
        assertThat(lines.get(0)).matches(START + "\"GET /hello HTTP/1\\.1\" 200 13 \\d+");
        assertThat(lines.get(1)).matches(START + "\"POST /echo HTTP/1\\.1\" 200 5 \\d+");
        assertThat(lines.get(2)).matches(START + Pattern.quote("\"GET /nowhere?q=\\\"x\\\"&b=\\\\ HTTP/1.1\" 404 0 ")
                + "\\d+");
        assertThat(lines.get(3)).matches(START + "\"GET /hello HTTP/1\\.0\" 200 13 \\d+");
    }

    @Test
    void logsARejectedRequestWithoutItsRequestLine() throws Exception {
        start(true);
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            assertThat(c.send("GET /hello HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n").read().status())
                    .isEqualTo(400);
        }

        Await.until(() -> assertThat(accessLines()).hasSize(1));
        assertThat(accessLines().getFirst()).matches(START + "\"-\" 400 0 -");
    }

    @Test
    void logsNothingWhenOff() throws Exception {
        start(false);
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            c.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n").read();
            assertThat(c.send("GET /hello HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n").read().status())
                    .isEqualTo(400);
        }

        assertThat(accessLines()).isEmpty();
    }
}
