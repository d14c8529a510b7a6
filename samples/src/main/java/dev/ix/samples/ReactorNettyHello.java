package dev.ix.samples;

import dev.ix.reactor.IxLoopResources;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import java.time.Duration;

/**
 * A Reactor Netty hello server, written as any Reactor Netty user writes one, that serves on ix because of one line:
 * {@code .runOn(IxLoopResources.create(), true)}. Remove that line and it is Reactor Netty on its own loops again.
 * {@code ./ix reactor-hello} runs it.
 *
 * <pre>
 *   GET /plaintext  200 text/plain        Hello, World!
 *   GET /json       200 application/json  {"message":"Hello, World!"}
 *   anything else   404
 * </pre>
 *
 * <p>Options: {@code --host ADDRESS} (default 0.0.0.0), {@code --port N} (default {@value #DEFAULT_PORT}; 0 picks
 * a free one). Ctrl-C stops it gracefully: requests in flight are finished first, for up to 5 seconds.
 */
public final class ReactorNettyHello {

    /** Port used without {@code --port}: {@value}. */
    public static final int DEFAULT_PORT = 8080;

    private ReactorNettyHello() {
    }

    /** Serves until the JVM is stopped; exits with status 2 for a bad command line. */
    public static void main(String[] args) {
        String host = "0.0.0.0";
        int port = DEFAULT_PORT;
        try {
            for (int i = 0; i < args.length; i++) {
                CommandLineFlag flag = CommandLineFlag.at(args, i);
                i = flag.last();
                switch (flag.name()) {
                    case "--host" -> host = flag.value();
                    case "--port" -> port = SampleOptions.intIn(flag.name(), flag.value(), 0, 65535);
                    default -> throw new IllegalArgumentException("unknown option: " + flag.name());
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("ReactorNettyHello: " + e.getMessage()
                    + "\nusage: ReactorNettyHello [--host ADDRESS] [--port N]");
            System.exit(2);
            return;
        }

        DisposableServer server = HttpServer.create()
                .host(host)
                .port(port)
                .runOn(IxLoopResources.create(), true)           // the one line: Reactor Netty on ix loops
                .route(routes -> routes
                        .get("/plaintext", (request, response) -> response
                                .header("Content-Type", "text/plain")
                                .sendString(Mono.just("Hello, World!")))
                        .get("/json", (request, response) -> response
                                .header("Content-Type", "application/json")
                                .sendString(Mono.just("{\"message\":\"Hello, World!\"}"))))
                .bindNow();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.disposeNow(Duration.ofSeconds(5)),
                "ReactorNettyHello-shutdown"));

        System.out.printf("ReactorNettyHello on %s listening on %s:%d%n  curl http://127.0.0.1:%d/plaintext%n"
                + "Press Ctrl-C to stop.%n", server.channel().getClass().getSimpleName(), host, server.port(),
                server.port());
        server.onDispose().block();
    }
}
