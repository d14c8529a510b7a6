package dev.ix.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code --cross-check}: each closed-loop ratio to the baseline as the built-in generator measured it, beside the same
 * ratio as wrk measured it in the same repeats. A ratio a reader cannot reproduce with wrk is not a result, so the
 * two must agree within their spread: here, the ranges of their per-repeat ratios overlap. Where they do not, the
 * report says so.
 */
final class CrossCheck {

    /** The metrics compared: the throughput and the cost a headline quotes. */
    static final List<Metric> METRICS = List.of(Metric.REQUESTS_PER_SEC, Metric.CPU_US_PER_REQUEST);

    /**
     * One ratio under both generators.
     *
     * @param peer        the peer whose ratio it is
     * @param connections the step's connections (the rate is closed loop)
     * @param pipeline    the step's pipeline depth
     * @param metric      what is compared
     * @param builtin     the built-in generator's row statistic ({@link Summary.Stat#ratio()} and its range)
     * @param builtinName how the built-in generator ran, e.g. {@code builtin/epoll}
     * @param wrk         wrk's
     */
    record Comparison(String peer, int connections, int pipeline, Metric metric, Summary.Stat builtin, String builtinName,
                      Summary.Stat wrk) {

        /** @return whether the two ranges of per-repeat ratios overlap; false when either is unknown */
        boolean agree() {
            if (Double.isNaN(builtin.ratioMin()) || Double.isNaN(wrk.ratioMin())) {
                return false;
            }
            return builtin.ratioMin() <= wrk.ratioMax() && wrk.ratioMin() <= builtin.ratioMax();
        }

        String verdict() {
            if (Double.isNaN(builtin.ratioMin()) || Double.isNaN(wrk.ratioMin())) {
                return "no verdict: a ratio is missing";
            }
            return agree() ? "agree (their ranges overlap)" : "DO NOT agree (their ranges do not overlap)";
        }
    }

    private CrossCheck() {
    }

    /** @return every closed-loop ratio that both the built-in generator and wrk measured, peer by peer */
    static List<Comparison> of(Summary summary) {
        List<Comparison> comparisons = new ArrayList<>();
        for (Summary.Row row : summary.rows()) {
            if (row.rate() != 0 || !row.generator().startsWith("builtin") || row.peer().equals(summary.baseline())) {
                continue;
            }
            for (Summary.Row other : summary.rows()) {
                if (other.rate() == 0 && other.generator().equals("wrk") && other.peer().equals(row.peer())
                        && other.connections() == row.connections() && other.pipeline() == row.pipeline()) {
                    for (Metric m : METRICS) {
                        comparisons.add(new Comparison(row.peer(), row.connections(), row.pipeline(), m,
                                row.stat(m), row.generator(), other.stat(m)));
                    }
                }
            }
        }
        return comparisons;
    }

    /** @return one line per comparison, for the terminal and summary.md; empty when there is none */
    static String text(Summary summary) {
        StringBuilder b = new StringBuilder();
        for (Comparison c : of(summary)) {
            b.append(String.format(Locale.ROOT,
                    "cross-check %s ÷ %s, %s, closed loop, %d conns, pipeline %d: %s %s, wrk %s: %s%n", c.peer(),
                    summary.baseline(), c.metric().heading, c.connections(), c.pipeline(), c.builtinName(),
                    ratio(c.builtin()), ratio(c.wrk()), c.verdict()));
        }
        return b.toString();
    }

    private static String ratio(Summary.Stat s) {
        return String.format(Locale.ROOT, "%.2f [%.2f–%.2f]", s.ratio(), s.ratioMin(), s.ratioMax());
    }
}
