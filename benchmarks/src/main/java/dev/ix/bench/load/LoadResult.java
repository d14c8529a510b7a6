package dev.ix.bench.load;

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
 * @param generatorCpu      CPU the generator used over the window, in cores (1.0 = one core busy), or {@code NaN}
 *                          when unknown
 * @param generatorThreads  threads the generator ran on (the cores it could use)
 */
public record LoadResult(String generator, long requests, long errors, double seconds, Percentiles latency,
                         Histogram histogram, Histogram sendLag, double generatorCpu, int generatorThreads) {

    /** @return responses per second over the measured window */
    public double requestsPerSecond() {
        return seconds > 0 ? requests / seconds : 0;
    }

    /**
     * @return whether the generator saturated its cores (at least 90 % busy): the server was then not the limit,
     *         and a ratio between peers says little
     */
    public boolean generatorBound() {
        return !Double.isNaN(generatorCpu) && generatorThreads > 0 && generatorCpu / generatorThreads >= 0.9;
    }
}
