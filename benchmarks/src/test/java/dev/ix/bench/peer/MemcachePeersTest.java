package dev.ix.bench.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ix.bench.Bench;
import dev.ix.bench.load.LoadProtocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemcachePeersTest {

    private static final String HOST = "127.0.0.1";

    @Test
    void memcachedRunsAsTheIxPaperRanItPinned(@TempDir Path dir) {
        MemcachedPeer memcached = new MemcachedPeer();
        assumeTrue(memcached.unavailable().isEmpty(), () -> memcached.unavailable().orElseThrow());

        List<String> command = memcached.command(new PeerConfig(HOST, 11311, 1, "1", dir));

        assertThat(command).startsWith("taskset", "-c", "1");
        assertThat(command.get(3)).endsWith("memcached");
        assertThat(String.join(" ", command)).contains("-t 1 -m 1024 -U 0 -p 11311 -l 127.0.0.1");
        assertThat(memcached.protocol()).isEqualTo(LoadProtocol.MEMCACHE);
        assertThat(memcached.countsAllocations()).isFalse();
    }

    @Test
    void memcachedStartsServesAndStops(@TempDir Path dir) throws Exception {
        MemcachedPeer memcached = new MemcachedPeer();
        assumeTrue(memcached.unavailable().isEmpty(), () -> memcached.unavailable().orElseThrow());
        int port = Bench.freePort(HOST);

        PeerProcess process = PeerProcess.start(memcached, new PeerConfig(HOST, port, 1, null, dir));
        try {
            process.awaitReady(Duration.ofSeconds(30));

            assertThat(MemcacheProbe.version(HOST, port, Duration.ofSeconds(5))).isNotBlank();
            assertThat(ListeningSockets.ownsOrUnknown(process.pid(), port)).isTrue();
        } finally {
            process.close();
        }

        assertThat(process.isAlive()).isFalse();
        assertThatThrownBy(() -> new Socket(HOST, port).close()).isInstanceOf(IOException.class);
    }

    @Test
    void unavailableMemcachedSaysHowToInstallIt() {
        new MemcachedPeer().unavailable().ifPresent(why -> assertThat(why).contains("install-tools.sh"));
    }

    @Test
    void kvIsAJavaPeerOfTheSamplesServerAndSaysWhenItIsNotBuilt(@TempDir Path dir) throws IOException {
        Peer kv = Peers.byName("kv").orElseThrow();

        assertThat(kv.protocol()).isEqualTo(LoadProtocol.MEMCACHE);
        assertThat(kv.servingBanner()).hasValue("kv listening on ");
        assertThat(kv.runsOnJvm()).as("its collections are counted like the other Java peers'").isTrue();
        assertThat(kv.countsAllocations()).as("stats names jvm_allocated_bytes").isTrue();
        assertThat(MemcachePeers.built("dev.ix.no.Such")).hasValue("dev.ix.no.Such not built");
        if (MemcachePeers.built(MemcachePeers.KV_MAIN).isPresent()) {
            assertThat(kv.unavailable()).hasValue("dev.ix.samples.kv.KvServer not built");
        } else {
            assertThat(String.join(" ", kv.command(new PeerConfig(HOST, 11311, 1, "1", dir))))
                    .startsWith("taskset -c 1 ")
                    .contains(MemcachePeers.KV_MAIN + " -m 1024 --host 127.0.0.1 --port 11311 --threads 1");
        }
    }

    @Test
    void probeRefusesAServerThatIsNotMemcached() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            Thread answer = Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes());
                } catch (IOException ignored) {
                    // the probe's failure is what the test checks
                }
            });
            assertThat(MemcachePeers.notServing(HOST, server.getLocalPort(), Duration.ofSeconds(5)))
                    .hasValueSatisfying(why -> assertThat(why).contains("HTTP/1.1 400"));
            answer.join();
        }
    }

    @Test
    void statProbeReadsOneStatisticOfStats() throws Exception {
        String stats = "STAT pid 7\r\nSTAT jvm_allocated_bytes 123456\r\nSTAT threads 1\r\nEND\r\n";
        try (ServerSocket server = new ServerSocket(0, 2, InetAddress.getByName(HOST))) {
            Thread answer = Thread.ofVirtual().start(() -> {
                for (String reply : new String[] {stats, "STAT pid 7\r\nEND\r\n"}) {
                    try (Socket s = server.accept()) {
                        byte[] command = new byte[7];
                        s.getInputStream().readNBytes(command, 0, command.length);
                        assertThat(new String(command)).isEqualTo("stats\r\n");
                        s.getOutputStream().write(reply.getBytes());
                    } catch (IOException ignored) {
                        // the probe's result is what the test checks
                    }
                }
            });
            int port = server.getLocalPort();
            assertThat(MemcacheProbe.stat(HOST, port, "jvm_allocated_bytes", Duration.ofSeconds(5)))
                    .isEqualTo("123456");
            assertThatThrownBy(() -> MemcacheProbe.stat(HOST, port, "jvm_allocated_bytes", Duration.ofSeconds(5)))
                    .hasMessageContaining("stats has no jvm_allocated_bytes");
            answer.join();
        }
    }
}
