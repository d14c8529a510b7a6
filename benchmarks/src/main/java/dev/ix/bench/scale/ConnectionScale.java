package dev.ix.bench.scale;

import dev.ix.bench.Affinity;
import dev.ix.bench.Bench;
import dev.ix.bench.load.Durations;
import dev.ix.bench.load.Percentiles;
import dev.ix.bench.measure.ProcStat;
import dev.ix.bench.peer.PeerConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The connection-scale benchmark: server memory per connection and the latency of a few active connections while
 * 10 000 to 100 000 idle ones are held, for the echo server on ix and on Netty's epoll in the same run. See
 * {@link ScaleOptions#HELP} for the command line; {@code benchmarks/connection-scale.sh} runs it with the limits it
 * needs. Results go to the terminal (Markdown tables) and to {@code benchmarks/results/scale-<timestamp>/}.
 */
public final class ConnectionScale {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private ConnectionScale() {
    }

    /** Runs the benchmark; exits 0 when done, 1 when it cannot run or a step failed, 2 for a bad command line. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** @return the process exit code: 0 done, 1 the benchmark could not run or a step failed, 2 a bad command line */
    static int run(String[] args, PrintStream out, PrintStream err) {
        LocalDateTime started = LocalDateTime.now(ZoneOffset.UTC);
        ScaleOptions o;
        try {
            o = ScaleOptions.parse(args, Bench.home().resolve("benchmarks").resolve("results")
                    .resolve("scale-" + STAMP.format(started)));
        } catch (ScaleOptions.UsageException e) {
            err.println("connection-scale: " + e.getMessage());
            return 2;
        }
        if (o == null) {
            out.print(ScaleOptions.HELP);
            return 0;
        }
        OptionalLong files = SystemLimits.openFiles(ProcessHandle.current().pid());
        // The most connections a step that fits under the open-file limit holds; the others are skipped.
        int most = o.connections().stream().mapToInt(n -> n + o.active())
                .filter(n -> SystemLimits.tooFewFiles(n, files).isEmpty()).max().orElse(-1);
        if (most < 0) {
            err.println("connection-scale: no step can run: " + SystemLimits.tooFewFiles(
                    o.connections().stream().mapToInt(Integer::intValue).min().orElse(0) + o.active(), files).get());
            return 1;
        }
        List<String> problems = SystemLimits.problems(most, SystemLimits::sysctl);
        for (String problem : problems) {
            err.println("connection-scale: " + problem);
        }
        if (!problems.isEmpty()) {
            return 1;
        }
        String portRange = SystemLimits.sysctl("net.ipv4.ip_local_port_range").orElse("32768 60999");
        SourceAddresses sources;
        try {
            sources = SourceAddresses.plan(most,
                    o.perAddress() > 0 ? o.perAddress() : SourceAddresses.defaultPerAddress(portRange));
        } catch (IllegalArgumentException e) {
            err.println("connection-scale: " + e.getMessage());
            return 2;
        }
        List<EchoPeer> peers = new ArrayList<>();
        for (String transport : o.transports()) {
            EchoPeer peer = EchoPeer.on(transport);
            Optional<String> why = peer.unavailable();
            if (why.isPresent()) {
                err.println("connection-scale: not running " + transport + ": " + why.get());
            } else {
                peers.add(peer);
            }
        }
        if (peers.isEmpty()) {
            err.println("connection-scale: none of the transports can run here");
            return 1;
        }
        String environment = environment(started, o, sources, files, peers.getFirst());
        Affinity.pinSelf(o.clientCpus()).ifPresent(why -> err.println("connection-scale: " + why));
        out.print(environment);
        List<ScaleResult> results = new ArrayList<>();
        boolean allRan = runSteps(o, peers, sources, files, results, out, err);
        String tables = tables(results, o);
        out.println();
        out.print(tables);
        try {
            Files.createDirectories(o.out());
            Files.writeString(o.out().resolve("summary.md"), environment + "\n" + tables);
            Files.writeString(o.out().resolve("results.csv"), ScaleReport.csv(results));
        } catch (IOException e) {
            err.println("connection-scale: could not write the results to " + o.out() + ": " + e.getMessage());
            return 1;
        }
        out.println("results: " + o.out());
        return allRan ? 0 : 1;
    }

    /**
     * Runs every step on every transport, in order, adding a result for each (a row without figures for a step that
     * was skipped or failed) and printing a line as each finishes.
     *
     * @return whether every step ran to the end
     */
    private static boolean runSteps(ScaleOptions o, List<EchoPeer> peers, SourceAddresses sources, OptionalLong files,
                                    List<ScaleResult> results, PrintStream out, PrintStream err) {
        boolean allRan = true;
        ScaleStep step = new ScaleStep(o, sources, o.out(), err);
        for (int idle : o.connections()) {
            Optional<String> tooFew = SystemLimits.tooFewFiles(idle + o.active(), files);
            if (tooFew.isPresent()) {
                allRan = false;
                err.println("connection-scale: skipping " + idle + " idle: " + tooFew.get());
                for (EchoPeer peer : peers) {
                    results.add(failed(peer, idle, "skipped: open-file limit " + files.getAsLong()));
                }
                continue;
            }
            for (EchoPeer peer : peers) {
                long t0 = System.nanoTime();
                try {
                    ScaleResult r = step.run(peer, idle);
                    results.add(r);
                    out.printf(Locale.ROOT, "%s (%.0f s)%n", ScaleReport.line(r), (System.nanoTime() - t0) / 1e9);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    err.println("connection-scale: interrupted");
                    results.add(failed(peer, idle, "interrupted"));
                    return false;
                } catch (IOException | RuntimeException e) {
                    allRan = false;
                    err.println("connection-scale: " + peer.transport() + " " + idle + " idle failed: "
                            + e.getMessage());
                    results.add(failed(peer, idle, "failed: " + firstLine(e)));
                }
            }
        }
        return allRan;
    }

    private static String tables(List<ScaleResult> results, ScaleOptions o) {
        StringBuilder sb = new StringBuilder(ScaleReport.table(results));
        ScaleReport.ratios(results, ScaleOptions.BASELINE).ifPresent(r -> sb.append('\n').append(r));
        ScaleReport.marginal(results).ifPresent(m -> sb.append("\nMemory per further connection, between steps:\n\n")
                .append(m));
        sb.append('\n').append("Memory is the server's growth over the idle connections divided by them: RSS (native;"
                + " the heap is pre-touched), heap (live after a full GC), kernel (slab in use machine-wide: the"
                + " client's and the server's socket, so per pair). Latency: ").append(o.active())
                .append(" active connections, ").append(o.rateLabel()).append(" round trips/s in all, open loop,"
                        + " from each message's intended send time, ").append(Durations.format(o.duration()))
                .append(" window; msgs = round trips measured. Ratios: below 1 is less memory, lower latency,"
                        + " faster connecting than ").append(ScaleOptions.BASELINE).append(".\n");
        return sb.toString();
    }

    private static String environment(LocalDateTime started, ScaleOptions o, SourceAddresses sources,
                                      OptionalLong files, EchoPeer sample) {
        String jvmFlags;
        try {
            jvmFlags = String.join(" ", sample.command(new PeerConfig(ScaleStep.HOST, 1, o.threads(), o.serverCpus(),
                    o.out())).stream().filter(a -> a.startsWith("-X")).toList());
        } catch (IOException | RuntimeException e) {
            jvmFlags = "?";
        }
        return "# Connection scale, " + started + "Z\n\n"
                + "- command: `connection-scale.sh " + String.join(" ", o.commandLine()) + "`\n"
                + "- machine: " + ProcStat.cpuModel() + ", " + Runtime.getRuntime().availableProcessors()
                + " CPUs, Linux " + ProcStat.kernel() + ", JDK " + Runtime.version() + "\n"
                + "- server: samples' EchoServer, " + o.threads() + " event loop(s), pinned to CPU " + o.serverCpus()
                + ", " + jvmFlags + "; a fresh process per step\n"
                + "- client: this JVM on Netty epoll, 1 event loop, pinned to CPU " + o.clientCpus() + "; sources "
                + sources.describe() + "; " + o.inFlight() + " connects in flight\n"
                + "- limits: open files " + (files.isPresent() ? files.getAsLong() : "?") + "; "
                + SystemLimits.settings() + "\n";
    }

    /** @return a row without figures for a step that did not run or did not finish */
    private static ScaleResult failed(EchoPeer peer, int idle, String why) {
        return new ScaleResult(peer.transport(), idle, 0, 0, Map.of(), 0, OptionalLong.empty(), OptionalLong.empty(),
                0, Percentiles.NONE, 0, 0, Double.NaN, Double.NaN, 0, why);
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
