package dev.ix.transport.test;

import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Turns Netty's leak reports into test failures. Netty's {@link ResourceLeakDetector} only logs a leak, and only
 * when a later allocation happens to notice the garbage-collected tracker; this class installs a
 * {@link ResourceLeakDetectorFactory} whose detectors also record every report, and offers {@link #collectLeaks()}:
 * force a GC, make every detector look at its reference queue, and hand back what was found.
 *
 * <p>{@link #install()} must run before Netty creates its first detector — {@code AbstractByteBuf} creates the one
 * for {@code ByteBuf} when the class initialises — which is why {@link LeakDetectionSessionListener} calls it when
 * the JUnit launcher session opens. {@link LeakDetectionExtension}, auto-registered for every test class of the
 * module, checks after each class.
 *
 * <p>Thread-safety: all methods may be called from any thread; reports arrive from whichever thread allocates.
 */
public final class NettyLeakDetection {

    private static final String LEVEL_PROP_NAME = "io.netty.leakDetection.level";
    private static final String BYTE_BUF_RESOURCE_TYPE = "ByteBuf";
    /** GC rounds per {@link #collectLeaks()}: the second catches buffers only reachable from ones freed in the first. */
    private static final int GC_ROUNDS = 2;
    private static final long REFERENCE_PROCESSING_WAIT_MILLIS = 1_000;

    private static final RecordingFactory FACTORY = new RecordingFactory();
    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();

    private static volatile boolean installed;
    private static volatile String notEffectiveReason;

    private NettyLeakDetection() {
    }

    /**
     * Installs the recording factory (once) and checks that it is the one Netty's {@code ByteBuf} detector came
     * from. Sets the leak detection level to {@code PARANOID} unless {@value #LEVEL_PROP_NAME} says otherwise.
     */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        if (System.getProperty(LEVEL_PROP_NAME) == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        }
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(FACTORY);
        // Initialise AbstractByteBuf now, so its detector comes from FACTORY if it did not exist yet.
        Unpooled.buffer(1).release();
        if (!FACTORY.created(BYTE_BUF_RESOURCE_TYPE)) {
            notEffectiveReason = "Netty's ByteBuf leak detector was created before " + NettyLeakDetection.class.getName()
                    + ".install() ran, so ByteBuf leaks would go unnoticed. Is " + LeakDetectionSessionListener.class
                    .getName() + " registered in META-INF/services/org.junit.platform.launcher.LauncherSessionListener"
                    + " (and junit-platform-launcher on the test class path)?";
        }
        installed = true;
    }

    /**
     * @throws IllegalStateException when leak detection cannot work in this JVM (installed too late)
     */
    public static void ensureEffective() {
        install();
        String reason = notEffectiveReason;
        if (reason != null) {
            throw new IllegalStateException(reason);
        }
    }

    /** A body of test code that may throw anything. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /**
     * Runs {@code body} with Netty's leak detection level set to {@code level} (JVM-wide: Netty's buffers and
     * {@code MbufPool} hand-outs), then restores the level it found. For tests of the untracked path (reused mbuf
     * views, no allocation) in a JVM that runs at {@code PARANOID}.
     */
    public static void withLevel(ResourceLeakDetector.Level level, Body body) throws Exception {
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(level);
        try {
            body.run();
        } finally {
            ResourceLeakDetector.setLevel(before);
        }
    }

    /**
     * Forces garbage collection, lets every detector process its reference queue and returns (and forgets) the leak
     * reports recorded since the last call. Takes a few tens of milliseconds.
     *
     * @return the reports, each in the form Netty logs it; empty when nothing leaked
     */
    public static List<String> collectLeaks() throws InterruptedException {
        for (int round = 0; round < GC_ROUNDS; round++) {
            awaitGarbageCollection();
            FACTORY.pollAll();
        }
        List<String> leaks = new ArrayList<>();
        for (String leak; (leak = LEAKS.poll()) != null; ) {
            leaks.add(leak);
        }
        return leaks;
    }

    /** Runs a full GC and waits until the reference handler has enqueued a weak reference cleared by it. */
    private static void awaitGarbageCollection() throws InterruptedException {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        System.gc();
        if (queue.remove(REFERENCE_PROCESSING_WAIT_MILLIS) == null) {
            System.gc(); // -XX:+DisableExplicitGC or a lazy collector: one more nudge, then go on regardless
            queue.remove(REFERENCE_PROCESSING_WAIT_MILLIS);
        }
        Reference.reachabilityFence(sentinel);
        // References cleared by the same GC are enqueued one by one; give the handler a moment for the rest.
        Thread.sleep(10);
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        private final List<RecordingDetector<?>> detectors = new CopyOnWriteArrayList<>();

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            RecordingDetector<T> detector = new RecordingDetector<>(resource, samplingInterval);
            detectors.add(detector);
            return detector;
        }

        @Override
        @Deprecated
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                   long maxActive) {
            return newResourceLeakDetector(resource, samplingInterval);
        }

        boolean created(String resourceType) {
            for (RecordingDetector<?> detector : detectors) {
                if (detector.resourceType.equals(resourceType)) {
                    return true;
                }
            }
            return false;
        }

        void pollAll() {
            for (RecordingDetector<?> detector : detectors) {
                detector.poll();
            }
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        final String resourceType;

        RecordingDetector(Class<?> resource, int samplingInterval) {
            super(resource, samplingInterval);
            this.resourceType = resource.getSimpleName();
        }

        /** Netty skips reporting when its logger has ERROR off; we always want the report. */
        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add("LEAK: " + resourceType + ".release() was not called before it's garbage-collected." + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add("LEAK: " + resourceType + ".release() was not called before it's garbage-collected"
                    + " (untraced: run with -D" + LEVEL_PROP_NAME + "=paranoid to see where it was allocated)");
            super.reportUntracedLeak(resourceType);
        }

        /** Tracks and closes a throw-away object: tracking makes the detector report what its queue holds. */
        @SuppressWarnings("unchecked")
        void poll() {
            Object probe = new Object();
            ResourceLeakTracker<T> tracker = trackForcibly((T) probe);
            if (tracker != null) {
                tracker.close((T) probe);
            }
            Reference.reachabilityFence(probe);
        }
    }
}
