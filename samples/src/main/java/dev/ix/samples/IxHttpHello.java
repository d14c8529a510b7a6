package dev.ix.samples;

import dev.ix.http.IxHttpServer;
import dev.ix.reactor.IxServer;

import java.time.Duration;

/**
 * TechEmpower's plaintext and json tests on ix-http's own server ({@link IxHttpServer}, first cut): no Netty HTTP
 * codec, the strict zero-copy parser and the pre-encoded response heads. {@code ./ix http-hello} runs it.
 *
 * <pre>
 *   GET /plaintext  200 text/plain        Hello, World!
 *   GET /json       200 application/json  {"message":"Hello, World!"}
 *   GET /stats/allocated-bytes  200 text/plain  heap bytes this JVM has allocated so far (the benchmark harness reads it)
 *   anything else   404 (405 for another method on these paths)
 * </pre>
 *
 * <p>Options: {@code --host}, {@code --port} (default {@value #DEFAULT_PORT}) and {@code --threads} (loops) of
 * {@link SampleOptions}; the transport is always ix. Ctrl-C stops it gracefully: requests in flight are finished
 * first, for up to 5 seconds.
 */
public final class IxHttpHello {
    /** Port used without {@code --port}: {@value}. */
    public static final int DEFAULT_PORT = 8080;

    private IxHttpHello() {
    }

    /** Serves until the JVM is stopped; exits with status 2 for a bad command line. */
    public static void main(String[] args) {
        SampleOptions options;
        try {
            options = SampleOptions.parse(args, DEFAULT_PORT);
        } catch (IllegalArgumentException e) {
            System.err.println("IxHttpHello: " + e.getMessage() + "\nusage: IxHttpHello [--host ADDRESS] [--port N]"
                    + " [--threads N]");
            System.exit(2);
            return;
        }
        IxServer server = IxHttpServer.create()
                .host(options.host())
                .port(options.port())
                .loops(options.threads())
                .route(r -> r
                        .get("/plaintext", (req, res) -> res.contentType("text/plain").sendString("Hello, World!"))
                        .get("/json", (req, res) -> res.contentType("application/json")
                                .sendString("{\"message\":\"Hello, World!\"}"))
                        .get("/stats/allocated-bytes", (req, res) -> res.contentType("text/plain")
                                .sendString(Long.toString(AllocationCounter.totalAllocatedBytes()))))
                .bindNow();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.disposeNow(Duration.ofSeconds(5)),
                "IxHttpHello-shutdown"));
        System.out.printf("IxHttpHello (ix-http) listening on %s:%d%n  curl http://127.0.0.1:%d/plaintext%n"
                + "Press Ctrl-C to stop.%n", options.host(), server.port(), server.port());
        server.onDispose().block();
    }
}
