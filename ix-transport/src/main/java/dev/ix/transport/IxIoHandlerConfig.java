package dev.ix.transport;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Settings of one {@link IxIoHandler} (one event loop). Immutable; each {@code with*} returns a validated copy.
 * Defaults come from {@link IxTransportProperties}.
 */
public final class IxIoHandlerConfig {
    private final int batchLimit;
    private final int ringEntries;
    private final int cqEntries;
    private final int mbufSize;
    private final int mbufCount;
    private final int[] cpus;
    private final long stallBudgetNanos;
    private final String threadNamePrefix;

    private IxIoHandlerConfig(int batchLimit, int ringEntries, int cqEntries, int mbufSize, int mbufCount, int[] cpus,
                              long stallBudgetNanos, String threadNamePrefix) {
        this.batchLimit = checkRange("batchLimit", batchLimit, 1, 4096);
        this.ringEntries = checkPowerOfTwo("ringEntries", ringEntries, 2, 32768);
        this.cqEntries = checkPowerOfTwo("cqEntries", cqEntries, ringEntries, 65536);
        this.mbufSize = checkPowerOfTwo("mbufSize", mbufSize, 256, 65536);
        this.mbufCount = checkPowerOfTwo("mbufCount", mbufCount, 1, 32768);
        for (int cpu : cpus) {
            checkRange("cpu", cpu, 0, CpuAffinity.MAX_CPU);
        }
        this.cpus = cpus.clone();
        if (stallBudgetNanos < 0) {
            throw new IllegalArgumentException("stallBudgetNanos: " + stallBudgetNanos + " (expected: >= 0, 0 = off)");
        }
        this.stallBudgetNanos = stallBudgetNanos;
        this.threadNamePrefix = threadNamePrefix;
    }

    /** @return the defaults, from system properties where set */
    public static IxIoHandlerConfig defaults() {
        return new IxIoHandlerConfig(IxTransportProperties.batchLimit(), IxTransportProperties.ringEntries(),
                IxTransportProperties.cqEntries(), IxTransportProperties.mbufSize(), IxTransportProperties.mbufCount(),
                IxTransportProperties.cpus(), TimeUnit.MILLISECONDS.toNanos(IxTransportProperties.stallBudgetMillis()),
                null);
    }

    private static int checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + ".." + max + ")");
        }
        return value;
    }

    private static int checkPowerOfTwo(String name, int value, int min, int max) {
        if (value < min || value > max || Integer.bitCount(value) != 1) {
            throw new IllegalArgumentException(
                    name + ": " + value + " (expected: a power of two in " + min + ".." + max + ")");
        }
        return value;
    }

    /** @param batchLimit completions handled per loop turn at most, 1..4096 */
    public IxIoHandlerConfig withBatchLimit(int batchLimit) {
        return new IxIoHandlerConfig(batchLimit, ringEntries, cqEntries, mbufSize, mbufCount, cpus, stallBudgetNanos,
                threadNamePrefix);
    }

    /** @param ringEntries submission queue entries, a power of two in 2..32768 */
    public IxIoHandlerConfig withRingEntries(int ringEntries) {
        return new IxIoHandlerConfig(batchLimit, ringEntries, Math.max(cqEntries, ringEntries), mbufSize, mbufCount,
                cpus, stallBudgetNanos, threadNamePrefix);
    }

    /** @param cqEntries completion queue entries, a power of two, at least the SQ size, at most 65536 */
    public IxIoHandlerConfig withCqEntries(int cqEntries) {
        return new IxIoHandlerConfig(batchLimit, ringEntries, cqEntries, mbufSize, mbufCount, cpus, stallBudgetNanos,
                threadNamePrefix);
    }

    /** @param mbufSize bytes per receive mbuf, a power of two in 256..65536 */
    public IxIoHandlerConfig withMbufSize(int mbufSize) {
        return new IxIoHandlerConfig(batchLimit, ringEntries, cqEntries, mbufSize, mbufCount, cpus, stallBudgetNanos,
                threadNamePrefix);
    }

    /** @param mbufCount receive mbufs per loop, a power of two in 1..32768 */
    public IxIoHandlerConfig withMbufCount(int mbufCount) {
        return new IxIoHandlerConfig(batchLimit, ringEntries, cqEntries, mbufSize, mbufCount, cpus, stallBudgetNanos,
                threadNamePrefix);
    }

    /**
     * Pins loop {@code i} of a group to {@code cpus[i % cpus.length]} ({@code sched_setaffinity} on the loop thread,
     * which is then named {@code ix-loop-<group>-<i>@cpu<n>}), as IX gives each dataplane its own core. A CPU the
     * process may not run on is reported once at WARN and the loop runs unpinned.
     *
     * @param cpus CPU numbers 0..1023; none: no pinning
     */
    public IxIoHandlerConfig withCpus(int... cpus) {
        return new IxIoHandlerConfig(batchLimit, ringEntries, cqEntries, mbufSize, mbufCount, cpus, stallBudgetNanos,
                threadNamePrefix);
    }

    /**
     * {@link #withCpus(int...)} from a CPU list in taskset's syntax.
     *
     * @param cpuList e.g. {@code 1,2} or {@code 0-3}; blank: no pinning
     * @throws IllegalArgumentException naming the bad entry
     */
    public IxIoHandlerConfig withCpus(String cpuList) {
        return withCpus(CpuAffinity.parseCpuList(cpuList, "cpus"));
    }

    /**
     * @param budget   how long one loop turn may run before the stall watchdog logs it with the loop thread's stack
     *                 and counts it; 0 turns the watchdog off for these loops
     * @param unit     the unit of {@code budget}
     */
    public IxIoHandlerConfig withStallBudget(long budget, TimeUnit unit) {
        return new IxIoHandlerConfig(batchLimit, ringEntries, cqEntries, mbufSize, mbufCount, cpus,
                unit.toNanos(budget), threadNamePrefix);
    }

    /**
     * Names the loop threads {@code <prefix>-<i>} ({@code @cpu<n>} added when pinned) instead of
     * {@code ix-loop-<group>-<i>}, e.g. {@code reactor-http-ix} for Reactor Netty's naming. Loops are numbered per
     * group from 0.
     *
     * @param prefix the thread name prefix; null: the default naming
     */
    public IxIoHandlerConfig withThreadNamePrefix(String prefix) {
        return new IxIoHandlerConfig(batchLimit, ringEntries, cqEntries, mbufSize, mbufCount, cpus, stallBudgetNanos,
                prefix);
    }

    /** @return the thread name prefix of {@link #withThreadNamePrefix}, or null for {@code ix-loop-<group>} */
    public String threadNamePrefix() {
        return threadNamePrefix;
    }

    public int batchLimit() {
        return batchLimit;
    }

    public int ringEntries() {
        return ringEntries;
    }

    public int cqEntries() {
        return cqEntries;
    }

    public int mbufSize() {
        return mbufSize;
    }

    public int mbufCount() {
        return mbufCount;
    }

    /** @return the CPUs loops are pinned to, loop {@code i} to entry {@code i % length}; empty: not pinned */
    public int[] cpus() {
        return cpus.clone();
    }

    /** @return the stall budget in nanoseconds; 0: no stall watchdog */
    public long stallBudgetNanos() {
        return stallBudgetNanos;
    }

    /** @return the CPU loop {@code index} is pinned to, or -1 */
    int cpuOf(int index) {
        return cpus.length == 0 ? -1 : cpus[index % cpus.length];
    }

    @Override
    public String toString() {
        return "IxIoHandlerConfig(batchLimit=" + batchLimit + ", ringEntries=" + ringEntries + ", cqEntries="
                + cqEntries + ", mbufSize=" + mbufSize + ", mbufCount=" + mbufCount + ", cpus=" + Arrays.toString(cpus)
                + ", stallBudgetNanos=" + stallBudgetNanos
                + (threadNamePrefix == null ? "" : ", threadNamePrefix=" + threadNamePrefix) + ')';
    }
}
