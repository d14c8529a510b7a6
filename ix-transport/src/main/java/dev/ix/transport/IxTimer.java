package dev.ix.transport;

/**
 * One timer that an {@link IxTimerWheel} can schedule: subclass it and implement {@link #expired(long)}.
 * <p>
 * A timer is a reusable object, not a one-shot handle: a connection can own one instance (an idle timeout, a
 * request deadline) and re-arm it with {@link IxTimerWheel#schedule(IxTimer, long, long)} for every request, moving
 * it in O(1) and without allocating. The wheel links timers through the fields of this class, so a timer is in at
 * most one wheel at a time.
 * <p>
 * <b>Threading:</b> not thread-safe. Every method, like every method of the wheel, MUST be called from the thread
 * of the event loop that owns the wheel; {@link #expired(long)} runs on that thread.
 */
public abstract class IxTimer {
    /** {@link #bucket} of a timer that is in no list. */
    static final int UNSCHEDULED = -1;

    // Intrusive doubly-linked list state, owned by the wheel. prev == null means "head of its list".
    IxTimerWheel wheel;
    IxTimer prev;
    IxTimer next;
    int bucket = UNSCHEDULED;
    /** Visits of the cursor to this timer's bucket that must pass before it is due. */
    long rounds;
    long deadline;

    /** Creates an unscheduled timer. */
    protected IxTimer() {
    }

    /**
     * Called by {@link IxTimerWheel#expire(long)} on the loop thread when this timer's deadline has passed. The
     * timer is already unscheduled when this runs, so the method may re-arm it (a periodic timer schedules itself
     * again here); a timer scheduled from inside this method fires at the next {@code expire} call at the earliest.
     * <p>
     * Should be short: it runs inside the event loop's turn. Anything it throws is caught and logged at WARN by the
     * wheel and does not stop the other timers.
     *
     * @param nowNanos the time passed to {@code expire}, in {@link System#nanoTime()} nanoseconds; never before
     *                 {@link #deadlineNanos()}
     */
    protected abstract void expired(long nowNanos);

    /**
     * Whether this timer is waiting in a wheel. Loop thread only.
     *
     * @return {@code true} from {@code schedule} until the timer fires, is cancelled or its wheel is cleared
     */
    public boolean isScheduled() {
        return wheel != null;
    }

    /**
     * Removes this timer from its wheel so it does not fire; O(1). Loop thread only.
     *
     * @return {@code true} if the timer was scheduled, {@code false} if it had already fired or been cancelled
     */
    public boolean cancel() {
        IxTimerWheel owner = wheel;
        if (owner == null) {
            return false;
        }
        owner.remove(this);
        return true;
    }

    /**
     * The deadline given by the latest {@code schedule}: its {@code nowNanos} plus its delay. It stays readable after
     * the timer fires or is cancelled. Loop thread only.
     *
     * @return the deadline in {@link System#nanoTime()} nanoseconds (compare with subtraction), or 0 if this timer
     *         was never scheduled
     */
    public long deadlineNanos() {
        return deadline;
    }
}
