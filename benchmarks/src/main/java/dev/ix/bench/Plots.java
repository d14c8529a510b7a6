package dev.ix.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The result charts, as PNG files: p99 latency against throughput for every peer (one file per connection count,
 * when open-loop steps ran), as in the IX paper's latency/throughput curves; and the latency percentile spectrum of
 * every peer at each step, the way wrk2's {@code .hgrm} files are usually plotted (x: percentile on a log scale of
 * 1/(1-p), so the tail gets the room: 10 is 90 %, 100 is 99 %, 1000 is 99.9 %). XChart's log axes keep their own
 * tick labels (custom labels on a log axis are placed as if it were linear), so the axis titles say how to read them.
 */
final class Plots {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 620;
    /** The spectrum is cut at 99.999 %: beyond it a few samples decide and the line only adds noise. */
    private static final double MAX_PERCENTILE = 99.999;

    private Plots() {
    }

    /** @return the files written */
    static List<Path> write(Path dir, Summary summary, String test) throws IOException {
        return write(dir, summary, test, Double.NaN);
    }

    /**
     * @param sloMicros a latency bound drawn across the p99 chart (the kv test's service level), NaN for none
     * @return the files written
     */
    static List<Path> write(Path dir, Summary summary, String test, double sloMicros) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Path> files = new ArrayList<>();
        TreeSet<Integer> connectionCounts = new TreeSet<>();
        summary.rows().forEach(r -> connectionCounts.add(r.connections()));
        for (int connections : connectionCounts) {
            XYChart chart = latencyThroughput(summary, connections, test, sloMicros);
            if (chart != null) {
                files.add(save(chart, dir.resolve("latency-throughput-c" + connections)));
            }
        }
        Map<String, List<Summary.Row>> bySteps = new LinkedHashMap<>();
        for (Summary.Row row : summary.rows()) {
            bySteps.computeIfAbsent(ResultWriter.stepName(row), k -> new ArrayList<>()).add(row);
        }
        for (Map.Entry<String, List<Summary.Row>> step : bySteps.entrySet()) {
            XYChart chart = spectrum(step.getValue(), test);
            if (chart != null) {
                files.add(save(chart, dir.resolve("spectrum-" + step.getKey())));
            }
        }
        return files;
    }

    /**
     * @param sloMicros drawn as a horizontal line, NaN for none
     * @return p99 against achieved requests/s over the open-loop steps at {@code connections}; null if none
     */
    static XYChart latencyThroughput(Summary summary, int connections, String test, double sloMicros) {
        Map<String, List<Summary.Row>> byPeer = new LinkedHashMap<>();
        for (Summary.Row r : summary.rows()) {
            if (r.rate() > 0 && r.connections() == connections) {
                byPeer.computeIfAbsent(r.peer(), k -> new ArrayList<>()).add(r);
            }
        }
        if (byPeer.isEmpty()) {
            return null;
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(test + ": p99 latency against throughput, " + connections + " connections (open loop)")
                .xAxisTitle("requests/s achieved (median)").yAxisTitle("p99 latency, µs (repeats merged, log scale)").build();
        style(chart);
        chart.getStyler().setXAxisDecimalPattern("#,###");
        chart.getStyler().setYAxisLogarithmic(true);
        double lowest = Double.POSITIVE_INFINITY;
        double highest = 0;
        for (Map.Entry<String, List<Summary.Row>> e : byPeer.entrySet()) {
            List<Summary.Row> rows = new ArrayList<>(e.getValue());
            rows.sort(Comparator.comparingDouble(Summary.Row::rate));
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (Summary.Row r : rows) {
                double rps = r.stat(Metric.REQUESTS_PER_SEC).value();
                double p99 = r.stat(Metric.P99_US).value();
                if (!Double.isNaN(rps) && !Double.isNaN(p99) && p99 > 0) {
                    x.add(rps);
                    y.add(p99);
                }
            }
            if (!x.isEmpty()) {
                chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
                lowest = Math.min(lowest, x.getFirst());
                highest = Math.max(highest, x.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
            }
        }
        if (chart.getSeriesMap().isEmpty()) {
            return null;
        }
        if (!Double.isNaN(sloMicros)) {
            chart.addSeries("p99 bound, " + Math.round(sloMicros) + " µs", List.of(lowest, highest),
                    List.of(sloMicros, sloMicros)).setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    /** @return every peer's latency percentiles at one step, from all its repeats together; null if none */
    static XYChart spectrum(List<Summary.Row> rows, String test) {
        Summary.Row first = rows.getFirst();
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(test + ": latency by percentile, " + BenchOptions.rateLabel(first.rate()) + " req/s, "
                        + first.connections() + " connections, pipeline " + first.pipeline())
                .xAxisTitle("percentile p as 1/(1-p), log scale: 1E1 = 90%, 1E2 = 99%, 1E3 = 99.9%, 1E4 = 99.99%")
                .yAxisTitle("latency, µs (log scale)").build();
        style(chart);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        for (Summary.Row row : rows) {
            Histogram h = row.mergedHistogram();
            if (h == null || h.getTotalCount() == 0) {
                continue;
            }
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (HistogramIterationValue v : h.percentiles(5)) {
                double p = v.getPercentileLevelIteratedTo();
                if (p > MAX_PERCENTILE) {
                    break;
                }
                x.add(100 / (100 - p));
                y.add((double) Math.max(1, h.highestEquivalentValue(v.getValueIteratedTo())));
            }
            if (x.size() > 1) {
                chart.addSeries(row.peer() + " (" + row.generator() + ")", x, y).setMarker(SeriesMarkers.NONE);
            }
        }
        return chart.getSeriesMap().isEmpty() ? null : chart;
    }

    private static void style(XYChart chart) {
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setMarkerSize(7);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
    }

    private static Path save(XYChart chart, Path withoutExtension) throws IOException {
        BitmapEncoder.saveBitmap(chart, withoutExtension.toString(), BitmapEncoder.BitmapFormat.PNG);
        return withoutExtension.resolveSibling(withoutExtension.getFileName() + ".png");
    }
}
