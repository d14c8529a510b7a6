package dev.ix.bench;

import dev.ix.bench.load.Durations;
import dev.ix.bench.load.Hgrm;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes a benchmark's results into its directory: {@code summary.json} (medians, spreads, ratios, every run, and
 * the machine), {@code summary.md} (the table, the charts and how it was made), the charts as PNG ({@link Plots}) and
 * one {@code <peer>-<rate>-c<connections>.hgrm} per peer and step: the latency distribution of all its repeats
 * together, in wrk2's "Detailed Percentile spectrum" form.
 */
final class ResultWriter {

    /**
     * Where and on what the benchmark ran.
     *
     * @param generator how the load was made, {@link BenchOptions#generatorLabel()}
     */
    record Environment(String started, String jdk, String kernel, String cpuModel, String generator) {
    }

    private ResultWriter() {
    }

    /** @param relativeSteps the {@link RelativeRate}s as they ran: which rate each was, and of what saturation */
    static void write(Path dir, BenchOptions o, Environment env, Summary summary, List<String> skipped,
                      List<BenchRunner.RelativeStep> relativeSteps) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("summary.json"), json(o, env, summary, skipped, relativeSteps));
        List<Path> plots = o.kv()
                ? Plots.write(dir, summary, "kv " + o.workloads().getFirst(), o.slo().toNanos() / 1000.0)
                : Plots.write(dir, summary, o.test());
        Files.writeString(dir.resolve("summary.md"), markdown(o, env, summary, skipped, plots, relativeSteps));
        for (Summary.Row row : summary.rows()) {
            Histogram merged = row.mergedHistogram();
            if (merged != null) {
                Hgrm.write(merged, dir.resolve(fileName(row) + ".hgrm"));
            }
        }
    }

    /**
     * @return {@code <peer>-<rate>-c<connections>-p<pipeline>}, e.g. {@code ix-max-c64-p16} or
     *         {@code ix-50000rps-c64-p1}
     */
    static String fileName(Summary.Row row) {
        return row.peer() + "-" + stepName(row);
    }

    static String stepName(Summary.Row row) {
        return (row.rate() > 0 ? ResultTable.whole(row.rate()) + "rps" : "max") + "-c" + row.connections() + "-p"
                + row.pipeline();
    }

    static String commandLine(BenchOptions o) {
        return "./ix bench " + String.join(" ", o.commandLine());
    }

    static String json(BenchOptions o, Environment env, Summary summary, List<String> skipped,
                       List<BenchRunner.RelativeStep> relativeSteps) {
        Json j = new Json().beginObject()
                .field("test", o.test())
                .field("command_line", commandLine(o))
                .field("started", env.started())
                .field("jdk", env.jdk())
                .field("kernel", env.kernel())
                .field("cpu_model", env.cpuModel())
                .key("options").beginObject()
                .field("threads", o.threads())
                .field("connections", Bench.join(o.connections()))
                .field("load_threads", o.loadThreads())
                .field("pipeline", o.pipelines().stream().map(String::valueOf).collect(Collectors.joining(",")))
                .field("duration_s", o.duration().toMillis() / 1000.0)
                .field("warmup_s", o.warmup().toMillis() / 1000.0)
                .field("jit_settle_max_s", o.jitSettle().toMillis() / 1000.0)
                .field("syscall_window_s", o.syscallWindow().toMillis() / 1000.0)
                .field("cross_check", o.crossCheck())
                .field("repeats", o.repeats())
                .field("rate", o.rateLabel())
                .field("generator", env.generator())
                .field("server_cpus", o.serverCpus())
                .field("load_cpus", o.loadCpus())
                .endObject()
                .field("baseline", summary.baseline());
        j.key("skipped").beginArray();
        for (String s : skipped) {
            j.string(s);
        }
        j.endArray();
        j.key("relative_rates").beginArray();
        for (BenchRunner.RelativeStep r : relativeSteps) {
            j.beginObject().field("rate", r.rate().label()).field("peer", r.rate().peer())
                    .field("percent", r.rate().percent()).field("connections", r.connections())
                    .field("pipeline", r.pipeline()).field("saturation_requests_per_sec", r.saturation())
                    .field("offered_requests_per_sec", r.offered()).endObject();
        }
        j.endArray();
        j.key("cross_check").beginArray();
        for (CrossCheck.Comparison c : CrossCheck.of(summary)) {
            j.beginObject().field("peer", c.peer()).field("connections", c.connections())
                    .field("pipeline", c.pipeline())
                    .field("metric", c.metric().key).field("builtin_generator", c.builtinName())
                    .field("builtin_ratio", c.builtin().ratio()).field("wrk_ratio", c.wrk().ratio());
            j.key("builtin_ratio_spread").beginArray().number(c.builtin().ratioMin()).number(c.builtin().ratioMax())
                    .endArray();
            j.key("wrk_ratio_spread").beginArray().number(c.wrk().ratioMin()).number(c.wrk().ratioMax()).endArray();
            j.field("agree", c.agree()).endObject();
        }
        j.endArray();
        j.key("results").beginArray();
        for (Summary.Row row : summary.rows()) {
            j.beginObject()
                    .field("peer", row.peer())
                    .field("generator", row.generator())
                    .field("rate", BenchOptions.rateLabel(row.rate()))
                    .field("connections", row.connections())
                    .field("pipeline", row.pipeline())
                    .field("repeats", row.repeats())
                    .field("generator_bound", row.generatorBound())
                    .field("generator_bound_repeats", row.generatorBoundRepeats())
                    .field("contended_repeats", row.contendedRepeats());
            for (Metric m : Metric.values()) {
                j.field(m.key, row.stat(m).value());
            }
            j.key("spread").beginObject();
            for (Metric m : Metric.values()) {
                Summary.Stat s = row.stat(m);
                j.key(m.key).beginArray().number(s.min()).number(s.max()).endArray();
            }
            j.endObject();
            j.key("median_of_repeats").beginObject();
            for (Metric m : Metric.values()) {
                j.field(m.key, row.stat(m).medianOfRepeats());
            }
            j.endObject();
            j.key("ratio_to_baseline").beginObject();
            for (Metric m : Metric.values()) {
                j.field(m.key, row.stat(m).ratio());
            }
            j.endObject();
            j.key("ratio_spread").beginObject();
            for (Metric m : Metric.values()) {
                Summary.Stat s = row.stat(m);
                j.key(m.key).beginArray().number(s.ratioMin()).number(s.ratioMax()).endArray();
            }
            j.endObject();
            j.field("baseline_generator_bound_repeats", row.baselineBoundRepeats());
            j.key("runs").beginArray();
            for (RunResult run : row.runs()) {
                j.beginObject().field("repeat", run.repeat()).field("generator", run.load().generator())
                        .field("requests", run.load().requests()).field("seconds", run.load().seconds())
                        .field("generator_bound", run.load().generatorBound())
                        .field("generator_cpus", run.load().generatorCpus())
                        .field("server_pinned", run.serverPinned()).field("load_pinned", run.loadPinned())
                        .field("server_cpu_share", run.serverCpuShare()).field("contended", run.contended());
                for (Metric m : Metric.values()) {
                    j.field(m.key, m.of(run));
                }
                j.endObject();
            }
            j.endArray();
            j.endObject();
        }
        j.endArray();
        return j.endObject().toString();
    }

    static String markdown(BenchOptions o, Environment env, Summary summary, List<String> skipped, List<Path> plots,
                           List<BenchRunner.RelativeStep> relativeSteps) {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(o.test()).append(": ").append(String.join(", ", o.peers())).append("\n\n");
        b.append("`").append(commandLine(o)).append("`\n\n");
        String headline = Headline.markdown(summary, env.generator());
        if (!headline.isEmpty()) {
            b.append(headline).append('\n');
        }
        b.append(new ResultTable(summary).markdown()).append('\n');
        String crossCheck = CrossCheck.text(summary);
        if (!crossCheck.isEmpty()) {
            b.append("```\n").append(crossCheck).append("```\n\n");
        }
        for (BenchRunner.RelativeStep r : relativeSteps) {
            b.append("- rate ").append(r.describe()).append('\n');
        }
        if (!relativeSteps.isEmpty()) {
            b.append('\n');
        }
        b.append(ResultTable.LEGEND.formatted(o.repeats(), summary.baseline())).append(" Latency in µs")
                .append(" (rate max: closed loop, from each request's send; a rate in requests/s: open loop, from")
                .append(" each request's intended send time)")
                .append(". A generator-bound run had its load generator's process keep each CPU it owns ≥ 90 % ")
                .append("busy over the window: the server was not the limit.\n\n");
        for (Path plot : plots) {
            b.append("![").append(plot.getFileName()).append("](").append(plot.getFileName()).append(")\n\n");
        }
        if (!skipped.isEmpty()) {
            b.append("Not run:\n\n");
            for (String s : skipped) {
                b.append("- ").append(s).append('\n');
            }
            b.append('\n');
        }
        b.append("| | |\n|---|---|\n")
                .append("| started | ").append(env.started()).append(" |\n")
                .append("| JDK | ").append(env.jdk()).append(" |\n")
                .append("| kernel | ").append(env.kernel()).append(" |\n")
                .append("| CPU | ").append(env.cpuModel()).append(" |\n")
                .append("| server CPUs / threads | ").append(o.serverCpus()).append(" / ").append(o.threads())
                .append(" |\n")
                .append("| load | ").append(env.generator())
                .append(", CPUs ").append(o.loadCpus()).append(", ").append(o.loadThreads()).append(" thread(s), ")
                .append(Bench.join(o.connections())).append(" connections, pipeline ")
                .append(o.pipelines().stream().map(String::valueOf).collect(Collectors.joining(",")))
                .append(" |\n")
                .append("| run | warm-up ").append(Durations.format(o.warmup())).append(", window ")
                .append(Durations.format(o.duration())).append(" |\n");
        return b.toString();
    }
}
