package dev.ix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ix.bench.Bench;
import dev.ix.bench.peer.Peer;
import dev.ix.bench.peer.PeerConfig;
import dev.ix.bench.peer.PeerProcess;
import dev.ix.bench.peer.Peers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator speaking memcached's protocol ({@code memcache://}) to a real memcached, keys preloaded first: every
 * answer parsed, none an error. Skipped where memcached is not installed ({@code benchmarks/install-tools.sh}).
 * Nothing here asserts speed.
 */
class MemcacheLoadTest {

    private static final String HOST = "127.0.0.1";
    private static final int KEYS = 5_000;

    @TempDir
    Path logs;

    @Test
    void closedLoopPipelinedUsrAgainstMemcached() throws Exception {
        try (PeerProcess memcached = memcached()) {
            MemcacheWorkload usr = MemcacheWorkload.of("usr", KEYS);
            MemcachePreload.Result preload = MemcachePreload.run(HOST, port, usr, Duration.ofSeconds(10));
            assertThat(preload.stored()).isEqualTo(KEYS);
            assertThat(preload.hits()).isEqualTo(MemcachePreload.SAMPLE);

            LoadSpec spec = new LoadSpec(uri("usr"), 4, 1, Duration.ofMillis(700), Duration.ofMillis(300), 0, 8,
                    LoadTransport.neutral(), Duration.ofSeconds(5));
            LoadReport report = LoadGenerator.run(spec, List.of(), null);

            assertThat(report.result().requests()).isPositive();
            assertThat(report.result().errors()).isZero();
            assertThat(report.status()).isZero();
            assertThat(report.result().histogram().getTotalCount()).isEqualTo(report.result().requests());
            // A USR answer is STORED or a 2-byte value with its VALUE and END lines: 8 to 60 bytes.
            assertThat(report.bytes()).isBetween(8 * (report.result().requests() - 32),
                    60 * (report.result().requests() + 32));
        }
    }

    /** Open loop: every ETC request due in the window is answered (or charged unsent), none lost or in error. */
    @Test
    void openLoopEtcAgainstMemcached() throws Exception {
        try (PeerProcess memcached = memcached()) {
            MemcachePreload.run(HOST, port, MemcacheWorkload.of("etc", KEYS), Duration.ofSeconds(10));

            LoadSpec spec = new LoadSpec(uri("etc"), 4, 1, Duration.ofSeconds(1), Duration.ZERO, 400, 4,
                    LoadTransport.neutral(), Duration.ofSeconds(5));
            LoadReport report = LoadGenerator.run(spec, List.of(), null);

            assertThat(report.result().errors()).isZero();
            assertThat(report.result().requests() + report.unsent()).isEqualTo(400);
            assertThat(report.result().histogram().getTotalCount()).isEqualTo(400);
        }
    }

    /** Without the preload every GET misses: each miss is counted, as an error, and the load goes on. */
    @Test
    void missesAreErrorsWithoutPreload() throws Exception {
        try (PeerProcess memcached = memcached()) {
            LoadSpec spec = new LoadSpec(uri("usr"), 2, 1, Duration.ofMillis(500), Duration.ZERO, 0, 4,
                    LoadTransport.neutral(), Duration.ofSeconds(5));
            LoadReport report = LoadGenerator.run(spec, List.of(), null);

            assertThat(report.result().requests()).isPositive();
            // 99 % GETs, each a miss until a SET stored its key.
            assertThat(report.status()).isGreaterThan(report.result().requests() / 2);
            assertThat(report.read()).isZero();
        }
    }

    private int port;

    private PeerProcess memcached() throws Exception {
        Peer peer = Peers.byName("memcached").orElseThrow();
        assumeTrue(peer.unavailable().isEmpty(), () -> peer.unavailable().orElseThrow());
        port = Bench.freePort(HOST);
        PeerProcess process = PeerProcess.start(peer, new PeerConfig(HOST, port, 1, null, logs));
        try {
            process.awaitReady(Duration.ofSeconds(30));
        } catch (RuntimeException | InterruptedException e) {
            process.close();
            throw e;
        }
        return process;
    }

    private URI uri(String workload) {
        return URI.create("memcache://" + HOST + ":" + port + "/" + workload + "?keys=" + KEYS);
    }
}
