package dev.ix.transport;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * One ix dataplane (an event loop running an {@link IxIoHandler}), as seen by an operator or a layer above: its
 * index, CPU and thread, its {@linkplain #stats() counters} and its {@linkplain #timerWheel() timer wheel}.
 *
 * <p>Find it from a Netty event loop with {@link #of(EventExecutor)}, from a group with
 * {@link #allOf(EventExecutorGroup)}, or on a loop thread with {@link #current()}. A loop is listed from the moment
 * its handler is created until it stops.
 *
 * <p>Threading: everything may be called from any thread, except {@link #timerWheel()}, which belongs to the loop
 * thread.
 */
public final class IxLoop {
    private static final Map<EventExecutor, IxLoop> LOOPS = new ConcurrentHashMap<>();
    private static final ThreadLocal<IxLoop> CURRENT = new ThreadLocal<>();

    private final IxIoHandler handler;
    private final EventExecutor executor;
    private final int index;
    private final int[] cpus;
    private final long stallBudgetNanos;
    final LoopActivity activity = new LoopActivity();
    final LoopCounters counters = new LoopCounters();
    private volatile Thread thread;
    private volatile long startedNanos;
    private volatile boolean alive = true;
    private volatile boolean stopping;
    private volatile Throwable deathCause;
    /** Monitor thread only: the turn last reported as a stall, and when a report was last logged. */
    long lastStallStart = LoopActivity.WAITING;
    long lastStallLogNanos;
    long stallsAtLastLog;
    /** The last stall's report (its stack is the loop thread's), for tests and diagnostics. */
    volatile Throwable lastStall;
    private volatile double busyFraction = Double.NaN;
    private volatile double meanTurnNanos = Double.NaN;
    private volatile double completionsPerTurn = Double.NaN;
    /** Monitor thread only: the counters at the previous sample. */
    private long sampledAt;
    private long sampledBusy;
    private long sampledTurns;
    private long sampledCompletions;

    IxLoop(IxIoHandler handler, EventExecutor executor, int index, int[] cpus, long stallBudgetNanos) {
        this.handler = handler;
        this.executor = executor;
        this.index = index;
        this.cpus = cpus;
        this.stallBudgetNanos = stallBudgetNanos;
        if (executor != null) {
            LOOPS.put(executor, this);
        }
    }

    /**
     * @param executor a Netty event loop
     * @return its ix loop, or empty when it runs another transport or has stopped
     */
    public static Optional<IxLoop> of(EventExecutor executor) {
        return Optional.ofNullable(LOOPS.get(executor));
    }

    /**
     * @param group an event loop group, e.g. a {@code MultiThreadIoEventLoopGroup} made with
     *              {@link IxIoHandler#newFactory()}
     * @return its running ix loops in the group's order (empty when it has none)
     */
    public static List<IxLoop> allOf(EventExecutorGroup group) {
        List<IxLoop> loops = new ArrayList<>();
        for (EventExecutor e : group) {
            IxLoop loop = LOOPS.get(e);
            if (loop != null) {
                loops.add(loop);
            }
        }
        return loops;
    }

    /** @return the ix loop whose thread calls this, or empty on any other thread */
    public static Optional<IxLoop> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** @return the loop's index in its group (the order in which the group created its loops), from 0 */
    public int index() {
        return index;
    }

    /** @return the Netty event loop this dataplane runs in */
    public EventExecutor executor() {
        return executor;
    }

    /** @return the CPUs the loop thread is pinned to (empty when it is not pinned); a fresh array */
    public int[] cpus() {
        return cpus.clone();
    }

    /** @return the loop thread's name, or {@code ""} before the thread started */
    public String threadName() {
        Thread t = thread;
        return t == null ? "" : t.getName();
    }

    /** @return false once the loop stopped, whether shut down or died */
    public boolean isAlive() {
        return alive;
    }

    /**
     * @return what killed the loop thread, or null while it runs and after an orderly shutdown. When a loop dies its
     *         connections are closed and its group goes on serving on the others.
     */
    public Throwable deathCause() {
        return deathCause;
    }

    /** @return a snapshot of the loop's counters */
    public IxLoopStats stats() {
        long now = System.nanoTime();
        return new IxLoopStats(index, threadName(), alive, activity.turns(), activity.completions(),
                activity.turnSizes(), handler.enterCalls(), handler.sqFullSubmits(), counters.cqOverflowTurns(),
                counters.cqDropped(),
                handler.pool().inUse(), handler.pool().highWater(), handler.pool().slotCount(),
                handler.pool().enobufs(), handler.pool().leaksReclaimed(), counters.bytesReceived(),
                counters.bytesSent(), counters.connections(), counters.connectionsOpened(), counters.acceptBackoffs(),
                counters.stalls(), activity.busyNanos(now), handler.timerCount());
    }

    /**
     * The loop's timer wheel, for idle, read and request deadlines with O(1) schedule and cancel; its next deadline
     * bounds how long the loop waits in {@code io_uring_enter}.
     *
     * @throws IllegalStateException when not called on this loop's thread
     */
    public IxTimerWheel timerWheel() {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("the timer wheel of " + this + " belongs to its loop thread; schedule"
                    + " from a handler, or hop with loop.executor().execute(...)");
        }
        return handler.timerWheel();
    }

    /**
     * @return the share of the last second the loop spent working rather than waiting for completions, 0..1
     *         ({@code NaN} until the first sample, a second after the loop started)
     */
    public double busyFraction() {
        return busyFraction;
    }

    /**
     * @return the mean length of a loop turn over the last second, in nanoseconds: how long a completion that
     *         arrives while the loop works waits before the loop's next {@code io_uring_enter} collects it (the
     *         loop's queueing delay); {@code NaN} before the first sample or when the loop made no turn
     */
    public double meanTurnNanos() {
        return meanTurnNanos;
    }

    /** @return mean completions per turn over the last second (the batch size), or {@code NaN} */
    public double completionsPerTurn() {
        return completionsPerTurn;
    }

    /**
     * Calls {@code observer} on the loop thread at the end of every turn with the number of completions it handled
     * (for a batch-size distribution). It must be quick and must not block. A {@code RuntimeException} it throws is
     * logged; an {@code Error} stops the loop, as any {@code Error} escaping a loop turn does.
     */
    public void addTurnObserver(IntConsumer observer) {
        handler.addTurnObserver(observer);
    }

    /** Monitor thread, once per {@link LoopMonitor#SAMPLE_NANOS}. */
    void sample(long now) {
        long busy = activity.busyNanos(now);
        long turns = activity.turns();
        long completions = activity.completions();
        if (sampledAt != 0) {
            long wall = now - sampledAt;
            long dTurns = turns - sampledTurns;
            busyFraction = wall <= 0 ? 0 : Math.min(1.0, Math.max(0.0, (double) (busy - sampledBusy) / wall));
            meanTurnNanos = dTurns == 0 ? Double.NaN : (double) (busy - sampledBusy) / dTurns;
            completionsPerTurn = dTurns == 0 ? Double.NaN : (double) (completions - sampledCompletions) / dTurns;
        }
        sampledAt = now;
        sampledBusy = busy;
        sampledTurns = turns;
        sampledCompletions = completions;
    }

    /** @return the stall budget in nanoseconds (0: the watchdog ignores this loop) */
    long stallBudgetNanos() {
        return stallBudgetNanos;
    }

    Thread thread() {
        return thread;
    }

    /** @return the {@link System#nanoTime()} at which the loop thread started */
    long startedNanos() {
        return startedNanos;
    }

    /** Loop thread, when it starts. */
    void started() {
        startedNanos = System.nanoTime();
        thread = Thread.currentThread();
        CURRENT.set(this);
        LoopMonitor.INSTANCE.add(this);
    }

    /** Loop thread: the loop is shutting down (the watchdog leaves it alone: Netty sleeps between its last turns). */
    void stopping() {
        stopping = true;
    }

    boolean isStopping() {
        return stopping;
    }

    /** The loop thread is dying of {@code cause}. */
    void died(Throwable cause) {
        deathCause = cause;
    }

    /** Loop thread, when the loop has stopped. */
    void stopped() {
        alive = false;
        LoopMonitor.INSTANCE.remove(this);
        if (executor != null) {
            LOOPS.remove(executor, this);
        }
        if (thread == Thread.currentThread()) {
            CURRENT.remove();
        }
    }

    @Override
    public String toString() {
        String name = threadName();
        return "IxLoop(" + index + (name.isEmpty() ? "" : ", " + name) + ')';
    }
}
