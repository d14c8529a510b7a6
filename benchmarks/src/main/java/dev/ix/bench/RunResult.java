package dev.ix.bench;

import dev.ix.bench.load.LoadResult;
import dev.ix.bench.measure.GcCounts;
import dev.ix.bench.measure.JitCounts;

/**
 * One measured run: one peer, one repeat, one offered rate. A measure is {@code NaN} where it could not be taken
 * (no perf, no allocation counter, nothing received).
 *
 * @param peer                  the peer's name
 * @param repeat                1-based repeat number
 * @param rate                  offered requests/s, 0 for closed loop
 * @param connections           load generator connections
 * @param pipeline              requests in flight per connection at most (1 = no pipelining)
 * @param load                  what the load generator measured
 * @param syscallsPerRequest    server system calls per response
 * @param cpuMicrosPerRequest   server CPU time (user + system, all threads) per response, in µs
 * @param userMicrosPerRequest  the user-space part of it: the server's own code, without the kernel's work on its
 *                              behalf (on loopback that includes the generator's TCP receive path and its wake-ups,
 *                              which depend on how the generator behaves)
 * @param allocBytesPerRequest  bytes the server JVM allocated per response
 * @param rssBytes              server resident set size at the end of the run
 * @param serverCpuShare        the server's CPU over the measured window divided by the CPUs it may run on, 0..1
 * @param serverPinned          whether every server thread was allowed exactly the requested server CPUs
 * @param loadPinned            whether the generator was allowed exactly the requested load CPUs
 * @param gc                    the server JVM's garbage collections in the measured window, {@code null} where not
 *                              counted (nginx, or its performance counters could not be read)
 * @param jit                   what the server JVM's JIT compiled in the measured window, {@code null} where not
 *                              counted (as {@code gc})
 */
record RunResult(String peer, int repeat, double rate, int connections, int pipeline, LoadResult load,
                 double syscallsPerRequest, double cpuMicrosPerRequest, double userMicrosPerRequest,
                 double allocBytesPerRequest, double rssBytes, double serverCpuShare, boolean serverPinned,
                 boolean loadPinned, GcCounts gc, JitCounts jit) {

    /** @return young collections in the measured window, {@code NaN} where not counted */
    double youngGcs() {
        return gc == null ? Double.NaN : gc.young();
    }

    /** @return old (full) collections in the measured window, {@code NaN} where not counted */
    double oldGcs() {
        return gc == null ? Double.NaN : gc.old();
    }

    /** @return milliseconds spent in collections in the measured window, {@code NaN} where not counted */
    double gcPauseMillis() {
        return gc == null ? Double.NaN : gc.pauseMillis();
    }

    /** @return milliseconds the server JVM's compiler threads worked in the measured window, NaN if not counted */
    double jitMillis() {
        return jit == null ? Double.NaN : jit.compileMillis();
    }

    /**
     * A closed-loop run keeps its server or its generator busy: when neither used {@value LoadResult#BOUND_SHARE} of
     * the CPUs it owns, something else had them (another process on the pinned CPUs, or the hypervisor) or the two
     * ran in lock-step, each idle while the other worked; either way the run measured more than the peer.
     *
     * @return whether this is a closed-loop run in which neither the server nor the generator was the limit
     */
    boolean contended() {
        return rate == 0 && !load.generatorBound() && serverCpuShare < LoadResult.BOUND_SHARE;
    }
}
