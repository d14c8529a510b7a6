package dev.ix.bench.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeersTest {

    private static final PeerConfig CONFIG = new PeerConfig("127.0.0.1", 18080, 2, "0-1", Path.of("/tmp/ix-peers"));

    @Test
    void names() {
        assertThat(Peers.names()).containsExactly("ix", "ix-http", "netty-epoll", "netty-io_uring", "netty-nio",
                "reactor-netty", "reactor-netty-ix", "nginx", "ix-rpc", "netty-rpc-epoll", "kv", "memcached");
        assertThat(Peers.byName("netty-epoll")).hasValueSatisfying(p -> assertThat(p.name()).isEqualTo("netty-epoll"));
        assertThat(Peers.byName("jetty")).isEmpty();
    }

    @Test
    void ixHttpRunsIxHttpsOwnServerWhereIxRuns() throws Exception {
        Peer ixHttp = Peers.byName("ix-http").orElseThrow();

        assertThat(ixHttp.unavailable()).isEqualTo(Peers.byName("ix").orElseThrow().unavailable());
        assertThat(ixHttp.command(CONFIG)).contains("dev.ix.samples.IxHttpHello")
                .endsWith("--host", "127.0.0.1", "--port", "18080", "--threads", "2");
    }

    @Test
    void javaPeersShareTheirJvmSettingsAndThreads() throws Exception {
        for (String name : List.of("ix", "netty-epoll", "netty-io_uring", "netty-nio", "reactor-netty",
                "reactor-netty-ix")) {
            List<String> command = Peers.byName(name).orElseThrow().command(CONFIG);

            assertThat(command).as(name)
                    .startsWith("taskset", "-c", "0-1")
                    .containsSubsequence("--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms512m",
                            "-Xmx512m", "-XX:+AlwaysPreTouch", "-Dio.netty.leakDetection.level=disabled", "-cp")
                    .endsWith("--host", "127.0.0.1", "--port", "18080", "--threads", "2");
            assertThat(command.get(3)).as(name).endsWith("java");
            assertThat(Peers.byName(name).orElseThrow().countsAllocations()).isTrue();
        }
        assertThat(Peers.byName("netty-io_uring").orElseThrow().command(CONFIG))
                .containsSubsequence("dev.ix.samples.HelloServer", "--transport", "io_uring");
        assertThat(Peers.byName("reactor-netty").orElseThrow().command(CONFIG))
                .containsSubsequence(ReactorNettyServer.class.getName(), "--transport", "epoll");
        assertThat(Peers.byName("reactor-netty-ix").orElseThrow().command(CONFIG))
                .containsSubsequence(ReactorNettyServer.class.getName(), "--transport", "ix");
    }

    @Test
    void reactorNettyOnIxIsAvailableExactlyWhereIxIs() {
        Peer ix = Peers.byName("ix").orElseThrow();
        Peer reactorNettyIx = Peers.byName("reactor-netty-ix").orElseThrow();

        assertThat(reactorNettyIx.unavailable()).isEqualTo(ix.unavailable());
        assertThat(reactorNettyIx.servingBanner()).hasValue("ReactorNettyServer on ix (");
    }

    @Test
    void anUnpinnedPeerRunsWithoutTaskset() throws Exception {
        PeerConfig unpinned = new PeerConfig("127.0.0.1", 18080, 1, null, Path.of("/tmp/ix-peers"));

        assertThat(Peers.byName("netty-nio").orElseThrow().command(unpinned).getFirst()).endsWith("java");
    }

    @Test
    void unavailabilitySaysWhy() {
        for (Peer peer : Peers.all()) {
            peer.unavailable().ifPresent(why -> assertThat(why).as(peer.name()).isNotBlank());
        }
    }

    @Test
    void configIsValidated() {
        Path dir = Path.of("/tmp");
        assertThatThrownBy(() -> new PeerConfig("127.0.0.1", 0, 1, null, dir)).hasMessageContaining("port");
        assertThatThrownBy(() -> new PeerConfig("127.0.0.1", 80, 0, null, dir)).hasMessageContaining("threads");
        assertThatThrownBy(() -> new PeerConfig("127.0.0.1", 80, 1, "0;rm", dir)).hasMessageContaining("cpus");
        assertThat(new PeerConfig("0.0.0.0", 80, 1, "0,2-3", dir).connectHost()).isEqualTo("127.0.0.1");
        assertThat(new PeerConfig("::", 80, 1, null, dir).connectHost()).isEqualTo("::1");
    }
}
