package dev.ix.transport.mbuf;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import io.netty.util.internal.SystemPropertyUtil;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Which receive hand-outs Netty's leak detector tracks, and the detector itself (resource type
 * {@code MbufByteBuf}), under the switch that governs Netty's {@code ByteBuf}s: {@code io.netty.leakDetection.level}
 * (or {@link ResourceLeakDetector#setLevel}) and {@code io.netty.leakDetection.samplingInterval}.
 *
 * <pre>
 *   level      tracked hand-outs                records (stack traces) of
 *   DISABLED   none                             -
 *   SIMPLE     1 in samplingInterval (128)      the hand-out only ("Created at")
 *   ADVANCED   1 in samplingInterval (128)      the hand-out, touch(), retain(), release()
 *   PARANOID   every one                        the hand-out, touch(), retain(), release()
 * </pre>
 *
 * <p>The level is read at each hand-out, as Netty's allocators do, so a change takes effect at once. The detector is
 * created by {@link ResourceLeakDetectorFactory#instance()} when the first hand-out is tracked, never while the level
 * is {@code DISABLED}. Any thread.
 */
final class MbufLeakTracking {
    private static final int SAMPLING_INTERVAL =
            Math.max(1, SystemPropertyUtil.getInt("io.netty.leakDetection.samplingInterval", 128));

    private MbufLeakTracking() {
    }

    /**
     * Decides whether this hand-out is tracked; allocates nothing. Cheap enough for every receive: one static read
     * when the level is {@code DISABLED} or {@code PARANOID}, one thread-local random number otherwise.
     *
     * @return {@code true} when the view to hand out must be a fresh, tracked one
     */
    static boolean sample() {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        return level == ResourceLeakDetector.Level.PARANOID
                || level != ResourceLeakDetector.Level.DISABLED
                && ThreadLocalRandom.current().nextInt(SAMPLING_INTERVAL) == 0;
    }

    /**
     * Starts tracking a view that {@link #sample()} chose: its tracker records where this is called from ("Created
     * at", the receive path).
     *
     * @param view a fresh view, that nothing but its holders will reference
     * @return the view's tracker
     */
    static ResourceLeakTracker<MbufByteBuf> track(MbufByteBuf view) {
        return Holder.DETECTOR.trackForcibly(view);
    }

    /** @return whether the tracker of a view should record {@code touch}, {@code retain} and {@code release} */
    static boolean recordsAccess() {
        return Holder.DETECTOR.isRecordEnabled();
    }

    /** Created on first use, so that a JVM that never tracks an mbuf never creates the detector. */
    private static final class Holder {
        static final ResourceLeakDetector<MbufByteBuf> DETECTOR =
                ResourceLeakDetectorFactory.instance().newResourceLeakDetector(MbufByteBuf.class);

        static {
            // Records show the caller of these, not the methods themselves (as Netty does for its leak-aware buffers).
            ResourceLeakDetector.addExclusions(MbufByteBuf.class, "touch", "retain", "release", "recordAccess");
            ResourceLeakDetector.addExclusions(MbufLeakTracking.class, "track");
            ResourceLeakDetector.addExclusions(MbufPool.class, "trackedView");
        }
    }
}
