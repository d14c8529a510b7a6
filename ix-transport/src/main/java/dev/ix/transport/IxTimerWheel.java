package dev.ix.transport;

import io.netty.util.internal.ObjectUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * A hashed timing wheel owned by one event loop: the loop calls {@link #expire(long)} every turn and bounds its wait
 * with {@link #nanosUntilNextDeadline(long)} (IX keeps timeouts on a per-core wheel the same way).
 * <pre>
 *   tickNanos = 1 ms, wheelSize = 8 (the real minimum is 16); tick k ends at startNanos + k * tickNanos
 *
 *          cursor = last processed tick (here tick 9, bucket 9 &amp; 7 = 1); expire() walks right from it
 *                 v
 *   bucket    0    1    2    3    4    5    6    7
 *          +----+----+----+----+----+----+----+----+
 *          |    |    | A  |    | B  |    |    | C  |      A due at tick 10, D at tick 18 (one revolution later),
 *          +----+----+-+--+----+-+--+----+----+-+--+      B at tick 12, C at tick 31 (two revolutions later)
 *                      |         |              |
 *                    A r=0     B r=0          C r=2       r = rounds: visits of the cursor that must pass first
 *                      |
 *                    D r=1
 *   occupied   0    0    1    0    1    0    0    1       bitmap of non-empty buckets, 64 buckets per long
 *   dueCount   0    0    1    0    1    0    0    0       timers with r = 0 per bucket (A, B; not D, not C)
 *   due        0    0    1    0    1    0    0    0       bitmap of buckets whose dueCount &gt; 0
 *   farFloor = 18 (or less)                              no timer with r &gt; 0 (D, C) is due before this tick
 * </pre>
 * A timer with deadline {@code d} goes into the bucket of tick {@code ceil((d - startNanos) / tickNanos)}: it fires
 * at the first {@code expire(now)} whose {@code now} has reached the end of that tick, so never before its deadline
 * and at most one tick after it (plus however late the loop calls {@code expire}). Timers that are already due when
 * scheduled (negative delay, or a tick the wheel has passed) wait in a pending list and fire at the next
 * {@code expire} call; a timer scheduled from inside {@link IxTimer#expired(long)} never fires in the same call.
 * <p>
 * {@link #nanosUntilNextDeadline(long)} bounds the loop's sleep without waking it once per occupied bucket for
 * timers that are revolutions away: a timer with {@code r = 0} fires exactly at the next visit of its bucket, so the
 * first bucket of the {@code due} bitmap gives the earliest deadline exactly; when no bucket is due, every timer is
 * at least one revolution away and the bound is {@code farFloor}, a lower bound of their ticks kept on schedule and
 * made exact again whenever expire jumps more than a revolution (it visits every timer then). An idle loop with only
 * far timers (idle timeouts of keep-alive connections) thus sleeps until the earliest of them, or, when cancellations
 * left {@code farFloor} stale, about one revolution first.
 * <p>
 * The wheel has no clock: every method that needs the time takes {@code nowNanos}, a {@link System#nanoTime()}-style
 * value that may be negative or wrap, compared only by subtraction. Time must not run backwards between calls.
 * <p>
 * <b>Threading:</b> not thread-safe, no locks, no atomics. Every method MUST be called from the owning loop thread.
 * Scheduling, cancelling, rescheduling and expiring allocate nothing (the lists are intrusive, the arrays
 * pre-allocated); only {@link #schedule(Runnable, long, long)} allocates its wrapper timer.
 */
public final class IxTimerWheel {
    /** Default tick of {@link #withDefaults(long)}: {@value} ns (1 ms). */
    public static final long DEFAULT_TICK_NANOS = 1_000_000L;
    /** Default bucket count of {@link #withDefaults(long)}: {@value}, one revolution = 512 ms. */
    public static final int DEFAULT_WHEEL_SIZE = 512;
    /** Longest delay honoured, {@value} ns (~146 years); longer delays are clamped so tick arithmetic cannot wrap. */
    public static final long MAX_DELAY_NANOS = Long.MAX_VALUE >> 1;

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(IxTimerWheel.class);
    private static final int NO_BUCKET = -1;

    private final long tickNanos;
    private final int wheelSize;
    private final int mask;
    private final long startNanos;
    /** List heads: buckets 0..wheelSize-1, then two pending lists (alternating per expire call), then holding. */
    private final IxTimer[] heads;
    private final int holding;
    /** Bit b set when bucket b (or, while b is being processed, the holding list) has a timer. */
    private final long[] occupied;
    /** Per bucket (holding list included while it is processed): timers with rounds == 0, due at its next visit. */
    private final int[] dueCount;
    /** Bit b set when dueCount[b] > 0. */
    private final long[] due;
    /** Lower bound of the tick of every timer with rounds > 0; may be stale (too low) after cancels. */
    private long farFloor = Long.MAX_VALUE;
    /** farFloor being recomputed by a jump of more than a revolution, which visits every timer. */
    private long jumpFarFloor = Long.MAX_VALUE;

    /** Last tick whose bucket the cursor has processed; ticks count from startNanos. */
    private long processedTick;
    /** Timers whose tick is <= dueTick go to the pending list; > processedTick only while expiring. */
    private long dueTick;
    private int pendingList;
    /** Bucket being drained by expire, whose survivors and newcomers wait in the holding list; else NO_BUCKET. */
    private int processingBucket = NO_BUCKET;
    private boolean expiring;
    private int size;

    /**
     * Creates a wheel whose tick 0 ends at {@code nowNanos}. Call from the loop thread that will own it.
     *
     * @param tickNanos granularity in nanoseconds, at least 1000 (1 µs); timers fire at most one tick late
     * @param wheelSize number of buckets, a power of two in 16..65536; one revolution is {@code tickNanos * wheelSize}
     * @param nowNanos  the current {@link System#nanoTime()}
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public IxTimerWheel(long tickNanos, int wheelSize, long nowNanos) {
        if (tickNanos < 1000) {
            throw new IllegalArgumentException("tickNanos: " + tickNanos + " (expected: >= 1000)");
        }
        if (wheelSize < 16 || wheelSize > 65536 || Integer.bitCount(wheelSize) != 1) {
            throw new IllegalArgumentException("wheelSize: " + wheelSize + " (expected: a power of two in 16..65536)");
        }
        this.tickNanos = tickNanos;
        this.wheelSize = wheelSize;
        this.mask = wheelSize - 1;
        this.startNanos = nowNanos;
        this.heads = new IxTimer[wheelSize + 3];
        this.pendingList = wheelSize;
        this.holding = wheelSize + 2;
        this.occupied = new long[Math.max(1, wheelSize >>> 6)];
        this.dueCount = new int[wheelSize];
        this.due = new long[occupied.length];
    }

    /**
     * Creates a wheel with a {@value #DEFAULT_TICK_NANOS} ns tick and {@value #DEFAULT_WHEEL_SIZE} buckets.
     *
     * @param nowNanos the current {@link System#nanoTime()}
     * @return a new empty wheel, owned by the calling loop thread
     */
    public static IxTimerWheel withDefaults(long nowNanos) {
        return new IxTimerWheel(DEFAULT_TICK_NANOS, DEFAULT_WHEEL_SIZE, nowNanos);
    }

    /**
     * Schedules {@code timer} to fire {@code delayNanos} after {@code nowNanos}; O(1), no allocation. A timer already
     * scheduled on this wheel is moved to the new deadline. Loop thread only.
     *
     * @param timer      the timer to arm
     * @param delayNanos delay in nanoseconds; negative fires at the next {@link #expire(long)} call, above
     *                   {@link #MAX_DELAY_NANOS} is clamped
     * @param nowNanos   the current {@link System#nanoTime()}
     * @throws IllegalStateException if {@code timer} is scheduled on another wheel
     */
    public void schedule(IxTimer timer, long delayNanos, long nowNanos) {
        ObjectUtil.checkNotNull(timer, "timer");
        if (timer.wheel != null) {
            if (timer.wheel != this) {
                throw new IllegalStateException("timer " + timer + " is scheduled on another IxTimerWheel; "
                        + "cancel() it there first or schedule it on the wheel of its own event loop");
            }
            remove(timer);
        }
        long delay = Math.min(delayNanos, MAX_DELAY_NANOS);
        long deadline = nowNanos + delay;
        timer.deadline = deadline;
        timer.wheel = this;
        if (size++ == 0) {
            farFloor = Long.MAX_VALUE; // the floor of timers that are all gone
        }
        long tick = Math.ceilDiv(deadline - startNanos, tickNanos);
        if (delay < 0 || tick <= dueTick) {
            attach(timer, pendingList);
            return;
        }
        long rounds = (tick - processedTick - 1) / wheelSize;
        timer.rounds = rounds;
        if (rounds > 0) {
            farFloor = Math.min(farFloor, tick);
            jumpFarFloor = Math.min(jumpFarFloor, tick);
        }
        int bucket = (int) (tick & mask);
        // The bucket being drained has had this tick's visit already; its newcomers wait with the survivors.
        attach(timer, bucket == processingBucket ? holding : bucket);
    }

    /**
     * Schedules {@code task} to run once, {@code delayNanos} after {@code nowNanos}; allocates one small timer.
     * Loop thread only.
     *
     * @param task       run on the loop thread when the timer fires; what it throws is logged at WARN
     * @param delayNanos delay in nanoseconds, as for {@link #schedule(IxTimer, long, long)}
     * @param nowNanos   the current {@link System#nanoTime()}
     * @return the timer, to {@link IxTimer#cancel() cancel} it
     */
    public IxTimer schedule(Runnable task, long delayNanos, long nowNanos) {
        IxTimer timer = new TaskTimer(ObjectUtil.checkNotNull(task, "task"));
        schedule(timer, delayNanos, nowNanos);
        return timer;
    }

    /**
     * Advances the cursor to {@code nowNanos} and fires every due timer: those whose tick has ended, and those that
     * were pending. Walks at most {@code wheelSize} buckets: after a jump of more than one revolution it visits each
     * bucket once and compares deadlines directly. O(1) when no timer is scheduled. Loop thread only; not re-entrant.
     *
     * @param nowNanos the current {@link System#nanoTime()}
     * @return the number of timers fired, including those whose {@code expired} threw
     * @throws IllegalStateException if called from inside {@link IxTimer#expired(long)}
     */
    public int expire(long nowNanos) {
        if (expiring) {
            throw new IllegalStateException("expire() called from inside IxTimer.expired(); it is not re-entrant");
        }
        long target = Math.floorDiv(nowNanos - startNanos, tickNanos);
        if (size == 0) {
            processedTick = dueTick = Math.max(processedTick, target);
            return 0;
        }
        expiring = true;
        dueTick = Math.max(processedTick, target);
        int fired = 0;
        try {
            fired += expirePending(nowNanos);
            if (target - processedTick > wheelSize) {
                processedTick = target;
                jumpFarFloor = Long.MAX_VALUE;
                for (int bucket = 0; bucket < wheelSize; bucket++) {
                    fired += expireBucket(bucket, target, true, nowNanos);
                }
                // Every timer left was visited (or scheduled) by this loop: the floor is exact again.
                farFloor = jumpFarFloor;
            } else {
                for (long tick = processedTick + 1; tick <= target; tick++) {
                    processedTick = tick;
                    fired += expireBucket((int) (tick & mask), tick, false, nowNanos);
                }
            }
        } finally {
            processedTick = dueTick;
            processingBucket = NO_BUCKET;
            expiring = false;
        }
        return fired;
    }

    /**
     * A lower bound on the time until the next timer fires, for bounding the loop's wait: never later than the
     * earliest deadline rounded up to the tick. It is exact when that deadline is within a revolution of the cursor;
     * for timers further away it is the earliest of them when known, else (after cancellations) at least about one
     * revolution, so an idle loop wakes at most about once per revolution, not once per occupied bucket. Costs
     * O(wheelSize / 64), not O(timers). Meant for between {@link #expire(long)} calls (0 from inside one). Loop
     * thread only.
     *
     * @param nowNanos the current {@link System#nanoTime()}
     * @return nanoseconds, {@code >= 0}, or {@code -1} when no timer is scheduled
     */
    public long nanosUntilNextDeadline(long nowNanos) {
        if (size == 0) {
            return -1;
        }
        if (expiring || heads[wheelSize] != null || heads[wheelSize + 1] != null) {
            return 0;
        }
        long next = processedTick + 1;
        int from = (int) (next & mask);
        int distance = distanceToSetBit(due, from);
        long tick;
        if (distance >= 0) {
            // A timer with rounds == 0 fires at the next visit of its bucket, before any timer with rounds > 0.
            tick = next + distance;
        } else {
            // Every timer has rounds > 0: at least one revolution after the next visit of its bucket.
            int occupiedDistance = distanceToSetBit(occupied, from);
            if (occupiedDistance < 0) {
                return 0; // unreachable between expire calls: size > 0 and no pending timer
            }
            tick = Math.max(farFloor, next + occupiedDistance + wheelSize);
        }
        return Math.max(0, tick * tickNanos - (nowNanos - startNanos));
    }

    /**
     * Number of scheduled timers; O(1). Loop thread only.
     *
     * @return timers scheduled and not yet fired or cancelled
     */
    public int size() {
        return size;
    }

    /**
     * Unschedules every timer without firing it, for loop shutdown; O(wheelSize + timers). Loop thread only.
     *
     * @return the number of timers cancelled
     */
    public int cancelAll() {
        int cancelled = 0;
        for (int list = 0; list < heads.length; list++) {
            IxTimer timer;
            while ((timer = heads[list]) != null) {
                remove(timer);
                cancelled++;
            }
        }
        return cancelled;
    }

    /** @return the tick in nanoseconds */
    public long tickNanos() {
        return tickNanos;
    }

    /** @return the number of buckets */
    public int wheelSize() {
        return wheelSize;
    }

    /** Unschedules {@code timer}, which is scheduled on this wheel. */
    void remove(IxTimer timer) {
        detach(timer);
        timer.wheel = null;
        size--;
    }

    private int expirePending(long nowNanos) {
        int list = pendingList;
        pendingList = list == wheelSize ? wheelSize + 1 : wheelSize; // timers made due by callbacks wait a call
        int fired = 0;
        IxTimer timer;
        while ((timer = heads[list]) != null) {
            fire(timer, nowNanos);
            fired++;
        }
        return fired;
    }

    /**
     * Drains one bucket at {@code tick}: fires the due timers, parks the others in the holding list, then puts them
     * back. Pops from the head, so callbacks may cancel or schedule any timer, including the ones still to visit.
     * A timer's rounds change only while it is detached, so attach and detach keep dueCount right.
     */
    private int expireBucket(int bucket, long tick, boolean compareDeadlines, long nowNanos) {
        if (heads[bucket] == null) {
            return 0;
        }
        processingBucket = bucket;
        int fired = 0;
        IxTimer timer;
        while ((timer = heads[bucket]) != null) {
            long rounds; // left after this visit; -1: due now
            if (compareDeadlines) {
                long timerTick = Math.ceilDiv(timer.deadline - startNanos, tickNanos);
                rounds = timerTick <= tick ? -1 : (timerTick - tick - 1) / wheelSize;
                if (rounds > 0) {
                    jumpFarFloor = Math.min(jumpFarFloor, timerTick);
                }
            } else {
                rounds = timer.rounds - 1;
            }
            if (rounds < 0) {
                fire(timer, nowNanos);
                fired++;
            } else {
                detach(timer);
                timer.rounds = rounds;
                attach(timer, holding);
            }
        }
        IxTimer first = heads[holding];
        heads[holding] = null;
        for (IxTimer t = first; t != null; t = t.next) {
            t.bucket = bucket;
        }
        heads[bucket] = first;
        processingBucket = NO_BUCKET;
        updateOccupied(bucket);
        return fired;
    }

    private void fire(IxTimer timer, long nowNanos) {
        remove(timer);
        try {
            timer.expired(nowNanos);
        } catch (Throwable cause) {
            logger.warn("{}.expired() threw; the wheel goes on with the other timers", timer.getClass().getName(),
                    cause);
        }
    }

    private void attach(IxTimer timer, int list) {
        IxTimer head = heads[list];
        timer.prev = null;
        timer.next = head;
        if (head != null) {
            head.prev = timer;
        }
        heads[list] = timer;
        timer.bucket = list;
        int bucket = bucketOf(list);
        if (bucket != NO_BUCKET) {
            occupied[bucket >>> 6] |= 1L << bucket;
            if (timer.rounds == 0 && dueCount[bucket]++ == 0) {
                due[bucket >>> 6] |= 1L << bucket;
            }
        }
    }

    private void detach(IxTimer timer) {
        int list = timer.bucket;
        IxTimer prev = timer.prev;
        IxTimer next = timer.next;
        if (prev == null) {
            heads[list] = next;
        } else {
            prev.next = next;
        }
        if (next != null) {
            next.prev = prev;
        }
        timer.prev = null;
        timer.next = null;
        timer.bucket = IxTimer.UNSCHEDULED;
        int bucket = bucketOf(list);
        if (bucket != NO_BUCKET) {
            if (timer.rounds == 0 && --dueCount[bucket] == 0) {
                due[bucket >>> 6] &= ~(1L << bucket);
            }
            updateOccupied(bucket);
        }
    }

    /** The bucket whose timers {@code list} holds, or NO_BUCKET for the pending lists. */
    private int bucketOf(int list) {
        if (list == holding) {
            return processingBucket;
        }
        return list < wheelSize ? list : NO_BUCKET;
    }

    private void updateOccupied(int bucket) {
        boolean nonEmpty = heads[bucket] != null || (bucket == processingBucket && heads[holding] != null);
        if (nonEmpty) {
            occupied[bucket >>> 6] |= 1L << bucket;
        } else {
            occupied[bucket >>> 6] &= ~(1L << bucket);
        }
    }

    /** Buckets from {@code from}, going round, to the first one whose bit is set in {@code bitmap}; -1 if none. */
    private int distanceToSetBit(long[] bitmap, int from) {
        int words = bitmap.length;
        int word = from >>> 6;
        long bits = bitmap[word] & (-1L << from);
        // words + 1 reads: the last one re-reads the first word for the buckets below `from`.
        for (int i = 0; i <= words; i++) {
            if (bits != 0) {
                int bucket = (word << 6) + Long.numberOfTrailingZeros(bits);
                return (bucket - from) & mask;
            }
            word = word + 1 == words ? 0 : word + 1;
            bits = bitmap[word];
        }
        return -1;
    }

    /** The wrapper of {@link #schedule(Runnable, long, long)}. */
    private static final class TaskTimer extends IxTimer {
        private final Runnable task;

        TaskTimer(Runnable task) {
            this.task = task;
        }

        @Override
        protected void expired(long nowNanos) {
            task.run();
        }

        @Override
        public String toString() {
            return "TaskTimer(" + task + ')';
        }
    }
}
