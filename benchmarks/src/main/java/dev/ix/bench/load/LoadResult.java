package dev.ix.bench.load;

import dev.ix.bench.measure.ProcStat;
import org.HdrHistogram.Histogram;

/**
 * What one load run measured, whichever generator produced it (the built-in one, wrk or wrk2).
 *
 * @param generator         how the load was made: "builtin/epoll", "builtin/ix", "builtin/nio" (the built-in
 *                          generator on that transport), "wrk" or "wrk2"
 * @param requests          responses received in the measured window
 * @param errors            connect, read and write errors, timeouts and non-2xx/3xx responses, all together
 * @param seconds           length of the measured window
 * @param latency           percentiles in µs; for an open-loop run measured from each request's intended send time
 *                          (coordinated-omission free)
 * @param histogram         the full latency histogram in µs, or {@code null} when the generator gives none (wrk);
 *                          ownership passes to the caller. The built-in generator's holds every response, every
 *                          timed-out request (to when it was given up) and every request left unsent at the
 *                          window's end, each from its intended send time
 * @param sendLag           actual minus intended send time of each request sent in the window (and of each left
 *                          unsent, to the window's end), µs; all zeros in a closed loop; {@code null} for wrk
 * @param generatorCpu      CPU the generator's process used over the window, in cores (1.0 = one core busy), or
 *                          {@code NaN} when unknown
 * @param generatorCpus     the CPUs the generator's process was allowed to run on, as the kernel lists them
 *                          ({@code Cpus_allowed_list}, e.g. {@code 0} or {@code 0-1}), or {@code null} when unknown
 */
public record LoadResult(String generator, long requests, long errors, double seconds, Percentiles latency,
                         Histogram histogram, Histogram sendLag, double generatorCpu, String generatorCpus) {

    /** The share of each of its CPUs a generator must keep busy to count as the limit. */
    public static final double BOUND_SHARE = 0.9;

    /** @return responses per second over the measured window */
    public double requestsPerSecond() {
        return seconds > 0 ? requests / seconds : 0;
    }

    /**
     * Judged per core the generator owns: its process's CPU over the window divided by the CPUs it may run on. A
     * generator pinned to one CPU that keeps it 90 % busy is the limit whatever its thread count; one allowed two
     * CPUs is the limit at 1.8 cores.
     *
     * @return whether the generator saturated its CPUs ({@value #BOUND_SHARE} of each or more): the server was then
     *         not the limit, and a ratio against this run says little
     */
    public boolean generatorBound() {
        return bound(generatorCpu, generatorCpus);
    }

    /**
     * @param cores CPU used, in cores; NaN when unknown (never bound)
     * @param cpus  the CPUs owned, a CPU list; null when unknown (never bound)
     * @return whether {@code cores} is at least {@value #BOUND_SHARE} of every CPU in {@code cpus}
     */
    static boolean bound(double cores, String cpus) {
        if (Double.isNaN(cores) || cpus == null) {
            return false;
        }
        int owned = ProcStat.cpuSet(cpus).cardinality();
        return owned > 0 && cores / owned >= BOUND_SHARE;
    }
}
