package dev.ix.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ix.bench.measure.ProcStat;
import dev.ix.bench.peer.Peer;
import dev.ix.bench.peer.Peers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchRunnerTest {
    /** A peer every JDK can run. */
    private static final Peer NETTY_NIO = Peers.byName("netty-nio").orElseThrow();

    @Test
    void thePeerOrderRotatesEveryRepeat() {
        List<String> peers = List.of("ix", "netty-epoll", "netty-io_uring");

        assertThat(BenchRunner.rotated(peers, 1)).containsExactly("ix", "netty-epoll", "netty-io_uring");
        assertThat(BenchRunner.rotated(peers, 2)).containsExactly("netty-epoll", "netty-io_uring", "ix");
        assertThat(BenchRunner.rotated(peers, 3)).containsExactly("netty-io_uring", "ix", "netty-epoll");
        assertThat(BenchRunner.rotated(peers, 4)).containsExactly("ix", "netty-epoll", "netty-io_uring");
        assertThat(BenchRunner.rotated(List.of(), 2)).isEmpty();
    }

    /**
     * End to end against a real Java peer (netty-nio runs on every JDK): its saturation measured closed loop, then an
     * open-loop run at half of it, each with the server JVM's collections and compilations in the window. One-second windows: this
     * checks the machinery, not the figures.
     */
    @Test
    void runsOpenLoopAtHalfOfAPeersSaturationAndCountsItsCollections(@TempDir Path dir) throws Exception {
        BenchOptions o = nettyNio(dir, "--rate", "50%:netty-nio", "--warmup", "0s", "--jit-settle", "2s");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BenchRunner runner = new BenchRunner(o, List.of(NETTY_NIO), progress(o, log), dir.resolve("logs"));

        List<RunResult> runs = runner.run();

        assertThat(runs).hasSize(2);
        RunResult saturation = runs.get(0);
        RunResult half = runs.get(1);
        assertThat(saturation.rate()).as("closed loop first").isZero();
        assertThat(saturation.load().requests()).isPositive();
        assertThat(runner.relativeSteps()).singleElement().satisfies(step -> {
            assertThat(step.saturation()).isEqualTo(saturation.load().requestsPerSecond());
            assertThat(step.offered()).isEqualTo(Math.max(1, Math.round(step.saturation() / 2)));
        });
        assertThat(half.rate()).isEqualTo(runner.relativeSteps().getFirst().offered());
        for (RunResult run : runs) {
            assertThat(run.gc()).as("a JVM peer's collections in the window of %s", run).isNotNull();
            assertThat(run.youngGcs()).isNotNegative();
            assertThat(run.jit()).as("a JVM peer's compilations in the window of %s", run).isNotNull();
            assertThat(run.jitMillis()).isNotNegative();
            assertThat(run.oldGcs()).isNotNegative();
            assertThat(run.gcPauseMillis()).isNotNegative();
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("50%:netty-nio at 4 conns, pipeline 4: ");
    }

    /**
     * A sweep's open-loop steps run on one server per peer and repeat (the closed-loop step has its own), warmed up at
     * every rate first, and are measured from the lowest rate up.
     */
    @Test
    void aSweepMeasuresEveryRateOnOneWarmServer(@TempDir Path dir) throws Exception {
        BenchOptions o = nettyNio(dir, "--sweep", "--rate", "max", "--warmup", "1s", "--jit-settle", "0s");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path logs = dir.resolve("logs");

        List<RunResult> runs = new BenchRunner(o, List.of(NETTY_NIO), progress(o, log), logs).run();

        assertThat(runs).hasSize(1 + o.sweepFractions().size());
        assertThat(runs.getFirst().rate()).as("closed loop first").isZero();
        List<Double> swept = runs.subList(1, runs.size()).stream().map(RunResult::rate).toList();
        assertThat(swept).isSorted().doesNotHaveDuplicates().allMatch(rate -> rate > 0);
        for (RunResult run : runs) {
            assertThat(run.load().requests()).as("answers in the window of %s", run).isPositive();
        }
        String serverLog = Files.readString(logs.resolve("netty-nio.log"));
        assertThat(serverLog.lines().filter(line -> line.startsWith("=== ")))
                .as("servers started: one for the closed-loop step, one for the sweep").hasSize(2);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("warm-up at every rate");
    }

    @Test
    void aSweepHasEveryPeersFractionsOfItsOwnSaturationAndCountsSyscallsAtTheHighestsCostStep(@TempDir Path dir)
            throws Exception {
        BenchOptions o = BenchOptions.parse(new String[] {"kv"}, dir);

        List<BenchRunner.Step> steps = BenchRunner.sweepSteps(o, List.of(172_000.0, 473_000.0, Double.NaN, 0.0), 32,
                4);

        List<Double> rates = steps.stream().map(BenchRunner.Step::rate).toList();
        assertThat(rates).isSorted().doesNotHaveDuplicates();
        for (double fraction : o.sweepFractions()) {
            assertThat(rates).as("the highest saturation's fractions, all").contains((double) Math.round(fraction
                    * 473_000));
            double low = Math.round(fraction * 172_000);
            assertThat(rates).as("the lower one's, or one within 5 %% of it: %s", low)
                    .anyMatch(r -> Math.abs(r - low) <= BenchRunner.SWEEP_MERGE * low);
        }
        assertThat(rates).as("the lower peer's 10 %% and 25 %% come between 0 and the highest's 10 %%")
                .contains(17_200.0, 43_000.0);
        assertThat(steps).filteredOn(BenchRunner.Step::countSyscalls).singleElement()
                .extracting(BenchRunner.Step::rate).isEqualTo((double) Math.round(BenchOptions.KV_COST_FRACTION
                        * 473_000));
        assertThat(BenchRunner.sweepSteps(o, List.of(Double.NaN), 32, 4)).isEmpty();
        assertThat(BenchRunner.sweepSteps(o, List.of(100_000.0, 100_000.0), 32, 4)).as("two equal saturations")
                .hasSameSizeAs(o.sweepFractions());
    }

    /** @return options for netty-nio on the CPUs this test may use, 4 connections pipelined by 4, 1 s windows */
    private static BenchOptions nettyNio(Path dir, String... more) throws Exception {
        String cpus = ProcStat.allowedCpus(ProcessHandle.current().pid());
        List<String> args = new ArrayList<>(List.of("--peers", "netty-nio", "--baseline", "netty-nio",
                "--pipeline", "4", "--connections", "4", "--duration", "1s", "--syscall-window", "0", "--repeats", "1",
                "--server-cpus", cpus, "--load-cpus", cpus));
        args.addAll(List.of(more));
        return BenchOptions.parse(args.toArray(String[]::new), dir);
    }

    private static Progress progress(BenchOptions o, ByteArrayOutputStream log) {
        return new Progress(new PrintStream(log, true, StandardCharsets.UTF_8), false, BenchRunner.plannedSeconds(o,
                1));
    }
}
