package dev.ix.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The summary as a table, peer × metric: medians (percentiles of the merged histograms), the spread of requests/s,
 * and ratios to the baseline, each with its spread, beside the metrics a verdict rests on. Rendered as aligned text
 * for the terminal and as Markdown for {@code summary.md}.
 */
final class ResultTable {

    /** What the table's numbers are; {@code formatted(repeats, baseline)}. */
    static final String LEGEND = "Medians over %d repeats, the peer order rotated each repeat; latency percentiles"
            + " of all repeats' histograms merged; `min–max` is the spread of requests/s; `×base` is the median of the"
            + " per-repeat ratios to `%s`, with their range in brackets (latency: ratio of the merged percentiles); a"
            + " `*` marks a ratio whose baseline run was generator-bound in some repeat: its baseline figure is a"
            + " floor, so the ratio is no win. `neither bound`: a closed-loop run in which neither the server nor the"
            + " generator kept 90 %% of its CPUs busy: another process or the hypervisor had them, or the two ran in"
            + " lock-step, each idle while the other worked. `young GCs` and `GC pause ms`: the server JVM's"
            + " collections and their time within the measured window (jstat's YGC and GCT, from its hsperfdata"
            + " counters; n/a for nginx); old (full) collections are noted. `user µs/req`: the user-space part of `cpu"
            + " µs/req`, the server's own code; the rest is the kernel's work for it, which on loopback includes the"
            + " generator's TCP receive path and wake-ups, so it changes with the generator. A JVM server is warmed"
            + " up until its JIT settles (--jit-settle); `JIT N ms in window` notes the median compilation time in"
            + " the window where it reached " + ResultTable.JIT_NOTE_MILLIS + " ms, time its compiler threads took"
            + " from the server's CPU.";
    /** The median JIT time in a window from which the table notes it, ms. */
    static final int JIT_NOTE_MILLIS = 10;

    private static final List<String> HEADINGS = List.of("peer", "generator", "rate", "conns", "pipe", "req/s",
            "min–max", "×base", "p50 µs", "p99 µs", "×base", "p99.9 µs", "max µs", "lag p99 µs", "errors",
            "syscalls/req", "cpu µs/req", "×base", "user µs/req", "alloc B/req", "young GCs", "GC pause ms", "RSS MiB",
            "note");

    private final List<List<String>> rows = new ArrayList<>();

    ResultTable(Summary summary) {
        for (Summary.Row r : summary.rows()) {
            boolean base = r.peer().equals(summary.baseline());
            rows.add(List.of(
                    r.peer(),
                    r.generator(),
                    BenchOptions.rateLabel(r.rate()),
                    Integer.toString(r.connections()),
                    Integer.toString(r.pipeline()),
                    whole(r.stat(Metric.REQUESTS_PER_SEC).value()),
                    whole(r.stat(Metric.REQUESTS_PER_SEC).min()) + "–" + whole(r.stat(Metric.REQUESTS_PER_SEC).max()),
                    ratio(r, Metric.REQUESTS_PER_SEC, base),
                    latency(r.stat(Metric.P50_US).value()),
                    latency(r.stat(Metric.P99_US).value()),
                    ratio(r, Metric.P99_US, base),
                    latency(r.stat(Metric.P999_US).value()),
                    latency(r.stat(Metric.MAX_US).value()),
                    latency(r.stat(Metric.SEND_LAG_P99_US).value()),
                    whole(r.stat(Metric.ERRORS).value()),
                    small(r.stat(Metric.SYSCALLS_PER_REQUEST).value()),
                    small(r.stat(Metric.CPU_US_PER_REQUEST).value()),
                    ratio(r, Metric.CPU_US_PER_REQUEST, base),
                    small(r.stat(Metric.USER_US_PER_REQUEST).value()),
                    whole(r.stat(Metric.ALLOC_BYTES_PER_REQUEST).value()),
                    whole(r.stat(Metric.YOUNG_GCS).value()),
                    small(r.stat(Metric.GC_PAUSE_MS).value()),
                    mib(r.stat(Metric.RSS_BYTES).value()),
                    note(r)));
        }
    }

    private static String note(Summary.Row r) {
        List<String> notes = new ArrayList<>();
        if (r.generatorBoundRepeats() > 0) {
            notes.add("generator-bound " + r.generatorBoundRepeats() + "/" + r.repeats());
        }
        if (r.contendedRepeats() > 0) {
            notes.add("neither bound " + r.contendedRepeats() + "/" + r.repeats());
        }
        if (r.baselineBoundRepeats() > 0) {
            notes.add("* base generator-bound " + r.baselineBoundRepeats() + "/" + r.repeats());
        }
        long serverNotPinned = r.runs().stream().filter(run -> !run.serverPinned()).count();
        long loadNotPinned = r.runs().stream().filter(run -> !run.loadPinned()).count();
        if (serverNotPinned > 0) {
            notes.add("server not pinned " + serverNotPinned + "/" + r.repeats());
        }
        if (loadNotPinned > 0) {
            notes.add("load not pinned " + loadNotPinned + "/" + r.repeats());
        }
        if (r.stat(Metric.OLD_GCS).max() > 0) {
            // Not a column: the peers' fixed 512 MiB heap makes an old collection in a window rare, and notable.
            notes.add("old GCs " + whole(r.stat(Metric.OLD_GCS).value()) + " (max " + whole(r.stat(Metric.OLD_GCS)
                    .max()) + ")");
        }
        if (r.stat(Metric.JIT_MS).value() >= JIT_NOTE_MILLIS) {
            // Not a column: a settled JIT compiles next to nothing, so a window in which it did is the exception.
            notes.add("JIT " + whole(r.stat(Metric.JIT_MS).value()) + " ms in window");
        }
        if (r.stat(Metric.ERRORS).max() > 0) {
            notes.add("errors");
        }
        return String.join(", ", notes);
    }

    static String ratio(Summary.Row r, Metric m, boolean base) {
        if (base) {
            return "1";
        }
        Summary.Stat s = r.stat(m);
        if (Double.isNaN(s.ratio())) {
            return "n/a";
        }
        String flag = r.baselineBoundRepeats() > 0 ? "*" : "";
        if (Double.isNaN(s.ratioMin()) || r.repeats() < 2) {
            return String.format(Locale.ROOT, "%.2f%s", s.ratio(), flag);
        }
        return String.format(Locale.ROOT, "%.2f%s [%.2f–%.2f]", s.ratio(), flag, s.ratioMin(), s.ratioMax());
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
