package dev.ix.transport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What one loop is doing, for the {@link LoopMonitor} and the metrics: whether it is working or waiting in
 * {@code io_uring_enter}, since when, how long it has worked in total, and how many completions each turn carried.
 *
 * <p>Single writer: the loop thread, with plain or opaque stores (a {@code mov} on x86, no fence), so keeping count
 * costs the loop next to nothing. Readers on other threads use the opaque getters and see values at most a moment
 * old; nothing here is exact across threads, and nothing needs to be.
 *
 * <pre>
 *   loop:  ..wait..|turn 1 |turn 2 |..wait..|turn 3 ......................|
 *                  ^ busySince               ^ busySince  (a turn that never ends is a stall)
 *   busyNanos grows by each stretch between turnStarted/waiting
 * </pre>
 */
final class LoopActivity {
    /** {@link #busySince} while the loop waits for completions. */
    static final long WAITING = Long.MIN_VALUE;
    /** Buckets of the completions-per-turn histogram: 0, 1, 2–3, 4–7, … , 2048–4095, 4096 and more. */
    static final int TURN_SIZE_BUCKETS = 14;

    private static final VarHandle BUSY_SINCE;
    private static final VarHandle BUSY_NANOS;
    private static final VarHandle TURNS;
    private static final VarHandle COMPLETIONS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            BUSY_SINCE = lookup.findVarHandle(LoopActivity.class, "busySince", long.class);
            BUSY_NANOS = lookup.findVarHandle(LoopActivity.class, "busyNanos", long.class);
            TURNS = lookup.findVarHandle(LoopActivity.class, "turns", long.class);
            COMPLETIONS = lookup.findVarHandle(LoopActivity.class, "completions", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    private long busySince = WAITING;
    @SuppressWarnings("unused")
    private long busyNanos;
    @SuppressWarnings("unused")
    private long turns;
    @SuppressWarnings("unused")
    private long completions;
    private final long[] turnSizes = new long[TURN_SIZE_BUCKETS];

    /** Loop thread: a turn begins (completions are about to be handled) at {@code nowNanos}. */
    void turnStarted(long nowNanos) {
        long since = (long) BUSY_SINCE.get(this);
        if (since != WAITING) {
            BUSY_NANOS.setOpaque(this, (long) BUSY_NANOS.get(this) + (nowNanos - since));
        }
        BUSY_SINCE.setRelease(this, nowNanos);
    }

    /** Loop thread: the loop is about to wait for completions at {@code nowNanos}. */
    void waiting(long nowNanos) {
        long since = (long) BUSY_SINCE.get(this);
        if (since != WAITING) {
            BUSY_NANOS.setOpaque(this, (long) BUSY_NANOS.get(this) + (nowNanos - since));
        }
        BUSY_SINCE.setRelease(this, WAITING);
    }

    /** Loop thread: the turn handled {@code n} completions. */
    void turnEnded(int n) {
        TURNS.setOpaque(this, (long) TURNS.get(this) + 1);
        COMPLETIONS.setOpaque(this, (long) COMPLETIONS.get(this) + n);
        turnSizes[bucket(n)]++;
    }

    static int bucket(int completions) {
        return completions == 0 ? 0 : Math.min(TURN_SIZE_BUCKETS - 1, 32 - Integer.numberOfLeadingZeros(completions));
    }

    /** @return the range of completions bucket {@code b} counts: {@code 0}, {@code 1}, {@code 2-3}, … {@code 4096+} */
    static String bucketLabel(int b) {
        if (b <= 1) {
            return Integer.toString(b);
        }
        int low = 1 << (b - 1);
        return b == TURN_SIZE_BUCKETS - 1 ? low + "+" : low + "-" + (2 * low - 1);
    }

    /** @return the {@link System#nanoTime()} at which the current turn began, or {@link #WAITING} */
    long busySince() {
        return (long) BUSY_SINCE.getAcquire(this);
    }

    /**
     * @param nowNanos the reader's {@link System#nanoTime()}
     * @return nanoseconds spent working so far, including the turn in progress
     */
    long busyNanos(long nowNanos) {
        for (;;) {
            long since = busySince();
            long total = (long) BUSY_NANOS.getAcquire(this);
            // The loop adds the stretch to the total and then moves busySince: a changed busySince means the
            // total read may already hold the stretch counted from the old one. (A read that falls between the
            // loop's two stores can still count one stretch twice; the figure is a sample, not a ledger.)
            if (since == busySince()) {
                return since == WAITING || nowNanos - since < 0 ? total : total + (nowNanos - since);
            }
        }
    }

    long turns() {
        return (long) TURNS.getOpaque(this);
    }

    long completions() {
        return (long) COMPLETIONS.getOpaque(this);
    }

    /** @return a copy of the completions-per-turn histogram (bucket {@code i} as in {@link #bucket(int)}) */
    long[] turnSizes() {
        return turnSizes.clone();
    }
}
