package dev.ix.bench.load;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A latency distribution in the form of wrk2's "Detailed Percentile spectrum" (HdrHistogram's classic percentile
 * output, as the C library prints it): values in milliseconds with three decimals, percentiles with six, five steps
 * per halving of the distance to 100 %, then the {@code #[Mean ...]}, {@code #[Max ...]} and
 * {@code #[Buckets ...]} footer. The same text is an {@code .hgrm} file that HdrHistogram's plotter reads.
 *
 * <p>Java's {@link AbstractHistogram#outputPercentileDistribution} is not used because it prints differently (twelve
 * decimals for percentiles, no {@code inf} on the last line, another maximum).
 */
public final class Hgrm {

    private static final int TICKS_PER_HALF_DISTANCE = 5;
    private static final double MICROS_PER_MILLI = 1000.0;

    private Hgrm() {
    }

    /**
     * Prints the distribution, starting with its column header line.
     *
     * @param micros latencies in µs; read, not changed (not thread-safe: nobody may record into it meanwhile)
     * @param out    where to print; not closed
     */
    public static void write(Histogram micros, PrintStream out) {
        out.print(text(micros));
        out.flush();
    }

    /**
     * Writes the distribution to an {@code .hgrm} file, replacing it if it exists.
     *
     * @param micros latencies in µs; read, not changed
     * @param file   where to write, conventionally {@code *.hgrm}
     * @throws IOException if the file cannot be written
     */
    public static void write(Histogram micros, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(text(micros).getBytes(StandardCharsets.US_ASCII));
        }
    }

    static String text(Histogram micros) {
        StringBuilder sb = new StringBuilder(8192);
        sb.append(String.format(Locale.ROOT, "%12s %12s %12s %12s\n\n", "Value", "Percentile", "TotalCount",
                "1/(1-Percentile)"));
        if (micros.getTotalCount() > 0) {
            for (HistogramIterationValue v : micros.percentiles(TICKS_PER_HALF_DISTANCE)) {
                double percentile = v.getPercentileLevelIteratedTo() / 100.0;
                sb.append(fixed(v.getValueIteratedTo() / MICROS_PER_MILLI, 3)).append(' ')
                        .append(fixed(percentile, 6)).append(' ')
                        .append(String.format(Locale.ROOT, "%12d", v.getTotalCountToThisValue())).append(' ')
                        .append(percentile < 1.0 ? fixed(1.0 / (1.0 - percentile), 2) : "         inf")
                        .append('\n');
            }
        }
        sb.append("#[Mean    = ").append(fixed(mean(micros) / MICROS_PER_MILLI, 3))
                .append(", StdDeviation   = ").append(fixed(stdDeviation(micros) / MICROS_PER_MILLI, 3)).append("]\n");
        sb.append("#[Max     = ").append(fixed(max(micros) / MICROS_PER_MILLI, 3))
                .append(String.format(Locale.ROOT, ", Total count    = %12d]\n", micros.getTotalCount()));
        sb.append(String.format(Locale.ROOT, "#[Buckets = %12d, SubBuckets     = %12d]\n",
                bucketCount(micros), subBucketCount(micros)));
        return sb.toString();
    }

    /**
     * @return {@code value} with {@code decimals} decimals, right-aligned in 12 characters, rounded as C's printf
     *         rounds: the exact binary value, ties to even ({@link String#format} rounds the shortest decimal form
     *         half up, which differs in the last digit for values such as 0.9890625)
     */
    private static String fixed(double value, int decimals) {
        String digits = new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        return " ".repeat(Math.max(0, 12 - digits.length())) + digits;
    }

    /**
     * @return the maximum as wrk2 reports it: the lowest value equivalent to the largest recorded one (Java's
     *         {@code getMaxValue} gives the highest)
     */
    static long max(AbstractHistogram h) {
        return h.getTotalCount() == 0 ? 0 : h.lowestEquivalentValue(h.getMaxValue());
    }

    static double mean(AbstractHistogram h) {
        return h.getTotalCount() == 0 ? 0 : h.getMean();
    }

    static double stdDeviation(AbstractHistogram h) {
        return h.getTotalCount() == 0 ? 0 : h.getStdDeviation();
    }

    /** @return sub-buckets per bucket: the power of two that holds {@code 2 * 10^digits} */
    static int subBucketCount(AbstractHistogram h) {
        long singleUnitResolution = 2 * (long) Math.pow(10, h.getNumberOfSignificantValueDigits());
        return (int) Long.highestOneBit(singleUnitResolution * 2 - 1);
    }

    /** @return buckets needed to reach the highest trackable value, as the C library counts them */
    static int bucketCount(AbstractHistogram h) {
        int unitMagnitude = 63 - Long.numberOfLeadingZeros(Math.max(1, h.getLowestDiscernibleValue()));
        long trackable = (long) (subBucketCount(h) - 1) << unitMagnitude;
        int buckets = 1;
        while (trackable < h.getHighestTrackableValue()) {
            trackable <<= 1;
            buckets++;
        }
        return buckets;
    }
}
