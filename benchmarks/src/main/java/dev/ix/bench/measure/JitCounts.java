package dev.ix.bench.measure;

import java.io.IOException;
import java.util.Map;

/**
 * A JVM's just-in-time compilations so far, read from its performance counters ({@link HsPerfData}) without attaching
 * to it, as {@code jstat -compiler} reads them. The compiler threads of a server pinned to one CPU take that CPU from
 * its event loop while they work, so compilation time in a measured window is time the server was not serving:
 * the harness warms a JVM peer up until its JIT has settled, and reports what it still compiled in the window.
 *
 * @param compiles    methods compiled (standard and on-stack replacement), {@code sun.ci.totalCompiles}
 * @param compileNanos time the compiler threads spent compiling, nanoseconds ({@code java.ci.totalTime})
 */
public record JitCounts(long compiles, long compileNanos) {

    static final String COMPILES = "sun.ci.totalCompiles";
    static final String TIME = "java.ci.totalTime";

    /**
     * @param pid a HotSpot JVM of this machine run by this user
     * @return its compilations so far
     * @throws IOException              if it publishes no performance data ({@link HsPerfData#read(long)} says why)
     * @throws IllegalArgumentException if its performance data is malformed or lacks the compiler's counters
     */
    public static JitCounts read(long pid) throws IOException {
        return HsPerfData.read(pid, JitCounts::of);
    }

    /**
     * @param counters a JVM's scalar long counters ({@link HsPerfData#longCounters})
     * @throws IllegalArgumentException if a counter is missing or the clock frequency is not positive
     */
    static JitCounts of(Map<String, Long> counters) {
        return new JitCounts(HsPerfData.counter(counters, COMPILES),
                Math.round(HsPerfData.counter(counters, TIME) * HsPerfData.nanosPerTick(counters)));
    }

    /** @return the compilations since {@code before}, a reading of the same JVM */
    public JitCounts minus(JitCounts before) {
        return new JitCounts(compiles - before.compiles, compileNanos - before.compileNanos);
    }

    /** @return {@link #compileNanos()} in milliseconds */
    public double compileMillis() {
        return compileNanos / 1e6;
    }
}
