package dev.ix.bench.wrk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ix.bench.Bench;
import dev.ix.bench.load.MemcacheWorkload;
import dev.ix.bench.peer.Peer;
import dev.ix.bench.peer.PeerConfig;
import dev.ix.bench.peer.PeerProcess;
import dev.ix.bench.peer.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemcaslapTest {

    @Test
    void throughputIsTheFinalLinesTps() {
        String output = """
                servers: 127.0.0.1:21211
                cmd_get: 161196
                Run time: 3.0s Ops: 162835 TPS: 54273 Net_rate: 3.1M/s
                """;

        assertThat(Memcaslap.tps(output)).hasValue(54273);
        assertThat(Memcaslap.tps("key length must be greater than 16 bytes.")).isEmpty();
    }

    @Test
    void usrConfigurationHas16To19ByteKeysAnd2ByteValues() {
        String config = Memcaslap.config(MemcacheWorkload.of("usr", 1000));

        assertThat(config).isEqualTo("key\n16 19 1\nvalue\n2 2 1\ncmd\n0 0.0100\n1 0.9900\n");
    }

    @Test
    void etcConfigurationSpreadsValuesOverBucketsSummingToOne() {
        List<String> lines = Memcaslap.config(MemcacheWorkload.of("etc", 1000)).lines().toList();

        assertThat(lines.get(0)).isEqualTo("key");
        assertThat(lines.get(1)).matches("2[0-9] [4-7][0-9] 1");
        int cmd = lines.indexOf("cmd");
        double total = lines.subList(3, cmd).stream()
                .mapToDouble(l -> Double.parseDouble(l.split(" ")[2])).sum();
        assertThat(total).isBetween(0.999, 1.001);
        assertThat(lines.subList(3, cmd).getLast()).startsWith("1024 1024 ");
        assertThat(lines.subList(cmd, lines.size())).containsExactly("cmd", "0 0.2500", "1 0.7500");
        assertThat(Arrays.asList(lines.get(3).split(" "))).startsWith("1", "64");
    }

    /** One second of memcaslap against a real memcached: it runs as configured and its throughput is read. */
    @Test
    void runsAgainstMemcached(@TempDir Path dir) throws Exception {
        assumeTrue(Memcaslap.unavailable().isEmpty(), () -> Memcaslap.unavailable().orElseThrow());
        Peer memcached = Peers.byName("memcached").orElseThrow();
        assumeTrue(memcached.unavailable().isEmpty(), () -> memcached.unavailable().orElseThrow());
        int port = Bench.freePort("127.0.0.1");
        try (PeerProcess server = PeerProcess.start(memcached, new PeerConfig("127.0.0.1", port, 1, null, dir))) {
            server.awaitReady(Duration.ofSeconds(30));

            double tps = Memcaslap.run("127.0.0.1", port, MemcacheWorkload.of("etc", 1000), Duration.ofSeconds(1), 4,
                    "0", dir);

            assertThat(tps).isPositive();
            assertThat(Files.readString(dir.resolve("memcaslap-etc.cfg"))).startsWith("key\n");
        }
    }
}
