package dev.ix.bench;

import dev.ix.bench.load.Durations;
import dev.ix.bench.load.LoadTransport;
import dev.ix.bench.measure.ProcStat;
import dev.ix.bench.measure.SyscallCounter;
import dev.ix.bench.peer.Peer;
import dev.ix.bench.peer.Peers;
import dev.ix.bench.wrk.WrkRunner;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code ./ix bench}: the side-by-side benchmark. See {@link BenchOptions#HELP} for the command line; the results
 * go to the terminal (a table) and to {@code benchmarks/results/<timestamp>/}.
 */
public final class Bench {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private Bench() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** @return the process exit code: 0 done, 1 the benchmark failed, 2 a bad command line */
    static int run(String[] args, PrintStream out, PrintStream err) {
        LocalDateTime started = LocalDateTime.now(ZoneOffset.UTC);
        BenchOptions o;
        try {
            o = BenchOptions.parse(args, home().resolve("benchmarks").resolve("results").resolve(STAMP.format(started)));
        } catch (BenchOptions.UsageException e) {
            err.println("ix bench: " + e.getMessage());
            return 2;
        }
        if (o == null) {
            out.print(BenchOptions.HELP);
            return 0;
        }
        List<Peer> requested = new ArrayList<>();
        for (String name : o.peers()) {
            Optional<Peer> peer = Peers.byName(name);
            if (peer.isEmpty()) {
                err.println("ix bench: unknown peer " + name + " (known: " + String.join(", ", Peers.names()) + ")");
                return 2;
            }
            requested.add(peer.get());
        }
        Optional<String> mismatch = PeerProtocols.mismatch(o.test(), o.protocol(), requested, Peers.all());
        if (mismatch.isPresent()) {
            err.println("ix bench: " + mismatch.get());
            return 2;
        }
        List<Peer> runnable = new ArrayList<>();
        List<String> skipped = BenchRunner.unavailable(requested, o, runnable);
        for (String s : skipped) {
            err.println("ix bench: not running " + s);
        }
        if (runnable.isEmpty()) {
            err.println("ix bench: none of the peers can run here");
            return 1;
        }
        for (RelativeRate r : o.relativeRates()) {
            if (runnable.stream().noneMatch(p -> p.name().equals(r.peer()))) {
                err.println("ix bench: --rate " + r.label() + " needs " + r.peer() + "'s saturation, but "
                        + r.peer() + " cannot run here");
                return 1;
            }
        }
        if (runnable.stream().noneMatch(p -> p.name().equals(o.baseline()))) {
            err.println("ix bench: the baseline " + o.baseline() + " cannot run: ratios will be n/a");
        }
        if (o.crossCheck() && !o.wrkApplies()) {
            err.println("ix bench: --cross-check: wrk: not applicable to " + o.test() + " (wrk speaks HTTP only); the"
                    + " built-in generator runs alone");
        } else if (o.crossCheck() && WrkRunner.unavailable("wrk").isPresent()) {
            err.println("ix bench: --cross-check needs wrk: " + WrkRunner.unavailable("wrk").get());
            return 1;
        }
        SyscallCounter.unavailable().ifPresent(why -> err.println("ix bench: syscalls/req will be n/a: " + why));
        Affinity.pinSelf(o.loadCpus()).ifPresent(why -> err.println("ix bench: " + why));

        ResultWriter.Environment env = new ResultWriter.Environment(started.toString() + 'Z',
                Runtime.version() + " (" + System.getProperty("java.vendor") + ")", ProcStat.kernel(),
                ProcStat.cpuModel(), o.generatorLabel());
        out.println("ix bench " + o.test() + ": " + runnable.size() + " peer(s) × " + o.repeats() + " repeat(s), "
                + Durations.format(o.warmup()) + " warm-up" + (o.jitSettle().isZero() ? "" : " (JVMs: until the JIT"
                + " settles, up to " + Durations.format(o.jitSettle()) + " more)") + " + " + Durations.format(o.duration()) + " each, rate "
                + o.rateLabel() + ", " + join(o.connections()) + " connections; servers on CPU " + o.serverCpus()
                + ", load on CPU " + o.loadCpus() + " (" + env.generator() + ")");
        if (o.generator().equals("builtin") && o.generatorTransport() == LoadTransport.IX) {
            err.println("ix bench: the generator runs on ix (--generator-transport ix): against the ix server it falls"
                    + " into lock-step batches and flatters ix; the tables say builtin/ix");
        }
        if (o.kv()) {
            return KvBench.run(o, runnable, skipped, env, out, err);
        }
        Progress progress = new Progress(err, System.console() != null,
                BenchRunner.plannedSeconds(o, runnable.size()));
        BenchRunner runner = new BenchRunner(o, runnable, progress, o.out().resolve("logs"));
        List<RunResult> runs;
        try {
            runs = runner.run();
        } catch (Exception e) {
            progress.finish();
            err.println("ix bench: failed: " + e.getMessage() + " (server logs in " + o.out().resolve("logs") + ")");
            e.printStackTrace(err);
            return 1;
        }
        progress.finish();
        Summary summary = Summary.of(runs, o.baseline());
        // Written before anything is printed: minutes of runs must not be lost to a failure in printing them.
        boolean written = true;
        try {
            ResultWriter.write(o.out(), o, env, summary, skipped, runner.relativeSteps());
        } catch (IOException | RuntimeException e) {
            err.println("ix bench: could not write the results to " + o.out() + ": " + e);
            written = false;
        }
        out.println();
        out.print(new ResultTable(summary).text());
        out.println();
        out.print(CrossCheck.text(summary));
        for (BenchRunner.RelativeStep step : runner.relativeSteps()) {
            out.println("rate " + step.describe());
        }
        String headline = Headline.markdown(summary, o.generatorLabel());
        if (!headline.isEmpty()) {
            out.println();
            out.print(headline);
        }
        out.println(ResultTable.LEGEND.formatted(o.repeats(), o.baseline()).replace("`", "") + " Latency in µs"
                + (o.openLoop() ? " (open loop: from intended send times)" : "") + ".");
        out.println("results: " + o.out());
        return written ? 0 : 1;
    }

    static String join(List<Integer> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
    }

    /** The project directory: {@code IX_HOME} as the launcher sets it, else the working directory. */
    public static Path home() {
        String home = System.getenv("IX_HOME");
        return Path.of(home != null && !home.isBlank() ? home : "").toAbsolutePath();
    }

    /** @return a TCP port free on {@code host} at the moment of the call */
    public static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return s.getLocalPort();
        }
    }
}
