package dev.ix.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The few ratios a reader quotes, one line per peer against the baseline: requests/s of the first closed-loop step
 * (the pipelined one by default: the server, not the generator, is the limit there), and CPU µs per request at each
 * fixed offered rate (the same work for every peer, so the fair cost figure). It names the generator the figures
 * come from and every step in which a generator was the limit.
 */
final class Headline {

    private Headline() {
    }

    /**
     * @param summary   every run
     * @param generator the generator whose rows are quoted, {@link BenchOptions#generatorLabel()}
     * @return the headline as Markdown (a table and a line about generator-bound steps), empty if nothing to quote
     */
    static String markdown(Summary summary, String generator) {
        List<Summary.Row> rows = summary.rows().stream().filter(r -> r.generator().equals(generator)).toList();
        Summary.Row closed = rows.stream().filter(r -> r.rate() == 0).findFirst().orElse(null);
        List<Double> rates = rows.stream().map(Summary.Row::rate).filter(r -> r > 0).distinct().sorted().toList();
        List<String> headings = new ArrayList<>(List.of("peer ÷ " + summary.baseline(), "generator"));
        if (closed != null) {
            headings.add("req/s, closed loop, " + closed.connections() + " conns, pipeline " + closed.pipeline());
        }
        for (double rate : rates) {
            headings.add("cpu µs/req at " + BenchOptions.rateLabel(rate) + " req/s");
        }
        StringBuilder b = new StringBuilder();
        b.append("| ").append(String.join(" | ", headings)).append(" |\n");
        b.append("|").append("---|".repeat(headings.size())).append('\n');
        List<String> peers = rows.stream().map(Summary.Row::peer).filter(p -> !p.equals(summary.baseline()))
                .distinct().toList();
        for (String peer : peers) {
            List<String> cells = new ArrayList<>(List.of(peer, generator));
            if (closed != null) {
                cells.add(find(rows, peer, closed.rate(), closed.connections(), closed.pipeline())
                        .map(r -> ResultTable.ratio(r, Metric.REQUESTS_PER_SEC, false)).orElse("n/a"));
            }
            for (double rate : rates) {
                cells.add(rows.stream().filter(r -> r.peer().equals(peer) && r.rate() == rate).findFirst()
                        .map(r -> ResultTable.ratio(r, Metric.CPU_US_PER_REQUEST, false)).orElse("n/a"));
            }
            b.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }
        int lines = peers.size();
        if (lines == 0) {
            return "";
        }
        b.append('\n').append(boundSteps(summary)).append('\n');
        return b.toString();
    }

    private static Optional<Summary.Row> find(List<Summary.Row> rows, String peer, double rate, int connections,
                                              int pipeline) {
        return rows.stream().filter(r -> r.peer().equals(peer) && r.rate() == rate && r.connections() == connections
                && r.pipeline() == pipeline).findFirst();
    }

    /** @return which rows, of any generator, had a generator-bound run and which a contended one */
    static String boundSteps(Summary summary) {
        List<String> bound = new ArrayList<>();
        List<String> contended = new ArrayList<>();
        for (Summary.Row r : summary.rows()) {
            if (r.generatorBoundRepeats() > 0) {
                bound.add(describe(r, r.generatorBoundRepeats()));
            }
            if (r.contendedRepeats() > 0) {
                contended.add(describe(r, r.contendedRepeats()));
            }
        }
        String text = bound.isEmpty() ? "Generator-bound runs: none."
                : "Generator-bound runs (the generator, not the server, was the limit): " + String.join("; ", bound)
                + ".";
        if (!contended.isEmpty()) {
            text += " Closed-loop runs in which neither the server nor the generator was the limit (their CPUs were"
                    + " shared, or they ran in lock-step): " + String.join("; ", contended) + ".";
        }
        return text;
    }

    private static String describe(Summary.Row r, int repeats) {
        return String.format(Locale.ROOT, "%s (%s, %s req/s, pipeline %d) %d/%d", r.peer(), r.generator(),
                BenchOptions.rateLabel(r.rate()), r.pipeline(), repeats, r.repeats());
    }
}
