package dev.ix.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The kv experiment's answer, per workload and server, from that workload's {@link Summary}: the closed-loop
 * saturation, the highest open-loop throughput whose p99 (all repeats' histograms merged) stays within the service
 * level and which had no errors, the CPU and system calls per request at the cost step (the sweep step at
 * {@link BenchOptions#KV_COST_FRACTION} of saturation, the same offered rate for every server), memcaslap's figure,
 * the throughput within the bound by {@link McloadSweep}'s independent generator, and each server's ratio to the
 * baseline's throughput within the bound, by each generator.
 */
final class KvReport {

    /**
     * One server under one workload. NaN where not measured.
     *
     * @param sloRequestsPerSec the highest median requests/s of an open-loop step with p99 within the bound and no
     *                          errors; NaN when none was
     * @param sloP99Micros      that step's p99
     * @param costRate          the cost step's offered requests/s
     * @param memcaslap         memcaslap's operations/s against a fresh instance of this server
     * @param mcloadSloRequestsPerSec as {@code sloRequestsPerSec}, by mcload's sweep; NaN when none was within or
     *                          mcload did not run
     * @param mcloadSloP99Micros that step's p99, by mcload
     */
    record Entry(String workload, String peer, double saturation, double sloRequestsPerSec, double sloP99Micros,
                 double costRate, double cpuMicrosPerRequest, double syscallsPerRequest, double memcaslap,
                 boolean saturationGeneratorBound, double mcloadSloRequestsPerSec, double mcloadSloP99Micros) {
    }

    private KvReport() {
    }

    /**
     * @param memcaslap operations/s per peer name, for this workload (missing: not run)
     * @param mcload    mcload's sweep per peer name, for this workload (missing: not run)
     * @return one entry per peer of {@code summary}, in its order
     */
    static List<Entry> entries(String workload, Summary summary, BenchOptions o, Map<String, Double> memcaslap,
                               Map<String, List<McloadSweep.Point>> mcload) {
        int connections = o.connections().getFirst();
        int pipeline = o.pipelines().getFirst();
        double saturation = summary.saturation(connections, pipeline);
        double costRate = Math.round(BenchOptions.KV_COST_FRACTION * saturation);
        double slo = o.slo().toNanos() / 1000.0;
        List<String> peers = new ArrayList<>();
        summary.rows().forEach(r -> {
            if (!peers.contains(r.peer())) {
                peers.add(r.peer());
            }
        });
        List<Entry> entries = new ArrayList<>();
        for (String peer : peers) {
            double own = Double.NaN;
            boolean bound = false;
            WithinBound builtin = new WithinBound(slo);
            double cpu = Double.NaN;
            double syscalls = Double.NaN;
            for (Summary.Row r : summary.rows()) {
                if (!r.peer().equals(peer) || r.connections() != connections || r.pipeline() != pipeline) {
                    continue;
                }
                double rps = r.stat(Metric.REQUESTS_PER_SEC).value();
                if (r.rate() == 0) {
                    own = rps;
                    bound = r.generatorBound();
                    continue;
                }
                builtin.offer(rps, r.stat(Metric.P99_US).value(), r.stat(Metric.ERRORS).value());
                if (r.rate() == costRate) {
                    cpu = r.stat(Metric.CPU_US_PER_REQUEST).value();
                    syscalls = r.stat(Metric.SYSCALLS_PER_REQUEST).value();
                }
            }
            WithinBound byMcload = new WithinBound(slo);
            for (McloadSweep.Point p : mcload.getOrDefault(peer, List.of())) {
                byMcload.offer(p.requestsPerSecond(), p.p99(), p.errors());
            }
            entries.add(new Entry(workload, peer, own, builtin.requestsPerSec, builtin.p99, costRate, cpu, syscalls,
                    memcaslap.getOrDefault(peer, Double.NaN), bound, byMcload.requestsPerSec, byMcload.p99));
        }
        return entries;
    }

    /** The highest throughput of a sweep's steps whose p99 stays within the bound and which had no errors. */
    private static final class WithinBound {
        private final double sloMicros;
        double requestsPerSec = Double.NaN;
        double p99 = Double.NaN;

        WithinBound(double sloMicros) {
            this.sloMicros = sloMicros;
        }

        void offer(double stepRequestsPerSec, double stepP99, double errors) {
            if (stepP99 <= sloMicros && errors == 0 && !(stepRequestsPerSec <= requestsPerSec)) {
                requestsPerSec = stepRequestsPerSec;
                p99 = stepP99;
            }
        }
    }

    /** @return {@code peer}'s throughput within the bound over the baseline's, for the same workload; NaN if either is */
    static double ratio(List<Entry> entries, Entry e, String baseline) {
        return ratio(entries, e, baseline, Entry::sloRequestsPerSec);
    }

    /** @return as {@link #ratio}, by mcload's sweep */
    static double mcloadRatio(List<Entry> entries, Entry e, String baseline) {
        return ratio(entries, e, baseline, Entry::mcloadSloRequestsPerSec);
    }

    private static double ratio(List<Entry> entries, Entry e, String baseline, ToDoubleFunction<Entry> within) {
        for (Entry b : entries) {
            if (b.workload().equals(e.workload()) && b.peer().equals(baseline)) {
                return within.applyAsDouble(e) / within.applyAsDouble(b);
            }
        }
        return Double.NaN;
    }

    /** @return the table, Markdown */
    static String markdown(List<Entry> entries, BenchOptions o, String generator) {
        String slo = sloLabel(o);
        StringBuilder b = new StringBuilder();
        b.append("| workload | server | saturation req/s (closed loop) | req/s at p99 ≤ ").append(slo)
                .append(" | p99 there µs | ÷ ").append(o.baseline()).append(" | cost rate req/s | CPU µs/req")
                .append(" | syscalls/req | memcaslap req/s | mcload: req/s at p99 ≤ ").append(slo)
                .append(" | p99 there µs | ÷ ").append(o.baseline()).append(" |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Entry e : entries) {
            b.append("| ").append(e.workload()).append(" | ").append(e.peer()).append(" | ")
                    .append(ResultTable.whole(e.saturation())).append(e.saturationGeneratorBound() ? " (gen-bound)" : "")
                    .append(" | ").append(Double.isNaN(e.sloRequestsPerSec()) ? "none within"
                            : ResultTable.whole(e.sloRequestsPerSec()))
                    .append(" | ").append(ResultTable.latency(e.sloP99Micros()))
                    .append(" | ").append(ratioText(ratio(entries, e, o.baseline())))
                    .append(" | ").append(ResultTable.whole(e.costRate()))
                    .append(" | ").append(ResultTable.small(e.cpuMicrosPerRequest()))
                    .append(" | ").append(ResultTable.small(e.syscallsPerRequest()))
                    .append(" | ").append(ResultTable.whole(e.memcaslap()))
                    .append(" | ").append(Double.isNaN(e.mcloadSloRequestsPerSec()) ? "none within or not run"
                            : ResultTable.whole(e.mcloadSloRequestsPerSec()))
                    .append(" | ").append(ResultTable.latency(e.mcloadSloP99Micros()))
                    .append(" | ").append(ratioText(mcloadRatio(entries, e, o.baseline()))).append(" |\n");
        }
        b.append("\nLoad: ").append(generator).append(", ").append(o.connections().getFirst())
                .append(" connections, pipeline ≤ ").append(o.pipelines().getFirst()).append(", ")
                .append(o.keys()).append(" keys preloaded; ").append(o.repeats())
                .append(" repeat(s), medians; p99 of all repeats' histograms merged, from intended send times (open")
                .append(" loop). Throughput within the bound is the highest step of the sweep whose p99 ≤ ").append(slo)
                .append(" and which had no errors. CPU and system calls per request at the cost rate, ")
                .append(String.format(Locale.ROOT, "%.0f", BenchOptions.KV_COST_FRACTION * 100))
                .append(" % of the highest saturation. memcaslap: closed loop, its own keys, as a second opinion.")
                .append(" mcload: the same requests and offered rates from an open-loop generator in C (no JVM),")
                .append(" each server warmed up once and swept from the lowest rate up, p99 of all repeats merged: the third opinion, on")
                .append(" latency.\n");
        return b.toString();
    }

    /** @return mcload's sweep of one workload as a Markdown table: per offered rate, each peer's req/s and p99 */
    static String mcloadCurve(String workload, Map<String, List<McloadSweep.Point>> mcload) {
        List<String> peers = List.copyOf(mcload.keySet());
        List<Double> rates = mcload.values().stream().flatMap(List::stream).map(McloadSweep.Point::rate).distinct()
                .sorted().toList();
        StringBuilder b = new StringBuilder("| ").append(workload).append(": offered req/s (mcload) |");
        StringBuilder rule = new StringBuilder("|---:|");
        for (String peer : peers) {
            b.append(' ').append(peer).append(" req/s | ").append(peer).append(" p99 µs | ").append(peer)
                    .append(" JIT ms |");
            rule.append("---:|---:|---:|");
        }
        b.append('\n').append(rule).append('\n');
        for (double rate : rates) {
            b.append("| ").append(ResultTable.whole(rate)).append(" |");
            for (String peer : peers) {
                McloadSweep.Point p = mcload.get(peer).stream().filter(q -> q.rate() == rate).findFirst()
                        .orElse(null);
                b.append(' ').append(p == null ? "n/a" : ResultTable.whole(p.requestsPerSecond())).append(" | ")
                        .append(p == null ? "n/a" : ResultTable.latency(p.p99()) + (p.errors() > 0 ? " (errors)" : ""))
                        .append(" | ").append(p == null ? "n/a" : ResultTable.whole(p.jitMillis())).append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** @return the table as a JSON array */
    static void json(Json j, List<Entry> entries, BenchOptions o) {
        j.key("kv").beginArray();
        for (Entry e : entries) {
            j.beginObject().field("workload", e.workload()).field("peer", e.peer())
                    .field("saturation_requests_per_sec", e.saturation())
                    .field("saturation_generator_bound", e.saturationGeneratorBound())
                    .field("slo_us", o.slo().toNanos() / 1000.0)
                    .field("slo_requests_per_sec", e.sloRequestsPerSec())
                    .field("slo_p99_us", e.sloP99Micros())
                    .field("slo_ratio_to_baseline", ratio(entries, e, o.baseline()))
                    .field("cost_rate", e.costRate())
                    .field("cpu_us_per_request", e.cpuMicrosPerRequest())
                    .field("syscalls_per_request", e.syscallsPerRequest())
                    .field("memcaslap_requests_per_sec", e.memcaslap())
                    .field("mcload_slo_requests_per_sec", e.mcloadSloRequestsPerSec())
                    .field("mcload_slo_p99_us", e.mcloadSloP99Micros())
                    .field("mcload_slo_ratio_to_baseline", mcloadRatio(entries, e, o.baseline()))
                    .endObject();
        }
        j.endArray();
    }

    static String sloLabel(BenchOptions o) {
        long micros = o.slo().toNanos() / 1000;
        return micros % 1000 == 0 ? micros / 1000 + " ms" : micros + " µs";
    }

    private static String ratioText(double r) {
        return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.2f×", r);
    }
}
