package dev.ix.transport;

import io.netty.util.internal.SystemPropertyUtil;

/**
 * The system properties of the transport: each a {@code *_PROP_NAME} / {@code *_DEFAULT} pair, read once when an
 * {@link IxIoHandlerConfig} is created with its defaults.
 */
public final class IxTransportProperties {
    /** Completions a loop turn handles at most (IX's batch bound): {@value}. */
    public static final String BATCH_LIMIT_PROP_NAME = "dev.ix.transport.batchLimit";
    /** Default of {@link #BATCH_LIMIT_PROP_NAME}: {@value}. */
    public static final int BATCH_LIMIT_DEFAULT = 64;

    /** Submission queue entries per loop: {@value}. */
    public static final String RING_ENTRIES_PROP_NAME = "dev.ix.transport.ringEntries";
    /** Default of {@link #RING_ENTRIES_PROP_NAME}: {@value}. */
    public static final int RING_ENTRIES_DEFAULT = 1024;

    /** Completion queue entries per loop (larger than the SQ: multishot operations post many CQEs): {@value}. */
    public static final String CQ_ENTRIES_PROP_NAME = "dev.ix.transport.cqEntries";
    /** Default of {@link #CQ_ENTRIES_PROP_NAME}: {@value}. */
    public static final int CQ_ENTRIES_DEFAULT = 8192;

    /** Size in bytes of one receive mbuf, a power of two: {@value}. */
    public static final String MBUF_SIZE_PROP_NAME = "dev.ix.transport.mbufSize";
    /** Default of {@link #MBUF_SIZE_PROP_NAME}: {@value} bytes. */
    public static final int MBUF_SIZE_DEFAULT = 2048;

    /** Receive mbufs per loop, a power of two up to 32768: {@value}. */
    public static final String MBUF_COUNT_PROP_NAME = "dev.ix.transport.mbufCount";
    /** Default of {@link #MBUF_COUNT_PROP_NAME}: {@value} (8 MiB per loop with the default size). */
    public static final int MBUF_COUNT_DEFAULT = 4096;

    /**
     * CPUs the loops are pinned to, loop {@code i} to the {@code i}-th entry (a comma-separated list, e.g.
     * {@code 1,2}; a range {@code 0-3} stands for its members); empty: no pinning. {@value}
     */
    public static final String CPUS_PROP_NAME = "dev.ix.transport.cpus";
    /** Default of {@link #CPUS_PROP_NAME}: {@value} (loops are not pinned). */
    public static final String CPUS_DEFAULT = "";

    /** How long one loop turn may run before the stall watchdog reports it, in milliseconds (0: off): {@value}. */
    public static final String STALL_BUDGET_MILLIS_PROP_NAME = "dev.ix.transport.stallBudgetMillis";
    /** Default of {@link #STALL_BUDGET_MILLIS_PROP_NAME}: {@value} ms. */
    public static final long STALL_BUDGET_MILLIS_DEFAULT = 100;

    /**
     * Whether a {@link io.netty.channel.DefaultFileRegion} built from a {@link java.io.File} is spliced file → pipe →
     * socket when the kernel has {@code IORING_OP_SPLICE} (else it is sent from a read-only mapping): {@value}.
     */
    public static final String SPLICE_PROP_NAME = "dev.ix.transport.splice";
    /** Default of {@link #SPLICE_PROP_NAME}: {@value}. */
    public static final boolean SPLICE_DEFAULT = true;

    /**
     * Threads of {@link IxBackground#shared()}; {@code 0} means 10 × {@link Runtime#availableProcessors()}:
     * {@value}.
     */
    public static final String BACKGROUND_THREADS_PROP_NAME = "dev.ix.transport.backgroundThreads";
    /**
     * Default of {@link #BACKGROUND_THREADS_PROP_NAME}: {@value}, i.e. 10 threads per CPU, as Reactor's
     * {@code boundedElastic}: background threads mostly wait on something, and they exist only while there is work.
     */
    public static final int BACKGROUND_THREADS_DEFAULT = 0;

    /** Tasks {@link IxBackground#shared()} queues while all its threads are busy, before it rejects: {@value}. */
    public static final String BACKGROUND_QUEUE_PROP_NAME = "dev.ix.transport.backgroundQueue";
    /** Default of {@link #BACKGROUND_QUEUE_PROP_NAME}: {@value} tasks. */
    public static final int BACKGROUND_QUEUE_DEFAULT = 4096;

    private IxTransportProperties() {
    }

    static int[] cpus() {
        return CpuAffinity.parseCpuList(SystemPropertyUtil.get(CPUS_PROP_NAME, CPUS_DEFAULT), CPUS_PROP_NAME);
    }

    static int backgroundThreads() {
        return SystemPropertyUtil.getInt(BACKGROUND_THREADS_PROP_NAME, BACKGROUND_THREADS_DEFAULT);
    }

    static int backgroundQueue() {
        return SystemPropertyUtil.getInt(BACKGROUND_QUEUE_PROP_NAME, BACKGROUND_QUEUE_DEFAULT);
    }

    static long stallBudgetMillis() {
        return SystemPropertyUtil.getLong(STALL_BUDGET_MILLIS_PROP_NAME, STALL_BUDGET_MILLIS_DEFAULT);
    }

    static int batchLimit() {
        return SystemPropertyUtil.getInt(BATCH_LIMIT_PROP_NAME, BATCH_LIMIT_DEFAULT);
    }

    static int ringEntries() {
        return SystemPropertyUtil.getInt(RING_ENTRIES_PROP_NAME, RING_ENTRIES_DEFAULT);
    }

    static int cqEntries() {
        return SystemPropertyUtil.getInt(CQ_ENTRIES_PROP_NAME, CQ_ENTRIES_DEFAULT);
    }

    static int mbufSize() {
        return SystemPropertyUtil.getInt(MBUF_SIZE_PROP_NAME, MBUF_SIZE_DEFAULT);
    }

    static int mbufCount() {
        return SystemPropertyUtil.getInt(MBUF_COUNT_PROP_NAME, MBUF_COUNT_DEFAULT);
    }

    static boolean splice() {
        return SystemPropertyUtil.getBoolean(SPLICE_PROP_NAME, SPLICE_DEFAULT);
    }
}
