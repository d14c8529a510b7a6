package dev.ix.bench.wrk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ix.bench.load.LoadResult;
import dev.ix.bench.measure.ProcStat;
import dev.ix.bench.peer.PeerConfig;
import dev.ix.bench.peer.PeerProcess;
import dev.ix.bench.peer.Peers;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WrkRunnerTest {

    private static final URI ANY = URI.create("http://127.0.0.1:8080/plaintext");

    /** A CPU this JVM may run on, for taskset: CPU 0 is not always among them in a container. */
    private static String allowedCpu() {
        return Integer.toString(ProcStat.cpuSet(ProcStat.allowedCpus(ProcessHandle.current().pid())).nextSetBit(0));
    }

    @Test
    void wrkIsClosedLoopAndWrk2OpenLoop() {
        assertThatThrownBy(() -> WrkRunner.command("wrk", ANY, 1, 10, Duration.ofSeconds(5), 1000, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("closed loop");
        assertThatThrownBy(() -> WrkRunner.command("wrk2", ANY, 1, 10, Duration.ofSeconds(5), 0, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wrk2 needs a rate");
    }

    @Test
    void argumentsWrkCannotTake() {
        assertThatThrownBy(() -> WrkRunner.command("wrk", ANY, 1, 10, Duration.ofMillis(1500), 0, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole seconds");
        assertThatThrownBy(() -> WrkRunner.command("wrk", ANY, 4, 2, Duration.ofSeconds(1), 0, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads");
        assertThatThrownBy(() -> WrkRunner.unavailable("ab")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void commandLine() {
        assumeTrue(WrkRunner.unavailable("wrk").isEmpty(), () -> WrkRunner.unavailable("wrk").orElseThrow());

        assertThat(WrkRunner.command("wrk", ANY, 2, 64, Duration.ofSeconds(10), 0, "1", null))
                .startsWith("taskset", "-c", "1")
                .endsWith("-t", "2", "-c", "64", "-d", "10s", "--latency", ANY.toString());
        assertThat(WrkRunner.command("wrk", ANY, 1, 1, Duration.ofSeconds(1), 0, null, null).getFirst())
                .endsWith("wrk");
    }

    @Test
    void pipeliningIsAScriptThatWritesTheRequestsOfABatchAtOnce() {
        assumeTrue(WrkRunner.unavailable("wrk").isEmpty(), () -> WrkRunner.unavailable("wrk").orElseThrow());

        assertThat(WrkRunner.command("wrk", ANY, 1, 64, Duration.ofSeconds(1), 0, null, Path.of("p.lua")))
                .endsWith("--latency", "-s", "p.lua", ANY.toString());
        assertThat(WrkRunner.pipelineScript(16)).contains("for i = 1, 16 do", "r[i] = wrk.format()",
                "return req");
        assertThatThrownBy(() -> WrkRunner.run("wrk2", ANY, 1, 1, Duration.ofSeconds(1), 100, 16, null))
                .hasMessageContaining("pipeline: 16");
    }

    @Test
    void wrk2CommandLineHasTheRate() {
        assumeTrue(WrkRunner.unavailable("wrk2").isEmpty(), () -> WrkRunner.unavailable("wrk2").orElseThrow());

        assertThat(WrkRunner.command("wrk2", ANY, 2, 64, Duration.ofSeconds(10), 20000.4, null, null))
                .endsWith("--latency", "-R", "20000", ANY.toString());
    }

    @Test
    void runsWrkAgainstAPeerAndMeasuresItsCpu(@TempDir Path workDir) throws Exception {
        assumeTrue(WrkRunner.unavailable("wrk").isEmpty(), () -> WrkRunner.unavailable("wrk").orElseThrow());
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        PeerConfig config = new PeerConfig("127.0.0.1", port, 1, null, workDir);
        try (PeerProcess server = PeerProcess.start(Peers.byName("netty-nio").orElseThrow(), config)) {
            server.awaitReady(Duration.ofMinutes(2));

            URI uri = URI.create("http://127.0.0.1:" + port + "/plaintext");
            LoadResult r = WrkRunner.run("wrk", uri, 1, 4, Duration.ofSeconds(1), 0, 1, allowedCpu());
            LoadResult pipelined = WrkRunner.run("wrk", uri, 1, 4, Duration.ofSeconds(1), 0, 16, allowedCpu());

            assertThat(pipelined.requests()).isPositive();
            assertThat(pipelined.errors()).isZero();

            assertThat(r.generator()).isEqualTo("wrk");
            assertThat(r.requests()).isPositive();
            assertThat(r.errors()).isZero();
            assertThat(r.seconds()).isPositive();
            assertThat(r.latency().p50()).isPositive();
            assertThat(r.generatorCpus()).as("pinned by taskset").isEqualTo(allowedCpu());
            assertThat(r.generatorCpu()).isNotNaN().isPositive();
        }
    }

    @Test
    void aFailingRunReportsWhatWrkSaid() throws Exception {
        assumeTrue(WrkRunner.unavailable("wrk").isEmpty(), () -> WrkRunner.unavailable("wrk").orElseThrow());
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }

        assertThatThrownBy(() -> WrkRunner.run("wrk", URI.create("http://127.0.0.1:" + port + "/plaintext"), 1, 1,
                Duration.ofSeconds(1), 0, 1, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unable to connect");
    }
}
