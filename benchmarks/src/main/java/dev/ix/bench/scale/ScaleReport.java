package dev.ix.bench.scale;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The results of a run as Markdown tables, for the terminal and {@code summary.md}, and as CSV: one row per step
 * and transport, then each transport's ratios to the baseline per step. A figure that was not measured is
 * {@code n/a}. Stateless.
 */
final class ScaleReport {

    static final String TABLE_HEADER = "| idle conns | transport | opened | connect s | conn/s | RSS B/conn "
            + "| heap B/conn | RSS+heap KiB/conn | kernel B/pair | p50 µs | p99 µs | p99.9 µs | max µs | msgs "
            + "| srv µs/msg | note |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";

    static final String RATIO_HEADER = "| idle conns | transport | RSS+heap/conn | kernel/pair | p50 | p99 | p99.9 "
            + "| srv CPU/msg | connect time |\n|---|---|---|---|---|---|---|---|---|\n";

    static final String CSV_HEADER = "idle_connections,transport,opened,failed,connect_seconds,rss_delta_bytes,"
            + "heap_delta_bytes,kernel_delta_bytes,server_fds_delta,rss_bytes_per_conn,heap_bytes_per_conn,"
            + "kernel_bytes_per_pair,p50_us,p90_us,p99_us,p999_us,max_us,sent,answered,server_cpu_us_per_msg,"
            + "other_cores,dropped,note\n";

    private ScaleReport() {
    }

    /** @return the result in one line of text, as a step ends */
    static String line(ScaleResult r) {
        return String.format(Locale.ROOT, "%s %d idle: %d open in %s s, RSS %s B/conn, heap %s B/conn, kernel %s"
                        + " B/pair, p50/p99/p99.9 %s/%s/%s µs%s", r.transport(), r.requested(), r.opened(),
                fixed(r.connectSeconds(), 1), whole(r.rssPerConnection()), whole(r.heapPerConnection()),
                whole(r.kernelPerConnection()), micros(r.latency().p50()), micros(r.latency().p99()),
                micros(r.latency().p999()), r.remarks().isEmpty() ? "" : " [" + r.remarks() + "]");
    }

    /** @return one row per result, in the order given */
    static String table(List<ScaleResult> results) {
        StringBuilder sb = new StringBuilder(TABLE_HEADER);
        for (ScaleResult r : results) {
            sb.append("| ").append(String.join(" | ", List.of(
                    Integer.toString(r.requested()),
                    r.transport(),
                    Integer.toString(r.opened()),
                    r.opened() == 0 ? "-" : fixed(r.connectSeconds(), 1),
                    whole(r.connectsPerSecond()),
                    whole(r.rssPerConnection()),
                    whole(r.heapPerConnection()),
                    fixed(r.userPerConnection() / 1024, 2),
                    whole(r.kernelPerConnection()),
                    micros(r.latency().p50()),
                    micros(r.latency().p99()),
                    micros(r.latency().p999()),
                    micros(r.latency().max()),
                    Long.toString(r.answered()),
                    fixed(r.serverMicrosPerMessage(), 1),
                    r.remarks()))).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * @return each non-baseline result divided by the baseline's of the same step (below 1: less memory, lower
     *         latency, faster connecting), or empty when the baseline did not run
     */
    static Optional<String> ratios(List<ScaleResult> results, String baseline) {
        StringBuilder sb = new StringBuilder(RATIO_HEADER);
        boolean any = false;
        for (ScaleResult r : results) {
            if (r.transport().equals(baseline)) {
                continue;
            }
            Optional<ScaleResult> base = results.stream()
                    .filter(b -> b.transport().equals(baseline) && b.requested() == r.requested()).findFirst();
            if (base.isEmpty() || !measured(r) || !measured(base.get())) {
                continue;
            }
            any = true;
            ScaleResult b = base.get();
            sb.append("| ").append(String.join(" | ", List.of(
                    Integer.toString(r.requested()),
                    r.transport() + " ÷ " + baseline,
                    ratio(r, b, ScaleResult::userPerConnection),
                    ratio(r, b, ScaleResult::kernelPerConnection),
                    ratio(r, b, x -> x.latency().p50()),
                    ratio(r, b, x -> x.latency().p99()),
                    ratio(r, b, x -> x.latency().p999()),
                    ratio(r, b, ScaleResult::serverMicrosPerMessage),
                    r.requested() == 0 ? "n/a" : ratio(r, b, ScaleResult::connectSeconds)))).append(" |\n");
        }
        return any ? Optional.of(sb.toString()) : Optional.empty();
    }

    static final String MARGINAL_HEADER = "| transport | idle conns | RSS B/conn | heap B/conn | RSS+heap KiB/conn "
            + "| kernel B/pair |\n|---|---|---|---|---|---|\n";

    /**
     * The memory each further connection costs: per transport, the growth between two steps divided by the
     * connections between them. Unlike the per-step figures this leaves out what opening connections costs once
     * (compiled code, allocator high-water marks), which the per-step figures spread over their connections.
     *
     * @return one row per pair of consecutive steps with connections, or empty when no transport has two
     */
    static Optional<String> marginal(List<ScaleResult> results) {
        StringBuilder sb = new StringBuilder(MARGINAL_HEADER);
        boolean any = false;
        List<String> transports = results.stream().map(ScaleResult::transport).distinct().toList();
        for (String transport : transports) {
            ScaleResult previous = null;
            for (ScaleResult r : results) {
                if (!r.transport().equals(transport) || r.opened() == 0) {
                    continue;
                }
                if (previous != null && r.opened() != previous.opened()) {
                    any = true;
                    double n = r.opened() - previous.opened();
                    double rss = (r.rssDelta() - previous.rssDelta()) / n;
                    double heap = r.heapDelta().isPresent() && previous.heapDelta().isPresent()
                            ? (r.heapDelta().getAsLong() - previous.heapDelta().getAsLong()) / n : Double.NaN;
                    double kernel = r.kernelDelta().isPresent() && previous.kernelDelta().isPresent()
                            ? (r.kernelDelta().getAsLong() - previous.kernelDelta().getAsLong()) / n : Double.NaN;
                    sb.append("| ").append(String.join(" | ", List.of(transport,
                            previous.opened() + " → " + r.opened(), whole(rss), whole(heap),
                            fixed((rss + heap) / 1024, 2), whole(kernel)))).append(" |\n");
                }
                previous = r;
            }
        }
        return any ? Optional.of(sb.toString()) : Optional.empty();
    }

    /** @return the results as CSV with a header line; unmeasured figures are empty */
    static String csv(List<ScaleResult> results) {
        StringBuilder sb = new StringBuilder(CSV_HEADER);
        for (ScaleResult r : results) {
            List<String> cells = List.of(
                    Integer.toString(r.requested()), r.transport(), Integer.toString(r.opened()),
                    Integer.toString(r.failed()), csvNumber(r.connectSeconds()), Long.toString(r.rssDelta()),
                    r.heapDelta().isPresent() ? Long.toString(r.heapDelta().getAsLong()) : "",
                    r.kernelDelta().isPresent() ? Long.toString(r.kernelDelta().getAsLong()) : "",
                    Long.toString(r.filesDelta()), csvNumber(r.rssPerConnection()),
                    csvNumber(r.heapPerConnection()), csvNumber(r.kernelPerConnection()),
                    csvNumber(r.latency().p50()), csvNumber(r.latency().p90()), csvNumber(r.latency().p99()),
                    csvNumber(r.latency().p999()), csvNumber(r.latency().max()), Long.toString(r.sent()),
                    Long.toString(r.answered()), csvNumber(r.serverMicrosPerMessage()), csvNumber(r.otherCores()),
                    Long.toString(r.dropped()), quote(r.remarks()));
            sb.append(String.join(",", cells)).append('\n');
        }
        return sb.toString();
    }

    /** @return whether the step ran far enough to measure anything */
    private static boolean measured(ScaleResult r) {
        return r.opened() > 0 || !Double.isNaN(r.latency().p50());
    }

    static String whole(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f", v);
    }

    static String fixed(double v, int decimals) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** Latency as the harness prints it: whole µs from 100 on, one decimal below. */
    static String micros(double v) {
        return Double.isNaN(v) ? "n/a" : v >= 100 ? whole(v) : fixed(v, 1);
    }

    private static String ratio(ScaleResult r, ScaleResult base, ToDoubleFunction<ScaleResult> figure) {
        double v = figure.applyAsDouble(r);
        double b = figure.applyAsDouble(base);
        return Double.isNaN(v) || Double.isNaN(b) || b <= 0 ? "n/a" : fixed(v / b, 2);
    }

    private static String csvNumber(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v).replaceAll("\\.?0+$", "");
    }

    private static String quote(String text) {
        return text.isEmpty() ? "" : '"' + text.replace("\"", "\"\"") + '"';
    }
}
