package dev.ix.bench;

import dev.ix.bench.peer.Peer;
import java.time.Duration;
import java.util.List;

/**
 * The warm-up of one server that a sweep then measures at every rate, from the lowest up, as IX's mutilate runs swept
 * a running memcached: {@link BenchOptions#warmup()} at the lowest rate; one unmeasured {@link #PER_RATE} at every
 * rate; then, for a JVM, the lowest rate until its JIT settles ({@link JitSettle}).
 *
 * <p>Why every rate once: a JIT that has only seen the lowest rate meets new paths at each higher one (bigger batches,
 * a full submission queue) and compiled for up to a second there, inside the measured window (kv: 428-541 ms of a 3 s
 * step at each new rate, 1 242 ms in one). Why one server for the sweep: a fresh JVM per rate is a JVM that has just
 * compiled; a server in production has run for hours.
 */
final class SweepWarmUp {

    /** The unmeasured load at each rate before the measured pass. */
    static final Duration PER_RATE = Duration.ofSeconds(1);

    /** A load of the server at one rate. */
    interface Load {
        /**
         * @param rate     offered requests/s
         * @param duration how long
         */
        void run(double rate, Duration duration) throws Exception;
    }

    private SweepWarmUp() {
    }

    /** @return the warm-up's planned seconds, the JIT's settling apart, for the progress bar */
    static double plannedSeconds(BenchOptions o, int rates) {
        return o.warmup().isZero() ? 0 : (o.warmup().toMillis() + rates * PER_RATE.toMillis()) / 1000.0;
    }

    /**
     * @param ascending the sweep's offered rates, requests/s, from the lowest
     * @param jit       the server's compilations so far
     * @param what      the run, for the progress line
     */
    static void run(BenchOptions o, Peer peer, List<Double> ascending, Load load, JitSettle.Reading jit,
                    Progress progress, String what) throws Exception {
        double lowest = ascending.getFirst();
        if (!o.warmup().isZero()) {
            progress.step(what + "  warm-up");
            load.run(lowest, o.warmup());
            progress.step(what + "  warm-up at every rate");
            for (double rate : ascending) {
                load.run(rate, PER_RATE);
            }
        }
        if (peer.runsOnJvm() && !o.jitSettle().isZero()) {
            JitSettle.settle(jit, () -> load.run(lowest, BenchOptions.JIT_SETTLE_STEP), o.jitSettle(), progress, what);
        }
    }
}
