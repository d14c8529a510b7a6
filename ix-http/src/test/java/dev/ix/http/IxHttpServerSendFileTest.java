package dev.ix.http;

import dev.ix.reactor.IxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link IxHttpResponse#sendFile}: whole files with their length, HEAD without content, a missing file 500. */
class IxHttpServerSendFileTest {
    @TempDir
    static Path dir;
    private static byte[] content;
    private static IxServer server;

    @BeforeAll
    static void start() throws Exception {
        content = new byte[700_000];
        new Random(7).nextBytes(content);
        Path file = Files.write(dir.resolve("data.bin"), content);
        server = IxHttpServer.create().loops(1).route(r -> r
                .get("/file", (req, res) -> res.contentType("application/octet-stream").sendFile(file))
                .get("/missing", (req, res) -> res.sendFile(dir.resolve("no-such-file")))
                .get("/hello", (req, res) -> res.sendString("Hello, World!")))
                .bindNow();
    }

    @AfterAll
    static void stop() {
        server.disposeNow(Duration.ofSeconds(10));
    }

    @Test
    void sendsTheWholeFileWithItsLengthThenServesOn() throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            for (int i = 0; i < 3; i++) { // on one kept-alive connection: what follows a file is framed right
                HttpResponse<byte[]> r = client.send(request("/file").build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("content-length")).hasValue(Integer.toString(content.length));
                assertThat(r.body()).isEqualTo(content);
            }
            HttpResponse<String> next = client.send(request("/hello").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(next.body()).isEqualTo("Hello, World!");
        }
    }

    @Test
    void answersHeadWithTheFilesLengthAndNoContent() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response head = c.send("HEAD /file HTTP/1.1\r\nHost: h\r\n\r\n").read(true);
            RawHttpClient.Response next = c.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n").read();

            assertThat(head.headers()).containsEntry("content-length", Integer.toString(content.length));
            assertThat(next.body()).isEqualTo("Hello, World!");
        }
    }

    @Test
    void answersAMissingFileWith500() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.port())) {
            RawHttpClient.Response r = c.send("GET /missing HTTP/1.1\r\nHost: h\r\n\r\n").read();
            RawHttpClient.Response next = c.send("GET /hello HTTP/1.1\r\nHost: h\r\n\r\n").read();

            assertThat(r.status()).isEqualTo(500);
            assertThat(next.body()).isEqualTo("Hello, World!");
        }
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    }
}
