package dev.ix.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The summary as a table, peer × metric: medians, the spread of requests/s, and ratios to the baseline beside
 * the metrics a verdict rests on. Rendered as aligned text for the terminal and as Markdown for {@code summary.md}.
 */
final class ResultTable {
    private static final List<String> HEADINGS = List.of("peer", "generator", "rate", "conns", "req/s", "min–max", "×base", "p50 µs",
            "p99 µs", "×base", "p99.9 µs", "max µs", "lag p99 µs", "errors", "syscalls/req", "cpu µs/req", "×base", "alloc B/req",
            "RSS MiB", "note");

    private final List<List<String>> rows = new ArrayList<>();

    ResultTable(Summary summary) {
        for (Summary.Row r : summary.rows()) {
            boolean base = r.peer().equals(summary.baseline());
            rows.add(List.of(
                    r.peer(),
                    r.generator(),
                    BenchOptions.rateLabel(r.rate()),
                    Integer.toString(r.connections()),
                    whole(r.stat(Metric.REQUESTS_PER_SEC).median()),
                    whole(r.stat(Metric.REQUESTS_PER_SEC).min()) + "–" + whole(r.stat(Metric.REQUESTS_PER_SEC).max()),
                    ratio(r, Metric.REQUESTS_PER_SEC, base),
                    latency(r.stat(Metric.P50_US).median()),
                    latency(r.stat(Metric.P99_US).median()),
                    ratio(r, Metric.P99_US, base),
                    latency(r.stat(Metric.P999_US).median()),
                    latency(r.stat(Metric.MAX_US).median()),
                    latency(r.stat(Metric.SEND_LAG_P99_US).median()),
                    whole(r.stat(Metric.ERRORS).median()),
                    small(r.stat(Metric.SYSCALLS_PER_REQUEST).median()),
                    small(r.stat(Metric.CPU_US_PER_REQUEST).median()),
                    ratio(r, Metric.CPU_US_PER_REQUEST, base),
                    whole(r.stat(Metric.ALLOC_BYTES_PER_REQUEST).median()),
                    mib(r.stat(Metric.RSS_BYTES).median()),
                    note(r)));
        }
    }

    private static String note(Summary.Row r) {
        List<String> notes = new ArrayList<>();
        if (r.generatorBoundRepeats() > 0) {
            notes.add("generator-bound " + r.generatorBoundRepeats() + "/" + r.repeats());
        }
        long serverNotPinned = r.runs().stream().filter(run -> !run.serverPinned()).count();
        long loadNotPinned = r.runs().stream().filter(run -> !run.loadPinned()).count();
        if (serverNotPinned > 0) {
            notes.add("server not pinned " + serverNotPinned + "/" + r.repeats());
        }
        if (loadNotPinned > 0) {
            notes.add("load not pinned " + loadNotPinned + "/" + r.repeats());
        }
        if (r.stat(Metric.ERRORS).max() > 0) {
            notes.add("errors");
        }
        return String.join(", ", notes);
    }

    private static String ratio(Summary.Row r, Metric m, boolean base) {
        if (base) {
            return "1";
        }
        double v = r.stat(m).ratio();
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    static String whole(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f", v);
    }

    static String latency(double micros) {
        if (Double.isNaN(micros)) {
            return "n/a";
        }
        return micros >= 100 ? String.format(Locale.ROOT, "%.0f", micros) : String.format(Locale.ROOT, "%.1f", micros);
    }

    static String small(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    static String mib(double bytes) {
        return Double.isNaN(bytes) ? "n/a" : String.format(Locale.ROOT, "%.0f", bytes / (1024 * 1024));
    }

    /** @return the table with columns aligned by spaces, one line per row, heading first */
    String text() {
        int[] widths = new int[HEADINGS.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = HEADINGS.get(c).length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder b = new StringBuilder();
        line(b, HEADINGS, widths);
        for (List<String> row : rows) {
            line(b, row, widths);
        }
        return b.toString();
    }

    private static void line(StringBuilder b, List<String> cells, int[] widths) {
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            boolean left = c == 0 || c == cells.size() - 1;
            String pad = " ".repeat(widths[c] - cell.length());
            b.append(left ? cell + pad : pad + cell);
            if (c < cells.size() - 1) {
                b.append("  ");
            }
        }
        b.append('\n');
    }

    /** @return the table in GitHub Markdown */
    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("| ").append(String.join(" | ", HEADINGS)).append(" |\n");
        b.append("|").append("---|".repeat(HEADINGS.size())).append('\n');
        for (List<String> row : rows) {
            b.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return b.toString();
    }
}
