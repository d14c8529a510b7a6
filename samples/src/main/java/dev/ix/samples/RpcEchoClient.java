package dev.ix.samples;

import dev.ix.reactor.IxRpcClient;
import dev.ix.reactor.IxRpcPool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import reactor.core.publisher.Flux;

import java.nio.charset.StandardCharsets;

/**
 * RPC echo client: makes N calls to an {@link RpcEchoServer}, up to D at a time spread over C connections, and checks
 * that each answer is its own request's payload. Prints the count of correct answers; exit status 0 when all are.
 *
 * <pre>
 *   RpcEchoClient [--host 127.0.0.1] [--port 7000] [--calls 100000] [--depth 256] [--connections 2]
 * </pre>
 */
public final class RpcEchoClient {
    private RpcEchoClient() {
    }

    /** Calls, checks, prints, exits. */
    public static void main(String[] args) {
        String host = "127.0.0.1";
        int port = RpcEchoServer.DEFAULT_PORT;
        int calls = 100_000;
        int depth = 256;
        int connections = 2;
        for (int i = 0; i < args.length; i++) {
            CommandLineFlag f = CommandLineFlag.at(args, i);
            switch (f.name()) {
                case "--host" -> host = f.value();
                case "--port" -> port = Integer.parseInt(f.value());
                case "--calls" -> calls = Integer.parseInt(f.value());
                case "--depth" -> depth = Integer.parseInt(f.value());
                case "--connections" -> connections = Integer.parseInt(f.value());
                default -> throw new IllegalArgumentException(f.name() + ": unknown (expected: --host, --port, "
                        + "--calls, --depth, --connections)");
            }
            i = f.last();
        }
        IxRpcPool rpc = IxRpcClient.create().host(host).port(port).connections(connections).connectNow();
        try {
            long correct = Flux.range(0, calls)
                    .flatMap(i -> rpc.call(payload(i)).map(answer -> isPayload(answer, i)), depth)
                    .filter(ok -> ok)
                    .count()
                    .block();
            System.out.println(correct + "/" + calls + " answers correct (" + connections + " connections, up to "
                    + depth + " calls in flight)");
            rpc.disposeNow();
            System.exit(correct == calls ? 0 : 1);
        } catch (RuntimeException e) {
            rpc.disposeNow();
            throw e;
        }
    }

    private static ByteBuf payload(int i) {
        return Unpooled.copiedBuffer("call " + i, StandardCharsets.US_ASCII);
    }

    /** @return whether {@code answer} is the payload of call {@code i}; the answer is released (it is ours) */
    private static boolean isPayload(ByteBuf answer, int i) {
        try {
            return answer.toString(StandardCharsets.US_ASCII).equals("call " + i);
        } finally {
            answer.release();
        }
    }
}
