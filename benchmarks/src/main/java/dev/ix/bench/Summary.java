package dev.ix.bench;

import dev.ix.bench.load.LoadResult;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.DoubleStream;
import java.util.stream.Stream;

/**
 * The runs of a benchmark reduced to what a reader compares: per peer, step and generator, each metric over the
 * repeats (the median; for a latency percentile, the percentile of all repeats' histograms merged), its spread
 * (min–max), and the ratio to the baseline peer with its spread. The ratio of repeat r uses the baseline's run of the
 * same repeat, measured minutes apart at most, so slow drifts of a shared machine cancel out; the ratio shown is the
 * median of the per-repeat ratios (for merged percentiles, the ratio of the merged values), and its spread is the
 * range of the per-repeat ratios.
 */
final class Summary {

    /**
     * The statistics of one metric for one row. {@code NaN} where not measured.
     *
     * @param value            what is shown: the median over the repeats, or for a latency percentile with histograms
     *                         the percentile of the merged histograms
     * @param medianOfRepeats  the median of the per-repeat values (for a percentile: a labelled extra, not the
     *                         percentile of anything)
     * @param min              the smallest per-repeat value
     * @param max              the largest per-repeat value
     * @param ratio            to the baseline, see the class comment
     * @param ratioMin         the smallest per-repeat ratio
     * @param ratioMax         the largest per-repeat ratio
     */
    record Stat(double value, double medianOfRepeats, double min, double max, double ratio, double ratioMin,
                double ratioMax) {
        static final Stat NONE = new Stat(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN);
    }

    /**
     * One row: a peer at one offered rate, connection count and pipeline depth, under one generator.
     *
     * @param generator how the load was made, {@link dev.ix.bench.load.LoadResult#generator()}
     */
    record Row(String peer, String generator, double rate, int connections, int pipeline, int repeats,
               int generatorBoundRepeats, int baselineBoundRepeats, int contendedRepeats, Map<Metric, Stat> stats,
               List<RunResult> runs) {
        Stat stat(Metric m) {
            return stats.getOrDefault(m, Stat.NONE);
        }

        /** @return the latency histograms of all repeats added together (µs), or null when the runs have none (wrk) */
        Histogram mergedHistogram() {
            return Metric.merge(runs, LoadResult::histogram);
        }

        /** @return whether the load generator was the limit in most repeats: ratios of this row say little */
        boolean generatorBound() {
            return generatorBoundRepeats * 2 > repeats;
        }
    }

    private final String baseline;
    private final List<Row> rows;

    private Summary(String baseline, List<Row> rows) {
        this.baseline = baseline;
        this.rows = rows;
    }

    String baseline() {
        return baseline;
    }

    List<Row> rows() {
        return rows;
    }

    /** @param runs every run, in the order they ran (rows keep the order of their first run) */
    static Summary of(List<RunResult> runs, String baseline) {
        Map<String, List<RunResult>> byPeerAndRate = new LinkedHashMap<>();
        for (RunResult r : runs) {
            byPeerAndRate.computeIfAbsent(key(r.peer(), r.rate(), r.connections(), r.pipeline(),
                    r.load().generator()), k -> new ArrayList<>()).add(r);
        }
        List<Row> rows = new ArrayList<>();
        for (List<RunResult> group : byPeerAndRate.values()) {
            RunResult first = group.getFirst();
            List<RunResult> base = byPeerAndRate.getOrDefault(key(baseline, first.rate(), first.connections(),
                    first.pipeline(), first.load().generator()), List.of());
            Map<Metric, Stat> stats = new EnumMap<>(Metric.class);
            for (Metric m : Metric.values()) {
                stats.put(m, stat(m, group, base));
            }
            int bound = (int) group.stream().filter(r -> r.load().generatorBound()).count();
            int baseBound = (int) base.stream().filter(r -> r.load().generatorBound()).count();
            int contended = (int) group.stream().filter(RunResult::contended).count();
            rows.add(new Row(first.peer(), first.load().generator(), first.rate(), first.connections(),
                    first.pipeline(), group.size(),
                    bound, baseBound, contended, stats,
                    List.copyOf(group)));
        }
        return new Summary(baseline, List.copyOf(rows));
    }

    /** Rows and ratios are per generator too: a ratio compares two peers under the same load. */
    private static String key(String peer, double rate, int connections, int pipeline, String generator) {
        return peer + '@' + rate + '/' + connections + '/' + pipeline + '/' + generator;
    }

    /**
     * @return the highest median requests/s of any peer at {@code connections} and {@code pipeline} in closed loop,
     *         NaN if none
     */
    double saturation(int connections, int pipeline) {
        return saturation(rows.stream(), connections, pipeline);
    }

    /**
     * @return the median requests/s of {@code peer} under {@code generator} at {@code connections} and
     *         {@code pipeline} in closed loop, NaN if it has no such row
     */
    double saturation(String peer, String generator, int connections, int pipeline) {
        return saturation(rows.stream().filter(r -> r.peer().equals(peer) && r.generator().equals(generator)),
                connections, pipeline);
    }

    /**
     * @return the median closed-loop requests/s of every row (peer and generator) at {@code connections} and
     *         {@code pipeline}, known ones only, in row order
     */
    List<Double> saturations(int connections, int pipeline) {
        return closedLoop(rows.stream(), connections, pipeline).boxed().toList();
    }

    private static double saturation(Stream<Row> candidates, int connections, int pipeline) {
        return closedLoop(candidates, connections, pipeline).max().orElse(Double.NaN);
    }

    private static DoubleStream closedLoop(Stream<Row> candidates, int connections, int pipeline) {
        return candidates.filter(r -> r.rate() == 0 && r.connections() == connections && r.pipeline() == pipeline)
                .mapToDouble(r -> r.stat(Metric.REQUESTS_PER_SEC).value()).filter(v -> !Double.isNaN(v));
    }

    private static Stat stat(Metric m, List<RunResult> runs, List<RunResult> baseRuns) {
        double[] values = runs.stream().mapToDouble(m::of).filter(v -> !Double.isNaN(v)).toArray();
        if (values.length == 0) {
            return Stat.NONE;
        }
        List<Double> ratios = new ArrayList<>();
        for (RunResult r : runs) {
            for (RunResult b : baseRuns) {
                if (b.repeat() == r.repeat()) {
                    double v = m.of(r);
                    double bv = m.of(b);
                    if (!Double.isNaN(v) && !Double.isNaN(bv) && bv != 0) {
                        ratios.add(v / bv);
                    }
                }
            }
        }
        double[] perRepeat = ratios.stream().mapToDouble(Double::doubleValue).toArray();
        double medianOfRepeats = median(values);
        double merged = m.merged(runs);
        double value = Double.isNaN(merged) ? medianOfRepeats : merged;
        double baseMerged = m.merged(baseRuns);
        double ratio = !Double.isNaN(merged) && !Double.isNaN(baseMerged) && baseMerged != 0 ? merged / baseMerged
                : median(perRepeat);
        return new Stat(value, medianOfRepeats, Arrays.stream(values).min().orElseThrow(),
                Arrays.stream(values).max().orElseThrow(), ratio, Arrays.stream(perRepeat).min().orElse(Double.NaN),
                Arrays.stream(perRepeat).max().orElse(Double.NaN));
    }

    /** @return the median; the mean of the two middle values for an even count */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
