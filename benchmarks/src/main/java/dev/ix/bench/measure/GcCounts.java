package dev.ix.bench.measure;

import java.io.IOException;
import java.util.Map;

/**
 * A JVM's garbage collections so far, as {@code jstat -gc} counts them, read from its performance counters
 * ({@link HsPerfData}) without attaching to it. Read before and after a window, {@link #minus(GcCounts)} gives the
 * collections in that window.
 *
 * <p>As jstat: young collections are collector 0's invocations ({@code YGC}), old collections collector 1's
 * ({@code FGC}: with the harness's ParallelGC, a full collection is the only one that collects the old
 * generation), and the pause time is every collector's accumulated time ({@code GCT}). For ParallelGC that time is
 * the stop-the-world collections themselves; the time threads take to reach the safepoint is not in it.
 *
 * @param young      young-generation collections
 * @param old        old-generation (full) collections
 * @param pauseNanos time spent in collections, nanoseconds
 */
public record GcCounts(long young, long old, long pauseNanos) {

    static final String YOUNG = "sun.gc.collector.0.invocations";
    static final String OLD = "sun.gc.collector.1.invocations";
    private static final String COLLECTOR = "sun.gc.collector.";
    private static final String TIME = ".time";

    /**
     * @param pid a HotSpot JVM of this machine run by this user (the harness's Java peers)
     * @return its collections so far
     * @throws IOException              if it publishes no performance data ({@link HsPerfData#read(long)} says why)
     * @throws IllegalArgumentException if its performance data is malformed or lacks the GC counters
     */
    public static GcCounts read(long pid) throws IOException {
        return HsPerfData.read(pid, GcCounts::of);
    }

    /**
     * @param counters a JVM's scalar long counters ({@link HsPerfData#longCounters})
     * @throws IllegalArgumentException if a counter jstat needs is missing or the clock frequency is not positive
     */
    static GcCounts of(Map<String, Long> counters) {
        double nanosPerTick = HsPerfData.nanosPerTick(counters);
        long ticks = 0;
        for (Map.Entry<String, Long> e : counters.entrySet()) {
            String name = e.getKey();
            if (name.startsWith(COLLECTOR) && name.endsWith(TIME)
                    && name.indexOf('.', COLLECTOR.length()) == name.length() - TIME.length()) {
                ticks += e.getValue();
            }
        }
        return new GcCounts(HsPerfData.counter(counters, YOUNG), HsPerfData.counter(counters, OLD),
                Math.round(ticks * nanosPerTick));
    }

    /** @return the collections since {@code before}, a reading of the same JVM */
    public GcCounts minus(GcCounts before) {
        return new GcCounts(young - before.young, old - before.old, pauseNanos - before.pauseNanos);
    }

    /** @return {@link #pauseNanos()} in milliseconds */
    public double pauseMillis() {
        return pauseNanos / 1e6;
    }
}
