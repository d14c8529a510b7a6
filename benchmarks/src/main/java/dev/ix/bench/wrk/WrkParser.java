package dev.ix.bench.wrk;

import dev.ix.bench.load.LoadResult;
import dev.ix.bench.load.Percentiles;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what wrk or wrk2 printed into a {@link LoadResult}.
 *
 * <ul>
 *   <li>requests and seconds: {@code N requests in 10.00s};</li>
 *   <li>errors: the {@code Socket errors} (connect, read, write, timeout) plus the {@code Non-2xx or 3xx
 *       responses};</li>
 *   <li>latency from wrk's {@code --latency} {@code Latency Distribution} (p50, p90, p99; p99.9 and p99.99 unknown);
 *       from wrk2's {@code Latency Distribution (HdrHistogram - Recorded Latency)} (p50 to p99.99, the latency
 *       corrected for coordinated omission, not the {@code -U} uncorrected one) and, for the maximum, the
 *       {@code #[Max = ...]} of its {@code Detailed Percentile spectrum} (printed to the µs; the block rounds to
 *       two digits). Without a spectrum, the maximum is the {@code Max} of the {@code Thread Stats} latency row,
 *       which both tools print.</li>
 * </ul>
 *
 * <p>Times in {@code us}, {@code ms}, {@code s}, {@code m} or {@code h} become µs. The result has no histogram, an
 * unknown ({@code NaN}) generator CPU and the thread count wrk printed. Stateless and thread-safe.
 */
final class WrkParser {

    private static final String TIME = "([0-9]+(?:\\.[0-9]+)?)(us|ms|s|m|h)";

    private static final Pattern REQUESTS = Pattern.compile("^\\s*([0-9]+) requests in " + TIME + ",",
            Pattern.MULTILINE);
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: ([0-9]+)");
    private static final Pattern LATENCY_ROW = Pattern.compile(
            "^\\s*Latency\\s+" + TIME + "\\s+" + TIME + "\\s+" + TIME + "\\s", Pattern.MULTILINE);
    private static final Pattern PERCENTILE_LINE = Pattern.compile("^\\s*([0-9]+(?:\\.[0-9]+)?)%\\s+" + TIME + "\\s*$");
    private static final Pattern SPECTRUM_MAX = Pattern.compile("#\\[Max\\s*=\\s*([0-9]+(?:\\.[0-9]+)?),");

    private static final String WRK_DISTRIBUTION = "Latency Distribution";
    private static final String WRK2_DISTRIBUTION = "Latency Distribution (HdrHistogram - Recorded Latency)";
    private static final String SPECTRUM = "Detailed Percentile spectrum:";

    private WrkParser() {
    }

    /**
     * @param generator {@code wrk} or {@code wrk2}: which output format to expect, and the result's generator name
     * @param output    what the tool printed on stdout
     * @throws IllegalArgumentException if {@code output} is not a finished run's report (a run that could not
     *                                  connect at all prints none)
     */
    static LoadResult parse(String generator, String output) {
        boolean wrk2 = switch (generator) {
            case "wrk" -> false;
            case "wrk2" -> true;
            default -> throw new IllegalArgumentException("generator: " + generator + " (expected: wrk or wrk2)");
        };
        Matcher requests = REQUESTS.matcher(output);
        if (!requests.find()) {
            throw new IllegalArgumentException("no \"N requests in T\" line in the " + generator + " output: "
                    + firstLines(output));
        }
        long count = Long.parseLong(requests.group(1));
        double seconds = micros(requests.group(2), requests.group(3)) / 1e6;

        long errors = 0;
        Matcher socket = SOCKET_ERRORS.matcher(output);
        if (socket.find()) {
            for (int i = 1; i <= 4; i++) {
                errors += Long.parseLong(socket.group(i));
            }
        }
        Matcher status = NON_2XX.matcher(output);
        if (status.find()) {
            errors += Long.parseLong(status.group(1));
        }

        List<String> lines = output.lines().toList();
        Map<Double, Double> distribution = distribution(lines, wrk2 ? WRK2_DISTRIBUTION : WRK_DISTRIBUTION);
        double max = wrk2 ? spectrumMax(lines) : Double.NaN;
        if (Double.isNaN(max)) {
            Matcher row = LATENCY_ROW.matcher(output);
            max = row.find() ? micros(row.group(5), row.group(6)) : Double.NaN;
        }
        Percentiles latency = new Percentiles(at(distribution, 50), at(distribution, 90), at(distribution, 99),
                at(distribution, 99.9), at(distribution, 99.99), max);
        return new LoadResult(generator, count, errors, seconds, latency, null, null, Double.NaN, null);
    }

    /**
     * Percentile → µs, from the lines after {@code header} up to the first line that is not a percentile. A value
     * below the one of a lower percentile is left out (unknown): wrk's histogram overflows when its Lua script
     * pipelines requests and it prints {@code 99%    0.00us}.
     */
    private static Map<Double, Double> distribution(List<String> lines, String header) {
        Map<Double, Double> values = new HashMap<>();
        int start = indexOf(lines, header, 0);
        if (start < 0) {
            return values;
        }
        double highest = 0;
        for (int i = start + 1; i < lines.size(); i++) {
            Matcher m = PERCENTILE_LINE.matcher(lines.get(i));
            if (!m.matches()) {
                break;
            }
            double micros = micros(m.group(2), m.group(3));
            if (micros >= highest) {
                values.put(Double.parseDouble(m.group(1)), micros);
                highest = micros;
            }
        }
        return values;
    }

    /** The recorded latency's maximum from the spectrum that follows its distribution, in µs; NaN if absent. */
    private static double spectrumMax(List<String> lines) {
        int spectrum = indexOf(lines, SPECTRUM, Math.max(0, indexOf(lines, WRK2_DISTRIBUTION, 0)));
        if (spectrum < 0) {
            return Double.NaN;
        }
        for (int i = spectrum + 1; i < lines.size(); i++) {
            Matcher m = SPECTRUM_MAX.matcher(lines.get(i));
            if (m.find()) {
                // The spectrum is printed in milliseconds (wrk2 scales its µs histogram by 1000).
                return Double.parseDouble(m.group(1)) * 1000;
            }
        }
        return Double.NaN;
    }

    /** Index of the first line from {@code from} that is {@code text} once trimmed, or -1. */
    private static int indexOf(List<String> lines, String text, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(text)) {
                return i;
            }
        }
        return -1;
    }

    private static double at(Map<Double, Double> distribution, double percentile) {
        return distribution.getOrDefault(percentile, Double.NaN);
    }

    private static double micros(String amount, String unit) {
        double value = Double.parseDouble(amount);
        return switch (unit) {
            case "us" -> value;
            case "ms" -> value * 1e3;
            case "s" -> value * 1e6;
            case "m" -> value * 60e6;
            case "h" -> value * 3600e6;
            default -> throw new IllegalArgumentException("time unit: " + unit);
        };
    }

    private static String firstLines(String output) {
        String text = output.strip();
        return text.isEmpty() ? "(empty)" : String.join(" | ", text.lines().limit(8).toList());
    }
}
