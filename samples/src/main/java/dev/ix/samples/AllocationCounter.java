package dev.ix.samples;

import java.lang.management.ManagementFactory;

/**
 * The JVM's running total of heap bytes allocated, for {@code GET /stats/allocated-bytes} (here and in the benchmark
 * harness's other Java servers). Thread-safe.
 */
public final class AllocationCounter {

    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private AllocationCounter() {
    }

    /**
     * @return bytes allocated on the heap by all threads since the JVM started, dead threads included (the
     *         JVM calls it an approximation); {@code -1} if this JVM cannot measure it
     */
    public static long totalAllocatedBytes() {
        return THREADS == null ? -1 : THREADS.getTotalThreadAllocatedBytes();
    }

    private static com.sun.management.ThreadMXBean threads() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
                && bean.isThreadAllocatedMemorySupported()) {
            // On by default in HotSpot; switched on here in case a flag turned it off, since the count is the point.
            bean.setThreadAllocatedMemoryEnabled(true);
            return bean;
        }
        return null;
    }
}
