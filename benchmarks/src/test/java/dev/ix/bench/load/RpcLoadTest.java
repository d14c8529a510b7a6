package dev.ix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ix.bench.peer.NettyRpcEchoServer;
import dev.ix.reactor.IxRpcServer;
import dev.ix.reactor.IxServer;
import io.netty.buffer.ByteBuf;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The generator speaking RPC ({@code rpc://}) to in-process RPC servers: ix-reactor's {@code IxRpcServer} and the
 * {@code netty-rpc-epoll} peer's {@link NettyRpcEchoServer}. Nothing here asserts speed.
 */
class RpcLoadTest {

    @Test
    void closedLoopPipelinedAgainstIxRpcServer() {
        IxRequirement.check(LoadTransport.IX);
        IxServer server = ixRpc(request -> Mono.just(request.retain()));
        try {
            LoadReport report = LoadGenerator.run(closedLoop(server.port()), List.of(), null);

            assertAllAnswered(report);
        } finally {
            server.disposeNow();
        }
    }

    @Test
    void closedLoopPipelinedAgainstNettyRpcEcho() {
        try (NettyRpcEchoServer server = NettyRpcEchoServer.start("127.0.0.1", 0, 1)) {
            LoadReport report = LoadGenerator.run(closedLoop(server.port()), List.of(), null);

            assertAllAnswered(report);
        }
    }

    /** Open loop, pipelined: every request due in the window is answered or charged as unsent, none lost. */
    @Test
    void openLoopAgainstNettyRpcEcho() {
        try (NettyRpcEchoServer server = NettyRpcEchoServer.start("127.0.0.1", 0, 1)) {
            LoadSpec spec = new LoadSpec(uri(server.port()), 4, 1, Duration.ofSeconds(1), Duration.ZERO, 200, 4,
                    LoadTransport.EPOLL, Duration.ofSeconds(5));

            LoadReport report = LoadGenerator.run(spec, List.of(), null);

            assertThat(report.result().errors()).isZero();
            assertThat(report.result().requests() + report.unsent()).isEqualTo(200);
            assertThat(report.result().histogram().getTotalCount()).isEqualTo(200);
        }
    }

    @Test
    void errorResponsesAreErrors() {
        IxRequirement.check(LoadTransport.IX);
        IxServer server = ixRpc(request -> Mono.error(new IllegalStateException("no")));
        try {
            LoadReport report = LoadGenerator.run(closedLoop(server.port()), List.of(), null);

            assertThat(report.result().requests()).isPositive();
            assertThat(report.status()).isEqualTo(report.result().requests());
            assertThat(report.read()).isZero();
            assertThat(report.result().errors()).isEqualTo(report.status());
        } finally {
            server.disposeNow();
        }
    }

    private static IxServer ixRpc(Function<ByteBuf, Mono<ByteBuf>> handler) {
        return IxRpcServer.create().host("127.0.0.1").port(0).loops(1).handle(handler).bindNow();
    }

    /** Half a second of closed-loop load, 16 pipelined per connection, after a short warm-up. */
    private static LoadSpec closedLoop(int port) {
        return new LoadSpec(uri(port), 4, 1, Duration.ofMillis(500), Duration.ofMillis(200), 0, 16,
                LoadTransport.EPOLL, Duration.ofSeconds(5));
    }

    private static URI uri(int port) {
        return URI.create("rpc://127.0.0.1:" + port);
    }

    private static void assertAllAnswered(LoadReport report) {
        LoadResult result = report.result();
        assertThat(result.generator()).isEqualTo("builtin/epoll");
        assertThat(result.requests()).isPositive();
        assertThat(result.errors()).isZero();
        assertThat(result.histogram().getTotalCount()).isEqualTo(result.requests());
        long frame = RpcRequestBlock.FRAME_BYTES;
        long inFlight = 4 * 16;
        assertThat(report.bytes()).isBetween((result.requests() - inFlight) * frame,
                (result.requests() + inFlight) * frame);
    }
}
