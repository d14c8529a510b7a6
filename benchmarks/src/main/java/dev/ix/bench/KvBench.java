package dev.ix.bench;

import dev.ix.bench.load.MemcacheWorkload;
import dev.ix.bench.peer.Peer;
import dev.ix.bench.peer.PeerProcess;
import dev.ix.bench.wrk.Mcload;
import dev.ix.bench.wrk.Memcaslap;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./ix bench kv}: the IX paper's memcached experiment. For each workload in turn, the harness's usual run
 * ({@link BenchRunner}: keys preloaded in every fresh server, a closed-loop step for saturation, then the open-loop
 * sweep, interleaved repeats) with its results in {@code <out>/<workload>/}; then memcaslap against each server where
 * installed; then {@link KvReport}'s table in {@code <out>/kv.md} and {@code <out>/kv.json}.
 */
final class KvBench {


    private KvBench() {
    }

    /** @return the process exit code: 0 done, 1 the benchmark failed or its results could not be written */
    static int run(BenchOptions o, List<Peer> peers, List<String> skipped, ResultWriter.Environment env,
                   PrintStream out, PrintStream err) {
        Progress progress = new Progress(err, System.console() != null,
                BenchRunner.plannedSeconds(o, peers.size()) * o.workloads().size());
        Path logs = o.out().resolve("logs");
        List<KvReport.Entry> entries = new ArrayList<>();
        StringBuilder curves = new StringBuilder();
        boolean written = true;
        for (String workload : o.workloads()) {
            BenchOptions w = o.forWorkload(workload, o.out().resolve(workload));
            BenchRunner runner = new BenchRunner(w, peers, progress, logs);
            Summary summary;
            try {
                summary = Summary.of(runner.run(), o.baseline());
            } catch (Exception e) {
                progress.finish();
                err.println("ix bench kv: " + workload + " failed: " + e.getMessage() + " (server logs in " + logs
                        + ")");
                e.printStackTrace(err);
                return 1;
            }
            Map<String, Double> memcaslap = memcaslap(w, peers, progress, logs, err);
            Map<String, List<McloadSweep.Point>> mcload = mcload(w, peers, summary, progress, logs, err);
            if (!mcload.isEmpty()) {
                curves.append(KvReport.mcloadCurve(workload, mcload)).append('\n');
            }
            try {
                ResultWriter.write(w.out(), w, env, summary, skipped, runner.relativeSteps());
            } catch (IOException | RuntimeException e) {
                err.println("ix bench kv: could not write the results to " + w.out() + ": " + e);
                written = false;
            }
            entries.addAll(KvReport.entries(workload, summary, w, memcaslap, mcload));
            progress.step(workload + " done");
            out.println();
            out.println("== " + workload + " ==");
            out.print(new ResultTable(summary).text());
        }
        progress.finish();
        String table = KvReport.markdown(entries, o, env.generator());
        try {
            Files.createDirectories(o.out());
            Files.writeString(o.out().resolve("kv.md"), markdown(o, env, table + (curves.isEmpty() ? ""
                    : "\n" + curves), skipped));
            Json j = new Json().beginObject().field("test", "kv").field("command_line", ResultWriter.commandLine(o))
                    .field("started", env.started()).field("jdk", env.jdk()).field("kernel", env.kernel())
                    .field("cpu_model", env.cpuModel()).field("generator", env.generator())
                    .field("baseline", o.baseline());
            KvReport.json(j, entries, o);
            Files.writeString(o.out().resolve("kv.json"), j.endObject().toString());
        } catch (IOException e) {
            err.println("ix bench kv: could not write " + o.out().resolve("kv.md") + ": " + e);
            written = false;
        }
        out.println();
        out.print(table);
        out.println("results: " + o.out() + " (kv.md, kv.json; per workload: summary.md and"
                + " latency-throughput-c" + o.connections().getFirst() + ".png)");
        return written ? 0 : 1;
    }

    private static String markdown(BenchOptions o, ResultWriter.Environment env, String table, List<String> skipped) {
        StringBuilder b = new StringBuilder("# kv: ").append(String.join(", ", o.peers())).append("\n\n`")
                .append(ResultWriter.commandLine(o)).append("`\n\n").append(table).append('\n');
        for (String workload : o.workloads()) {
            b.append("![").append(workload).append("](").append(workload).append("/latency-throughput-c")
                    .append(o.connections().getFirst()).append(".png)\n\n");
        }
        for (String s : skipped) {
            b.append("- not run: ").append(s).append('\n');
        }
        b.append("\nstarted ").append(env.started()).append(", ").append(env.jdk()).append(", kernel ")
                .append(env.kernel()).append(", ").append(env.cpuModel()).append('\n');
        return b.toString();
    }

    /**
     * mcload's sweep ({@link McloadSweep}) at the offered rates of the built-in generator's sweep. A failure costs
     * that opinion only.
     *
     * @return each peer's points; empty when mcload cannot be built here or failed
     */
    private static Map<String, List<McloadSweep.Point>> mcload(BenchOptions o, List<Peer> peers, Summary summary,
                                                              Progress progress, Path logs, PrintStream err) {
        if (Mcload.unavailable().isPresent()) {
            progress.step("mcload: " + Mcload.unavailable().get());
            return Map.of();
        }
        List<Double> rates = summary.rows().stream()
                .filter(r -> r.rate() > 0 && r.connections() == o.connections().getFirst()
                        && r.pipeline() == o.pipelines().getFirst())
                .map(Summary.Row::rate).distinct().toList();
        try {
            return new McloadSweep(o, peers, progress, logs).run(rates);
        } catch (IOException | RuntimeException e) {
            err.println("ix bench kv: mcload's sweep failed: " + e.getMessage());
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /**
     * memcaslap against a fresh, preloaded instance of each server for {@link BenchOptions#duration()}, pinned like
     * the built-in generator. A failure costs that figure only.
     *
     * @return operations/s per peer; empty when memcaslap is not installed
     */
    private static Map<String, Double> memcaslap(BenchOptions o, List<Peer> peers, Progress progress, Path logs,
                                                 PrintStream err) {
        Map<String, Double> result = new LinkedHashMap<>();
        if (Memcaslap.unavailable().isPresent()) {
            progress.step("memcaslap: " + Memcaslap.unavailable().get());
            return result;
        }
        MemcacheWorkload workload = o.workload();
        for (Peer peer : peers) {
            progress.step(workload.name() + "  memcaslap  " + peer.name());
            try {
                try (PeerProcess server = BenchRunner.startServer(peer, o, logs)) {
                    result.put(peer.name(), Memcaslap.run(BenchRunner.HOST, server.port(), workload, o.duration(),
                            o.connections().getFirst(), o.loadCpus(), logs));
                }
            } catch (IOException | RuntimeException e) {
                err.println("ix bench kv: memcaslap against " + peer.name() + " failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return result;
            }
        }
        return result;
    }
}
