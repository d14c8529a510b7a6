package dev.ix.bench.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ix.bench.load.LoadProtocol;
import dev.ix.samples.AllocationCounter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RpcPeersTest {

    private static final PeerConfig CONFIG = new PeerConfig("127.0.0.1", 17000, 2, "0-1", Path.of("/tmp/ix-peers"));
    /** Generous: a JVM pre-touching its heap on a busy two-core machine; this is not a speed assertion. */
    private static final Duration READY = Duration.ofMinutes(2);

    @TempDir
    Path workDir;

    @Test
    void rpcPeersRunLikeTheOtherJavaPeersAndSpeakRpc() throws Exception {
        for (String name : List.of("ix-rpc", "netty-rpc-epoll")) {
            Peer peer = Peers.byName(name).orElseThrow();

            assertThat(peer.command(CONFIG)).as(name)
                    .startsWith("taskset", "-c", "0-1")
                    .containsSubsequence("--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms512m",
                            "-Xmx512m", "-XX:+AlwaysPreTouch", "-Dio.netty.leakDetection.level=disabled", "-cp")
                    .endsWith("--host", "127.0.0.1", "--port", "17000", "--threads", "2");
            assertThat(peer.protocol()).as(name).isEqualTo(LoadProtocol.RPC);
            assertThat(peer.countsAllocations()).as(name).isTrue();
        }
        assertThat(Peers.byName("ix-rpc").orElseThrow().command(CONFIG)).contains("dev.ix.samples.RpcEchoServer");
        assertThat(Peers.byName("netty-rpc-epoll").orElseThrow().command(CONFIG))
                .contains(NettyRpcEchoServer.class.getName());
        assertThat(Peers.byName("netty-epoll").orElseThrow().protocol()).isEqualTo(LoadProtocol.HTTP);
    }

    @Test
    void rpcPeersAreAvailableWhereTheirTransportIs() {
        assertThat(Peers.byName("ix-rpc").orElseThrow().unavailable())
                .isEqualTo(Peers.byName("ix").orElseThrow().unavailable());
        assertThat(Peers.byName("netty-rpc-epoll").orElseThrow().unavailable())
                .isEqualTo(Peers.byName("netty-epoll").orElseThrow().unavailable());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ix-rpc", "netty-rpc-epoll"})
    void servesOnceOneCallIsEchoedAndStops(String name) throws Exception {
        Peer peer = Peers.byName(name).orElseThrow();
        assumeTrue(peer.unavailable().isEmpty(), () -> name + " cannot run here: " + peer.unavailable().orElseThrow());
        int port = PeerProcessTest.freePort();
        PeerConfig config = new PeerConfig("127.0.0.1", port, 1, PeerProcessTest.allowedCpu(), workDir);
        long pid;
        try (PeerProcess server = PeerProcess.start(peer, config)) {
            pid = server.pid();
            server.awaitReady(READY);

            OptionalLong before = server.allocatedBytes();
            for (int i = 0; i < 50; i++) {
                assertThat(peer.notServing("127.0.0.1", port, Duration.ofSeconds(30))).isEmpty();
            }
            OptionalLong after = server.allocatedBytes();

            assertThat(before).isPresent();
            assertThat(after).isPresent();
            assertThat(after.getAsLong()).isGreaterThan(before.getAsLong());
            assertThat(server.gcCounts()).as("an RPC peer is a JVM too").isPresent();
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void theAllocationQueryIsAnsweredInsteadOfEchoed() throws Exception {
        try (NettyRpcEchoServer server = NettyRpcEchoServer.start("127.0.0.1", 0, 1)) {
            byte[] query = AllocationCounter.RPC_QUERY.getBytes(StandardCharsets.US_ASCII);

            String answer = new String(RpcProbe.call("127.0.0.1", server.port(), query, Duration.ofSeconds(30)),
                    StandardCharsets.US_ASCII);

            assertThat(Long.parseLong(answer)).isPositive();
            RpcProbe.echo("127.0.0.1", server.port(), Duration.ofSeconds(30));
        }
    }

    @Test
    void theProbeRefusesAnHttpServer() throws Exception {
        try (ServerSocket http = new ServerSocket(0)) {
            Thread.ofVirtual().start(() -> answerHttpOnce(http));

            assertThatThrownBy(() -> RpcProbe.echo("127.0.0.1", http.getLocalPort(), Duration.ofSeconds(30)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("answered a frame of length");
        }
    }

    @Test
    void theProbeSaysWhenNothingListens() throws Exception {
        int port = PeerProcessTest.freePort();

        assertThat(Peers.byName("netty-rpc-epoll").orElseThrow().notServing("127.0.0.1", port, Duration.ofSeconds(5)))
                .hasValueSatisfying(why -> assertThat(why).startsWith("an RPC echo call failed"));
    }

    private static void answerHttpOnce(ServerSocket server) {
        try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
            s.getInputStream().read(new byte[64]);
            out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
            // the test's assertion says what the probe made of it
        }
    }
}
