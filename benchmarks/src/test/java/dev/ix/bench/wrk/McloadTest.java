package dev.ix.bench.wrk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ix.bench.Bench;
import dev.ix.bench.load.MemcachePreload;
import dev.ix.bench.load.MemcacheWorkload;
import dev.ix.bench.measure.ProcStat;
import dev.ix.bench.peer.Peer;
import dev.ix.bench.peer.PeerConfig;
import dev.ix.bench.peer.PeerProcess;
import dev.ix.bench.peer.Peers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mcload's output read, and mcload built from its source and run against the kv server (every request answered and
 * timed, none lost; a GET of a key never stored counted as a miss). Skipped without a C compiler. Nothing here asserts
 * speed.
 */
class McloadTest {

    private static final String HOST = "127.0.0.1";
    private static final int KEYS = 5_000;

    @TempDir
    Path dir;

    @Test
    void readsTheCountsAndTheLatencyHistogram() throws IOException {
        Mcload.Result r = Mcload.parse("""
                requests 10
                unsent 1
                errors 2
                misses 3
                timeouts 0
                send_lag_p99_us 7
                max_lag_us 12
                latency_us 20 8
                latency_us 900 2
                latency_us 150000 1
                """);

        assertThat(r.requests()).isEqualTo(10);
        assertThat(r.unsent()).isEqualTo(1);
        assertThat(r.errors()).isEqualTo(2);
        assertThat(r.misses()).isEqualTo(3);
        assertThat(r.timeouts()).isZero();
        assertThat(r.sendLagP99Micros()).isEqualTo(7);
        assertThat(r.latency().getTotalCount()).isEqualTo(11);
        assertThat(r.latency().getValueAtPercentile(50)).isEqualTo(20);
        assertThat(r.latency().getMaxValue()).isBetween(149_000L, 151_000L);
    }

    @Test
    void outputWithoutItsCountsOrWithAStrayLineIsRefused() {
        assertThatThrownBy(() -> Mcload.parse("requests 1\n")).isInstanceOf(IOException.class)
                .hasMessageContaining("lacks its counts");
        assertThatThrownBy(() -> Mcload.parse("requests x\n")).isInstanceOf(IOException.class)
                .hasMessageContaining("requests x");
    }

    @Test
    void answersAndTimesEveryRequestOfTheWindowFromAPreloadedKv() throws Exception {
        assumeTrue(Mcload.unavailable().isEmpty(), () -> Mcload.unavailable().orElseThrow());
        MemcacheWorkload etc = MemcacheWorkload.of("etc", KEYS);
        Path requests = dir.resolve("etc.requests");
        etc.writeRequestFile(requests);
        try (Server kv = new Server()) {
            MemcachePreload.run(HOST, kv.port, etc, Duration.ofSeconds(10));

            Mcload.Result r = Mcload.run(HOST, kv.port, requests, 2_000, Duration.ofMillis(500),
                    Duration.ofSeconds(1), 4, cpus(), dir);

            assertThat(r.requests() + r.unsent()).isEqualTo(2_000);
            assertThat(r.errors()).isZero();
            assertThat(r.misses()).isZero();
            assertThat(r.timeouts()).isZero();
            assertThat(r.latency().getTotalCount()).isEqualTo(2_000);
        }
    }

    @Test
    void aGetOfAKeyNeverStoredIsAMiss() throws Exception {
        assumeTrue(Mcload.unavailable().isEmpty(), () -> Mcload.unavailable().orElseThrow());
        Path requests = dir.resolve("usr.requests");
        MemcacheWorkload.of("usr", KEYS).writeRequestFile(requests);
        try (Server kv = new Server()) {
            Mcload.Result r = Mcload.run(HOST, kv.port, requests, 500, Duration.ofMillis(500),
                    Duration.ofSeconds(1), 2, cpus(), dir);

            // 99 % GETs, each a miss unless a SET of the run stored its key first.
            assertThat(r.misses()).isGreaterThan(r.requests() / 2);
            assertThat(r.requests() + r.unsent()).isEqualTo(500);
            assertThat(r.errors()).isZero();
        }
    }

    private static String cpus() {
        return ProcStat.allowedCpus(ProcessHandle.current().pid());
    }

    /** The kv sample as the benchmark runs it, on a free port. */
    private final class Server implements AutoCloseable {
        final int port;
        private final PeerProcess process;

        Server() throws Exception {
            Peer peer = Peers.byName("kv").orElseThrow();
            assumeTrue(peer.unavailable().isEmpty(), () -> peer.unavailable().orElseThrow());
            port = Bench.freePort(HOST);
            process = PeerProcess.start(peer, new PeerConfig(HOST, port, 1, null, dir));
            try {
                process.awaitReady(Duration.ofSeconds(60));
            } catch (RuntimeException | InterruptedException e) {
                process.close();
                throw e;
            }
        }

        @Override
        public void close() {
            process.close();
        }
    }
}
