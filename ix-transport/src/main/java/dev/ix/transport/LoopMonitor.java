package dev.ix.transport;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The stall watchdog (IX's protection against a handler that never returns): one daemon thread for all loops of
 * the process looks at each loop a few times per stall budget; a loop whose current turn has run longer than its
 * budget is counted once and reported with its thread's stack. Once a second it also samples each loop's busy
 * fraction and mean turn length ({@link IxLoop#busyFraction()}).
 *
 * <p>It only reads what the loops publish in their {@link LoopActivity} (no lock or fence on the loop's path). The
 * thread runs while some loop is alive and exits with the last one.
 */
final class LoopMonitor implements Runnable {
    static final LoopMonitor INSTANCE = new LoopMonitor();
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(LoopMonitor.class);
    /** A loop that keeps stalling is logged at most this often; every stall is counted. */
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Stalls this soon after a loop started are logged at INFO without a stack: start-up, not a blocking handler. */
    static final long WARMUP_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long MIN_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    /** How often each loop's busy fraction and turn length are sampled. */
    static final long SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Copied on every change, so that each look iterates an array instead of allocating an iterator (a
     * {@code CopyOnWriteArrayList}'s) up to 200 times a second.
     */
    private volatile IxLoop[] loops = new IxLoop[0];
    private Thread thread;
    private long lastSampleNanos = System.nanoTime();

    private LoopMonitor() {
    }

    synchronized void add(IxLoop loop) {
        IxLoop[] l = Arrays.copyOf(loops, loops.length + 1);
        l[l.length - 1] = loop;
        loops = l;
        if (thread == null) {
            thread = new Thread(this, "ix-loop-monitor");
            thread.setDaemon(true);
            thread.start();
        }
    }

    synchronized void remove(IxLoop loop) {
        IxLoop[] l = loops;
        for (int i = 0; i < l.length; i++) {
            if (l[i] == loop) {
                IxLoop[] without = Arrays.copyOf(l, l.length - 1);
                System.arraycopy(l, i + 1, without, i, l.length - i - 1);
                loops = without;
                return;
            }
        }
    }

    @Override
    public void run() {
        CpuAffinity.resetCurrentThread();
        long lastCheck = System.nanoTime();
        long period = MAX_PERIOD_NANOS;
        for (;;) {
            synchronized (this) {
                if (loops.length == 0) {
                    thread = null;
                    return;
                }
            }
            long now = System.nanoTime();
            // Overslept by much more than the period: the whole JVM stood still (a GC or another safepoint), this
            // thread and the loops alike. A loop turn that spans it was not blocked by its handler; if the loop is
            // still stuck after it, the next look counts it.
            boolean jvmPaused = now - lastCheck > 2 * period + MIN_PERIOD_NANOS;
            lastCheck = now;
            period = MAX_PERIOD_NANOS;
            boolean sample = now - lastSampleNanos >= SAMPLE_NANOS;
            if (sample) {
                lastSampleNanos = now;
            }
            for (IxLoop loop : loops) {
                if (sample) {
                    loop.sample(now);
                }
                long budget = loop.stallBudgetNanos();
                if (budget > 0) {
                    if (!jvmPaused && !loop.isStopping()) {
                        check(loop, budget, now);
                    }
                    period = Math.min(period, Math.max(MIN_PERIOD_NANOS, budget / 4));
                }
            }
            LockSupport.parkNanos(this, period);
        }
    }

    /** Counts and reports the loop's current turn if it has run past {@code budget}; once per turn. */
    static void check(IxLoop loop, long budget, long now) {
        long since = loop.activity.busySince();
        if (since == LoopActivity.WAITING || now - since <= budget || since == loop.lastStallStart) {
            return;
        }
        loop.lastStallStart = since;
        loop.counters.stall();
        Thread t = loop.thread();
        StallReport report = new StallReport(loop, now - since, budget, t);
        loop.lastStall = report;
        long stalls = loop.counters.stalls();
        if (now - loop.startedNanos() < WARMUP_NANOS) {
            // A loop's first requests load and compile the pipeline's classes: such a stall is counted like any
            // other, but is no reason to alarm anyone.
            logger.info("{} (during the loop's first {} s: likely class loading and JIT warm-up)",
                    report.getMessage(), TimeUnit.NANOSECONDS.toSeconds(WARMUP_NANOS));
            return;
        }
        if (loop.stallsAtLastLog == 0 || now - loop.lastStallLogNanos >= LOG_INTERVAL_NANOS) {
            long unlogged = stalls - loop.stallsAtLastLog - 1;
            loop.lastStallLogNanos = now;
            loop.stallsAtLastLog = stalls;
            logger.warn(report.getMessage() + (unlogged > 0 ? " (" + unlogged + " more stall(s) since the last"
                    + " report)" : "") + "; the loop thread's stack follows", report);
        }
    }

    /** A stall, with the loop thread's stack at the moment it was seen as its own. */
    static final class StallReport extends Throwable {
        private static final long serialVersionUID = 1L;

        StallReport(IxLoop loop, long elapsedNanos, long budgetNanos, Thread t) {
            super(loop + " has been running one turn for " + TimeUnit.NANOSECONDS.toMillis(elapsedNanos)
                    + " ms (stall budget " + TimeUnit.NANOSECONDS.toMillis(budgetNanos) + " ms): a handler or task is"
                    + " blocking its event loop and every connection of the loop waits. Move blocking work off the"
                    + " loop (IxBackground)", null, false, true);
            if (t != null) {
                setStackTrace(t.getStackTrace());
            }
        }
    }
}
