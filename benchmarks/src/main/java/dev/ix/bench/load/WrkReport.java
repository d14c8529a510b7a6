package dev.ix.bench.load;

import java.io.PrintStream;
import java.util.Locale;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/** Prints a run the way wrk2 does, line for line, so that whatever reads wrk2's output reads ours. */
final class WrkReport {

    private static final double[] PERCENTILES = {50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 99.999, 100.0};
    private static final String RULE = "----------------------------------------------------------";

    private final PrintStream out;

    WrkReport(PrintStream out) {
        this.out = out;
    }

    /** The two lines wrk2 prints before the run, and a third naming the generator's own transport. */
    void header(LoadArgs args) {
        out.printf(Locale.ROOT, "Running %s test @ %s%n", WrkUnits.seconds(args.duration().toNanos() / 1e9),
                args.url());
        out.printf(Locale.ROOT, "  %d threads and %d connections%n", args.threads(), args.connections());
        out.printf(Locale.ROOT, "  generator on %s%s%n", args.transport().label(),
                args.transport() == LoadTransport.IX ? " (the ix transport: against an ix server this flatters it)"
                        : "");
        out.flush();
    }

    /** Everything wrk2 prints after the run. */
    void results(LoadArgs args, LoadReport report) {
        LoadResult result = report.result();
        Histogram latency = result.histogram();
        out.printf(Locale.ROOT, "  Thread Stats%6s%11s%8s%12s%n", "Avg", "Stdev", "Max", "+/- Stdev");
        double mean = Hgrm.mean(latency);
        double stdev = Hgrm.stdDeviation(latency);
        row("Latency", WrkUnits.micros(mean), WrkUnits.micros(stdev), WrkUnits.micros(Hgrm.max(latency)),
                withinStdev(latency, mean, stdev));
        RateStats rates = RateStats.of(report.rateSamples(), result, args.threads());
        row("Req/Sec", WrkUnits.metric(rates.mean()), WrkUnits.metric(rates.stdev()),
                WrkUnits.metric(rates.max()), rates.withinStdev());

        distribution(latency, "Recorded Latency", args.latency());
        if (args.uLatency()) {
            out.println();
            distribution(report.serviceTime(),
                    "Uncorrected Latency (measured without taking delayed starts into account)", true);
        }

        if (args.rate() > 0) {
            // Not in wrk2's output: how late the generator itself sent, so that a late generator is visible.
            out.println();
            distribution(result.sendLag(), "Send Lag (actual minus intended send time)", false);
        }

        out.printf(Locale.ROOT, "  %d requests in %s, %sB read%n", result.requests(),
                WrkUnits.micros(result.seconds() * 1e6), WrkUnits.binary(report.bytes()));
        if (report.connect() + report.read() + report.write() + report.timeout() > 0) {
            out.printf(Locale.ROOT, "  Socket errors: connect %d, read %d, write %d, timeout %d%n",
                    report.connect(), report.read(), report.write(), report.timeout());
        }
        if (report.unsent() > 0) {
            out.printf(Locale.ROOT, "  Unsent when the window closed: %d (in the latency above, from their intended"
                    + " send time to the window's end)%n", report.unsent());
        }
        if (report.status() > 0) {
            out.printf(Locale.ROOT, "  Non-2xx or 3xx responses: %d%n", report.status());
        }
        double seconds = result.seconds();
        out.printf(Locale.ROOT, "Requests/sec: %9.2f%n", seconds > 0 ? result.requests() / seconds : 0.0);
        out.printf(Locale.ROOT, "Transfer/sec: %10sB%n", WrkUnits.binary(seconds > 0 ? report.bytes() / seconds : 0));
        out.flush();
    }

    private void row(String name, String mean, String stdev, String max, double within) {
        out.printf(Locale.ROOT, "    %-10s%s%s%s%8.2f%%%n", name, WrkUnits.column(mean, 8),
                WrkUnits.column(stdev, 10), WrkUnits.column(max, 9), within);
    }

    /**
     * The eight percentiles wrk2 prints with {@code -L}, here always; with {@code detailed}, the full spectrum (in
     * ms) below them and the rule that closes wrk2's block.
     */
    private void distribution(Histogram micros, String description, boolean detailed) {
        out.printf(Locale.ROOT, "  Latency Distribution (HdrHistogram - %s)%n", description);
        for (double p : PERCENTILES) {
            out.printf(Locale.ROOT, "%7.3f%%%s%n", p, WrkUnits.column(WrkUnits.micros(valueAt(micros, p)), 10));
        }
        if (detailed) {
            out.printf("%n  Detailed Percentile spectrum:%n");
            Hgrm.write(micros, out);
            out.println(RULE);
        }
    }

    /** The value at a percentile as HdrHistogram's C library (and so wrk2) computes it: nearest rank, rounded. */
    static long valueAt(AbstractHistogram h, double percentile) {
        long total = h.getTotalCount();
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) (Math.min(percentile, 100.0) / 100.0 * total + 0.5));
        long seen = 0;
        for (HistogramIterationValue v : h.recordedValues()) {
            seen += v.getCountAtValueIteratedTo();
            if (seen >= rank) {
                return h.highestEquivalentValue(v.getValueIteratedTo());
            }
        }
        return h.highestEquivalentValue(h.getMaxValue());
    }

    /** @return the share of values within one standard deviation of the mean, in %, as wrk2 counts it */
    static double withinStdev(AbstractHistogram h, double mean, double stdev) {
        long total = h.getTotalCount();
        if (total == 0) {
            return 0;
        }
        long upper = (long) (mean + stdev);
        long lower = (long) (mean - stdev);
        long lowerCount = 0;
        long upperCount = total;
        // Over every bucket, recorded or not, as the C library iterates: the first bucket above the upper bound ends it.
        for (HistogramIterationValue v : h.allValues()) {
            long highest = h.highestEquivalentValue(v.getValueIteratedTo());
            long cumulative = v.getTotalCountToThisValue();
            if (lower > h.lowestEquivalentValue(v.getValueIteratedTo())) {
                lowerCount = cumulative;
            }
            if (upper < highest) {
                upperCount = cumulative;
                break;
            }
        }
        return 100.0 * (upperCount - lowerCount) / total;
    }

    /** Mean, deviation, maximum and spread of the per-thread, per-second response counts. */
    record RateStats(double mean, double stdev, double max, double withinStdev) {

        static RateStats of(long[] samples, LoadResult result, int threads) {
            if (samples.length == 0) {
                double perThread = result.requestsPerSecond() / threads;
                return new RateStats(perThread, 0, perThread, 100.0);
            }
            double sum = 0;
            double max = 0;
            for (long s : samples) {
                sum += s;
                max = Math.max(max, s);
            }
            double mean = sum / samples.length;
            double squares = 0;
            for (long s : samples) {
                squares += (s - mean) * (s - mean);
            }
            double stdev = samples.length < 2 ? 0 : Math.sqrt(squares / (samples.length - 1));
            int within = 0;
            for (long s : samples) {
                if (s >= mean - stdev && s <= mean + stdev) {
                    within++;
                }
            }
            return new RateStats(mean, stdev, max, 100.0 * within / samples.length);
        }
    }
}
