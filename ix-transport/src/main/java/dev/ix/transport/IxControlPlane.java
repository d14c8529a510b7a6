package dev.ix.transport;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * IX's control plane for one server: it samples each loop's busy fraction, batch size and queueing delay, exposes
 * them ({@link #samples()}), and, when given a {@link Policy}, decides how many loops take new connections by
 * parking and unparking their {@code SO_REUSEPORT} listeners ({@link IxListeners#park}): an idle loop stops taking
 * connections and serves the ones it has; a busy server gets its parked loops back. Existing connections never move.
 *
 * <p>The policy, on each sample:
 * <ol>
 *   <li>if a serving loop is busier than {@link Policy#unparkAbove()} and a loop is parked, unpark the parked loop
 *       with the lowest index;</li>
 *   <li>else if every serving loop has been less busy than {@link Policy#parkBelow()} for {@link Policy#patience()}
 *       samples in a row and more than {@link Policy#minServing()} loops serve, park the serving loop with the
 *       highest index;</li>
 *   <li>else do nothing.</li>
 * </ol>
 * Off by default: {@link #start(IxListeners, Duration, Policy)} with {@link Policy#observeOnly()} only samples.
 *
 * <p>Threading: one daemon thread, {@code ix-control-plane}, samples and acts; the loops only publish counters.
 */
public final class IxControlPlane implements AutoCloseable {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(IxControlPlane.class);

    /**
     * When to park and unpark loops.
     *
     * @param parkBelow   busy fraction (0..1) under which a loop counts as idle
     * @param unparkAbove busy fraction (0..1) over which a serving loop asks for a parked one back
     * @param minServing  loops that always serve, at least 1
     * @param patience    samples in a row every serving loop must be idle before one is parked, at least 1
     * @param enabled     false: sample only, never park
     */
    public record Policy(double parkBelow, double unparkAbove, int minServing, int patience, boolean enabled) {
        public Policy {
            if (!(parkBelow >= 0 && parkBelow < unparkAbove && unparkAbove <= 1)) {
                throw new IllegalArgumentException("parkBelow: " + parkBelow + ", unparkAbove: " + unparkAbove
                        + " (expected: 0 <= parkBelow < unparkAbove <= 1)");
            }
            if (minServing < 1 || patience < 1) {
                throw new IllegalArgumentException("minServing: " + minServing + ", patience: " + patience
                        + " (expected: both >= 1)");
            }
        }

        /** @return park below 25 % busy after 5 idle samples, unpark above 75 %, keep one loop serving */
        public static Policy elastic() {
            return new Policy(0.25, 0.75, 1, 5, true);
        }

        /** @return sample, never park (the default) */
        public static Policy observeOnly() {
            return new Policy(0.25, 0.75, 1, 5, false);
        }
    }

    /**
     * One loop at one sample.
     *
     * @param loop               the loop's index
     * @param serving            whether its listener is open
     * @param busyFraction       share of the last second it worked, 0..1 ({@code NaN} before the first second)
     * @param completionsPerTurn mean batch size
     * @param queueingDelayNanos mean turn length, nanoseconds: how long a completion waits to be collected
     */
    public record LoopSample(int loop, boolean serving, double busyFraction, double completionsPerTurn,
                             double queueingDelayNanos) {
    }

    /** What the policy decided: {@code loop} to park or unpark, or nothing ({@code loop} -1). */
    record Decision(Action action, int loop, int calmSamples) {
    }

    enum Action { NONE, PARK, UNPARK }

    private final IxListeners listeners;
    private final Policy policy;
    private final ScheduledExecutorService scheduler;
    private volatile List<LoopSample> samples = List.of();
    private int calmSamples;

    private IxControlPlane(IxListeners listeners, Policy policy) {
        this.listeners = listeners;
        this.policy = policy;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ix-control-plane");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts sampling every {@code interval}.
     *
     * @param listeners the server's per-loop listeners
     * @param interval  time between samples, at least 1 s (loops publish a new busy fraction once a second: a
     *                  shorter interval would count one sample several times towards the policy's patience)
     * @param policy    when to park and unpark; {@link Policy#observeOnly()} to only sample
     */
    public static IxControlPlane start(IxListeners listeners, Duration interval, Policy policy) {
        if (interval.toMillis() < 1000) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: >= 1 s)");
        }
        IxControlPlane plane = new IxControlPlane(listeners, policy);
        plane.scheduler.scheduleWithFixedDelay(plane::tick, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return plane;
    }

    /** @return the latest sample of every loop, in loop order (empty before the first) */
    public List<LoopSample> samples() {
        return samples;
    }

    /** Stops sampling; parked loops stay parked (unpark them through the listeners, or close those). */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    private void tick() {
        try {
            List<LoopSample> now = sample();
            samples = now;
            if (!policy.enabled()) {
                return;
            }
            Decision d = decide(now, policy, calmSamples);
            calmSamples = d.calmSamples();
            if (d.action() == Action.PARK && listeners.park(d.loop())) {
                logger.info("control plane: parked loop {} (every serving loop under {} % busy): {}", d.loop(),
                        Math.round(policy.parkBelow() * 100), listeners);
            } else if (d.action() == Action.UNPARK && listeners.unpark(d.loop())) {
                logger.info("control plane: unparked loop {} (a serving loop over {} % busy): {}", d.loop(),
                        Math.round(policy.unparkAbove() * 100), listeners);
            }
        } catch (Throwable t) {
            logger.warn("control plane: a sample failed; it goes on", t);
        }
    }

    private List<LoopSample> sample() {
        List<LoopSample> list = new ArrayList<>(listeners.size());
        for (int i = 0; i < listeners.size(); i++) {
            int index = i;
            boolean serving = listeners.isServing(i);
            listeners.loop(i).ifPresent(l -> list.add(new LoopSample(index, serving, l.busyFraction(),
                    l.completionsPerTurn(), l.meanTurnNanos())));
        }
        return List.copyOf(list);
    }

    /** The policy of the class comment, as a function of one sample and the idle streak so far. */
    static Decision decide(List<LoopSample> samples, Policy policy, int calmSamples) {
        int serving = 0;
        boolean anyBusy = false;
        boolean allCalm = true;
        int firstParked = -1;
        int lastServing = -1;
        for (LoopSample s : samples) {
            if (!s.serving()) {
                if (firstParked < 0) {
                    firstParked = s.loop();
                }
                continue;
            }
            serving++;
            lastServing = s.loop();
            if (Double.isNaN(s.busyFraction())) {
                allCalm = false;
                continue;
            }
            anyBusy |= s.busyFraction() > policy.unparkAbove();
            allCalm &= s.busyFraction() < policy.parkBelow();
        }
        if (anyBusy && firstParked >= 0) {
            return new Decision(Action.UNPARK, firstParked, 0);
        }
        if (!allCalm || serving == 0) {
            return new Decision(Action.NONE, -1, 0);
        }
        int calm = calmSamples + 1;
        if (calm >= policy.patience() && serving > policy.minServing()) {
            return new Decision(Action.PARK, lastServing, 0);
        }
        return new Decision(Action.NONE, -1, calm);
    }
}
