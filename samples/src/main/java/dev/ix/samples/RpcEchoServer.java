package dev.ix.samples;

import dev.ix.reactor.IxRpcServer;
import dev.ix.reactor.IxServer;
import reactor.core.publisher.Mono;

/**
 * RPC echo server: answers every request with its own payload, on ix loops, many calls in flight per connection.
 * {@link RpcEchoClient} calls it. A request carrying {@link AllocationCounter#RPC_QUERY} is answered with the heap
 * bytes this JVM has allocated so far (the benchmark harness reads it before and after a run).
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp ... dev.ix.samples.RpcEchoServer [--port 7000] [--loops 1]
 *       [--host 0.0.0.0]
 * </pre>
 * {@code --threads N} is {@code --loops N} under the name the other samples use (the benchmark harness passes it).
 */
public final class RpcEchoServer {
    /** Port used without {@code --port}: {@value}. */
    public static final int DEFAULT_PORT = 7000;

    private RpcEchoServer() {
    }

    /** Serves until the JVM is stopped. */
    public static void main(String[] args) throws InterruptedException {
        String host = "0.0.0.0";
        int port = DEFAULT_PORT;
        int loops = 1;
        for (int i = 0; i < args.length; i++) {
            CommandLineFlag f = CommandLineFlag.at(args, i);
            switch (f.name()) {
                case "--port" -> port = Integer.parseInt(f.value());
                case "--host" -> host = f.value();
                case "--loops", "--threads" -> loops = Integer.parseInt(f.value());
                default -> throw new IllegalArgumentException(f.name() + ": unknown (expected: --port N, --loops N,"
                        + " --host ADDRESS)");
            }
            i = f.last();
        }
        IxServer server = IxRpcServer.create().host(host).port(port).loops(loops)
                // The request is the server's and is released when the Mono ends: retain it to send it back.
                .handle(request -> Mono.just(AllocationCounter.isRpcQuery(request) ? AllocationCounter.rpcAnswer()
                        : request.retain()))
                .bindNow();
        System.out.println("RpcEchoServer on " + server.address() + " (" + loops + " ix loops); try:");
        System.out.println("  RpcEchoClient --port " + server.port() + " --calls 100000");
        Runtime.getRuntime().addShutdownHook(new Thread(server::disposeNow));
        server.onDispose().block();
    }
}
