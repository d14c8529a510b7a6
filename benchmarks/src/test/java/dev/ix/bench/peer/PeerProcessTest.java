package dev.ix.bench.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ix.bench.measure.GcCounts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PeerProcessTest {

    /** Generous: a JVM pre-touching its heap on a busy two-core machine; this is not a speed assertion. */
    private static final Duration READY = Duration.ofMinutes(2);

    @TempDir
    Path workDir;

    /** A CPU this JVM may run on, for taskset: CPU 0 is not always among them in a container. */
    static String allowedCpu() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Cpus_allowed_list:")) {
                return line.substring("Cpus_allowed_list:".length()).trim().split("[-,]")[0];
            }
        }
        return "0";
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Peer peer(String name) {
        Peer peer = Peers.byName(name).orElseThrow();
        assumeTrue(peer.unavailable().isEmpty(), () -> name + " cannot run here: " + peer.unavailable().orElseThrow());
        return peer;
    }

    @ParameterizedTest
    @ValueSource(strings = {"netty-nio", "ix", "reactor-netty", "reactor-netty-ix", "ix-http"})
    void servesCountsAllocationsAndStops(String name) throws Exception {
        Peer peer = peer(name);
        int port = freePort();
        long pid;
        // Pinned, to go through taskset: its exec must leave the JVM with the pid that was started.
        String cpu = allowedCpu();
        try (PeerProcess server = PeerProcess.start(peer, new PeerConfig("127.0.0.1", port, 1, cpu, workDir))) {
            pid = server.pid();
            server.awaitReady(READY);

            HttpProbe.Response hello = HttpProbe.get("127.0.0.1", port, "/plaintext", Duration.ofSeconds(30));
            assertThat(hello.status()).isEqualTo(200);
            assertThat(hello.body()).isEqualTo("Hello, World!");
            assertThat(HttpProbe.get("127.0.0.1", port, "/json", Duration.ofSeconds(30)).body())
                    .isEqualTo("{\"message\":\"Hello, World!\"}");

            OptionalLong before = server.allocatedBytes();
            assertThat(before).isPresent();
            Optional<GcCounts> gcBefore = server.gcCounts();
            assertThat(gcBefore).as("a JVM peer's collections are counted").isPresent();
            for (int i = 0; i < 50; i++) {
                HttpProbe.get("127.0.0.1", port, "/plaintext", Duration.ofSeconds(30));
            }
            OptionalLong after = server.allocatedBytes();
            assertThat(after).isPresent();
            assertThat(after.getAsLong()).isGreaterThan(before.getAsLong());
            GcCounts window = server.gcCounts().orElseThrow().minus(gcBefore.orElseThrow());
            assertThat(window.young()).isNotNegative();
            assertThat(window.old()).isNotNegative();
            assertThat(window.pauseNanos()).isNotNegative();

            ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
            assertThat(handle.isAlive()).isTrue();
            assertThat(handle.info().command()).hasValueSatisfying(c -> assertThat(c).endsWith("/java"));
            assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "status")))
                    .containsPattern("Cpus_allowed_list:\\s+" + cpu + "\\n");
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d alive after close()", pid)
                .isFalse();
        assertThat(Files.readString(workDir.resolve(name + ".log"))).contains("listening on 127.0.0.1:" + port);
    }

    @ParameterizedTest
    @CsvSource({"ix, HelloServer on ix (1 event loop)", "reactor-netty-ix, ReactorNettyServer on ix (1 event loop)"})
    void theIxPeersRunOnIxNotOnAFallback(String name, String banner) throws Exception {
        Peer ix = peer(name);
        int port = freePort();
        try (PeerProcess server = PeerProcess.start(ix, new PeerConfig("127.0.0.1", port, 1, null, workDir))) {
            server.awaitReady(READY);

            assertThat(Files.readString(server.log())).contains(banner);
        }
    }

    /** The epoll and ix Reactor Netty peers must differ in their transport only, not in an extra accept thread. */
    @ParameterizedTest
    @ValueSource(strings = {"reactor-netty", "reactor-netty-ix"})
    void reactorNettyAcceptsOnItsOneEventLoop(String name) throws Exception {
        Peer peer = peer(name);
        int port = freePort();
        try (PeerProcess server = PeerProcess.start(peer, new PeerConfig("127.0.0.1", port, 1, null, workDir))) {
            server.awaitReady(READY);
            assertThat(HttpProbe.get("127.0.0.1", port, "/plaintext", Duration.ofSeconds(30)).status()).isEqualTo(200);

            // Loop threads are reactor-netty-epoll-N-M and reactor-http-ix-N-M (comm holds 15 characters of each).
            List<String> loops = threadNames(server.pid()).stream().filter(t -> t.startsWith("reactor-")).toList();
            assertThat(loops).as("event loop threads of %s", name).hasSize(1);
        }
    }

    private static List<String> threadNames(long pid) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            List<String> names = new ArrayList<>();
            for (Path task : tasks.toList()) {
                names.add(Files.readString(task.resolve("comm")).strip());
            }
            return names;
        }
    }

    @Test
    void aPeerThatCannotBindFailsWithItsLog() throws Exception {
        Peer nio = peer("netty-nio");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            try (PeerProcess server = PeerProcess.start(nio, new PeerConfig("127.0.0.1", port, 1, null, workDir))) {
                assertThatThrownBy(() -> server.awaitReady(READY))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("netty-nio exited with status 1")
                        .hasMessageContaining("failed to bind");
            }
        }
    }

    @Test
    void closeIsIdempotentAndStopsAPeerThatIsStillStarting() throws Exception {
        Peer nio = peer("netty-nio");
        PeerProcess server = PeerProcess.start(nio, new PeerConfig("127.0.0.1", freePort(), 1, null, workDir));
        long pid = server.pid();

        server.close();
        server.close();

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void nginxServesTheSameRoutesWithoutAnAllocationCounter() throws Exception {
        Peer nginx = peer("nginx");
        int port = freePort();
        try (PeerProcess server = PeerProcess.start(nginx,
                new PeerConfig("127.0.0.1", port, 1, allowedCpu(), workDir))) {
            server.awaitReady(READY);

            HttpProbe.Response json = HttpProbe.get("127.0.0.1", port, "/json", Duration.ofSeconds(30));
            assertThat(json.status()).isEqualTo(200);
            assertThat(json.body()).isEqualTo("{\"message\":\"Hello, World!\"}");
            assertThat(server.allocatedBytes()).isEmpty();
            assertThat(server.gcCounts()).as("not a JVM").isEmpty();
            assertThat(ProcessHandle.of(server.pid()).orElseThrow().info().command())
                    .hasValueSatisfying(c -> assertThat(c).endsWith("/nginx"));
        }
    }

    @Test
    void anUnsupportedPeerConfigurationDoesNotStart() {
        assertThatThrownBy(() -> PeerProcess.start(new NginxPeer(), new PeerConfig("127.0.0.1", 1, 2, null, workDir)))
                .isInstanceOf(RuntimeException.class)
                .hasMessageContaining("nginx");
    }
}
