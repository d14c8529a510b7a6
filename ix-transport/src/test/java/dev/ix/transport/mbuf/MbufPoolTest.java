package dev.ix.transport.mbuf;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ix.transport.test.NettyLeakDetection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MbufPoolTest {

    @Test
    void createReportsItsGeometryAndAPageKind() {
        try (MbufFixture f = new MbufFixture(2048, 1024)) {
            MbufPool pool = f.pool;
            assertThat(pool.slotSize()).isEqualTo(2048);
            assertThat(pool.slotCount()).isEqualTo(1024);
            assertThat(pool.arena().byteSize()).isEqualTo(2048L * 1024);
            assertThat(pool.pageKind()).isIn(MbufArena.HUGETLB, MbufArena.TRANSPARENT, MbufArena.SMALL);
            assertThat(pool.slotAddress(0)).isEqualTo(pool.arena().address());
            assertThat(pool.slotAddress(5)).isEqualTo(pool.arena().address() + 5 * 2048);
            assertThat(pool.toString()).contains("1024 x 2048 B", pool.pageKind());
        }
    }

    @Test
    void createRejectsSizesThatAreNotPowersOfTwoInRange() {
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        assertThatThrownBy(() -> MbufPool.create(1000, 16, alloc))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slotSize: 1000 (expected: a power of two in 256..65536)");
        assertThatThrownBy(() -> MbufPool.create(128, 16, alloc))
                .hasMessage("slotSize: 128 (expected: a power of two in 256..65536)");
        assertThatThrownBy(() -> MbufPool.create(131072, 16, alloc))
                .hasMessage("slotSize: 131072 (expected: a power of two in 256..65536)");
        assertThatThrownBy(() -> MbufPool.create(2048, 0, alloc))
                .hasMessage("slotCount: 0 (expected: a power of two in 1..32768)");
        assertThatThrownBy(() -> MbufPool.create(2048, 3, alloc))
                .hasMessage("slotCount: 3 (expected: a power of two in 1..32768)");
        assertThatThrownBy(() -> MbufPool.create(2048, 65536, alloc))
                .hasMessage("slotCount: 65536 (expected: a power of two in 1..32768)");
        assertThatThrownBy(() -> MbufPool.create(2048, -8, alloc))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MbufPool.create(2048, 16, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("alloc");
    }

    @Test
    void smallestAndLargestGeometriesWork() {
        try (MbufFixture f = new MbufFixture(256, 1)) {
            ByteBuf buf = f.receive(0, "x".repeat(256));
            assertThat(buf.readableBytes()).isEqualTo(256);
            buf.release();
            assertThat(f.recycled).containsExactly(0);
        }
        try (MbufFixture f = new MbufFixture(65536, 32)) {
            ByteBuf buf = f.receive(31, new byte[65536]);
            assertThat(buf.capacity()).isEqualTo(65536);
            buf.release();
        }
    }

    @Test
    void attachTwiceIsRejected() {
        try (MbufFixture f = new MbufFixture(256, 4)) {
            assertThatThrownBy(() -> f.pool.attach(Thread.currentThread(), f))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already attached");
        }
    }

    @Test
    void receivedRejectsOutOfRangeSlotAndLength() {
        try (MbufFixture f = new MbufFixture(256, 4)) {
            assertThatThrownBy(() -> f.pool.received(4, 10))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("slotId: 4 (expected: 0..3)");
            assertThatThrownBy(() -> f.pool.received(-1, 10)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> f.pool.received(0, 257))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("length: 257 (expected: 0..256)");
            assertThatThrownBy(() -> f.pool.slotAddress(4)).isInstanceOf(IllegalArgumentException.class);
            assertThat(f.pool.inUse()).isZero();
            assertThat(f.pool.received()).isZero();
        }
    }

    @Test
    void receivedOffTheOwnerThreadIsRejected() throws Exception {
        try (MbufFixture f = new MbufFixture(256, 4)) {
            Throwable thrown = onOtherThread(() -> f.pool.received(0, 1));
            assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("owner thread");
            assertThat(onOtherThread(f.pool::drainForeignReleases)).isInstanceOf(IllegalStateException.class);
            assertThat(onOtherThread(f.pool::recordEnobufs)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void receivedBeforeAttachIsRejected() {
        MbufPool pool = MbufPool.create(256, 4, ByteBufAllocator.DEFAULT);
        try {
            assertThatThrownBy(() -> pool.received(0, 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not attached");
            assertThat(pool.drainForeignReleases()).as("nothing was handed out yet").isZero();
        } finally {
            assertThat(pool.close()).isZero();
        }
    }

    @Test
    void receivingASlotThatIsStillHeldIsRejected() {
        try (MbufFixture f = new MbufFixture(256, 4)) {
            ByteBuf buf = f.receive(2, "abc");
            assertThatThrownBy(() -> f.pool.received(2, 3))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("slot 2 received while still held");
            assertThat(buf.refCnt()).isEqualTo(1);
            buf.release();
        }
    }

    @Test
    void releaseOnOwnerThreadRecyclesTheSlotAtOnce() {
        try (MbufFixture f = new MbufFixture(256, 8)) {
            ByteBuf buf = f.receive(5, "hello");
            assertThat(f.recycled).isEmpty();
            assertThat(buf.release()).isTrue();
            assertThat(f.recycled).containsExactly(5);
            assertThat(f.recycledOn).containsExactly(Thread.currentThread());
            assertThat(f.pool.inUse()).isZero();
            assertThat(f.pool.drainForeignReleases()).isZero();
        }
    }

    @Test
    void releaseOnForeignThreadReturnsSlotOnNextDrain() throws Exception {
        try (MbufFixture f = new MbufFixture(256, 8)) {
            ByteBuf buf = f.receive(3, "hello");
            assertThat(onOtherThread(buf::release)).isNull();

            assertThat(buf.refCnt()).isZero();
            assertThat(f.recycled).as("nothing reaches the recycler before the owner drains").isEmpty();
            assertThat(f.pool.inUse()).isEqualTo(1);

            assertThat(f.pool.drainForeignReleases()).isEqualTo(1);
            assertThat(f.recycled).containsExactly(3);
            assertThat(f.recycledOn).containsExactly(Thread.currentThread());
            assertThat(f.pool.inUse()).isZero();
            assertThat(f.pool.drainForeignReleases()).isZero();
        }
    }

    @Test
    void concurrentForeignReleasesAreAllRecycledOnceOnTheOwner() throws Exception {
        int slots = 256;
        int threads = 4;
        try (MbufFixture f = new MbufFixture(256, slots)) {
            for (int round = 0; round < 20; round++) {
                List<ByteBuf> received = new ArrayList<>();
                for (int i = 0; i < slots; i++) {
                    received.add(f.receive(i, "r" + round));
                }
                assertThat(f.pool.inUse()).isEqualTo(slots);
                CountDownLatch start = new CountDownLatch(1);
                List<Thread> releasers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int first = t;
                    Thread thread = new Thread(() -> {
                        awaitQuietly(start);
                        for (int i = first; i < slots; i += threads) {
                            received.get(i).release();
                        }
                    }, "releaser-" + t);
                    thread.start();
                    releasers.add(thread);
                }
                start.countDown();
                int drained = 0;
                while (drained < slots) {
                    // The owner drains while the releasers are still at work, as a loop would each turn.
                    drained += f.pool.drainForeignReleases();
                    Thread.onSpinWait();
                }
                for (Thread thread : releasers) {
                    thread.join();
                }
                assertThat(f.pool.drainForeignReleases()).isZero();
                assertThat(f.pool.inUse()).isZero();
                assertThat(f.recycled).hasSize(slots * (round + 1));
                assertThat(f.recycled.subList(slots * round, slots * (round + 1)))
                        .containsExactlyInAnyOrderElementsOf(range(slots));
            }
            assertThat(f.recycledOn).containsOnly(Thread.currentThread());
            assertThat(f.pool.highWater()).isEqualTo(slots);
            assertThat(f.pool.received()).isEqualTo(20L * slots);
        }
    }

    @Test
    void receiveReleaseAndDrainAllocateNothing() throws Exception {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "per-thread allocation counter available");
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation counter enabled");
        // Untracked hand-outs are the path to measure: at PARANOID (the tests' level) each hand-out is tracked.
        NettyLeakDetection.withLevel(ResourceLeakDetector.Level.DISABLED, () -> receiveReleaseAndDrain(threads));
    }

    private static void receiveReleaseAndDrain(com.sun.management.ThreadMXBean threads) throws Exception {
        int slots = 64;
        int turns = 3_000;
        int measuredFrom = 2_000; // the turns before warm up: class loading, first-call linkage, queue set-up
        int failed = Integer.MIN_VALUE;
        long[] recycled = new long[1];
        MbufPool pool = MbufPool.create(256, slots, ByteBufAllocator.DEFAULT);
        pool.attach(Thread.currentThread(), slotId -> recycled[0]++); // the fixture's recorder would allocate
        ByteBuf[] held = new ByteBuf[slots];
        // Turn t: the owner receives every slot and releases the odd ones itself; the releaser thread releases the
        // even ones; the owner drains them. Hand-offs poll `phase` so that they allocate nothing either; either side
        // sets it to `failed` to stop the other.
        AtomicInteger phase = new AtomicInteger();
        AtomicLong releaserAllocated = new AtomicLong();
        AtomicReference<Throwable> releaserFailure = new AtomicReference<>();
        Thread releaser = new Thread(() -> {
            try {
                long start = 0;
                for (int t = 0; t < turns; t++) {
                    if (!awaitPhase(phase, 2 * t + 1, failed)) {
                        return;
                    }
                    if (t == measuredFrom) {
                        start = threads.getCurrentThreadAllocatedBytes();
                    }
                    for (int i = 0; i < slots; i += 2) {
                        held[i].release();
                    }
                    phase.set(2 * t + 2);
                }
                releaserAllocated.set(threads.getCurrentThreadAllocatedBytes() - start);
            } catch (Throwable e) {
                releaserFailure.set(e);
                phase.set(failed);
            }
        }, "releaser");
        releaser.setDaemon(true);
        releaser.start();
        long ownerAllocated;
        try {
            long start = 0;
            for (int t = 0; t < turns; t++) {
                if (t == measuredFrom) {
                    start = threads.getCurrentThreadAllocatedBytes();
                }
                for (int i = 0; i < slots; i++) {
                    held[i] = pool.received(i, 100);
                }
                for (int i = 1; i < slots; i += 2) {
                    held[i].release();
                }
                phase.set(2 * t + 1);
                if (!awaitPhase(phase, 2 * t + 2, failed)) {
                    throw new AssertionError("releaser failed in turn " + t, releaserFailure.get());
                }
                if (pool.drainForeignReleases() != slots / 2) {
                    throw new AssertionError("expected " + slots / 2 + " foreign releases in turn " + t);
                }
            }
            ownerAllocated = threads.getCurrentThreadAllocatedBytes() - start;
        } catch (Throwable e) {
            phase.set(failed);
            throw e;
        }
        releaser.join();
        int measured = (turns - measuredFrom) * slots;
        assertThat(ownerAllocated).as("bytes the owner allocated for %d receives and releases", measured)
                .isLessThan(1024);
        assertThat(releaserAllocated.get()).as("bytes the releaser allocated for %d releases", measured / 2)
                .isLessThan(1024);
        assertThat(pool.inUse()).isZero();
        assertThat(recycled[0]).isEqualTo((long) turns * slots);
        assertThat(pool.close()).isZero();
    }

    /** Polls without allocating until {@code phase} is {@code expected} (true) or {@code failed} (false). */
    private static boolean awaitPhase(AtomicInteger phase, int expected, int failed) {
        for (int p; (p = phase.get()) != expected; ) {
            if (p == failed) {
                return false;
            }
            Thread.yield(); // a shared 2-core machine: let the other side run
        }
        return true;
    }

    @Test
    void countersTrackUseHighWaterReceivesAndEnobufs() {
        try (MbufFixture f = new MbufFixture(256, 8)) {
            MbufPool pool = f.pool;
            ByteBuf a = f.receive(0, "a");
            ByteBuf b = f.receive(1, "b");
            ByteBuf c = f.receive(2, "c");
            assertThat(pool.inUse()).isEqualTo(3);
            assertThat(pool.highWater()).isEqualTo(3);
            b.release();
            c.release();
            assertThat(pool.inUse()).isEqualTo(1);
            assertThat(pool.highWater()).isEqualTo(3);
            ByteBuf d = f.receive(1, "d");
            assertThat(pool.inUse()).isEqualTo(2);
            assertThat(pool.highWater()).as("high water only rises").isEqualTo(3);
            assertThat(pool.received()).isEqualTo(4);

            assertThat(pool.enobufs()).isZero();
            pool.recordEnobufs();
            pool.recordEnobufs();
            assertThat(pool.enobufs()).isEqualTo(2);

            a.release();
            d.release();
            assertThat(pool.inUse()).isZero();
            assertThat(pool.toString()).contains("inUse: 0", "highWater: 3", "received: 4", "enobufs: 2");
        }
    }

    @Test
    void countersAreReadableFromOtherThreads() throws Exception {
        try (MbufFixture f = new MbufFixture(256, 8)) {
            ByteBuf a = f.receive(0, "a");
            f.pool.recordEnobufs();
            AtomicReference<String> seen = new AtomicReference<>();
            assertThat(onOtherThread(() -> seen.set(f.pool.inUse() + "/" + f.pool.highWater() + "/"
                    + f.pool.received() + "/" + f.pool.enobufs()))).isNull();
            assertThat(seen.get()).isEqualTo("1/1/1/1");
            a.release();
        }
    }

    @Test
    void reusedSlotGivesTheSameViewWithRefCntOneAndNewContents() throws Exception {
        NettyLeakDetection.withLevel(ResourceLeakDetector.Level.DISABLED, () -> reuseTheSameView());
    }

    private static void reuseTheSameView() {
        try (MbufFixture f = new MbufFixture(256, 4)) {
            ByteBuf first = f.receive(1, "first contents");
            first.readerIndex(3);
            first.markReaderIndex();
            first.release();

            ByteBuf second = f.receive(1, "second");
            assertThat(second).as("one preallocated view per slot").isSameAs(first);
            assertThat(second.refCnt()).isEqualTo(1);
            assertThat(second.readerIndex()).isZero();
            assertThat(second.writerIndex()).isEqualTo(6);
            assertThat(second.capacity()).isEqualTo(6);
            assertThat(second.maxCapacity()).isEqualTo(6);
            second.resetReaderIndex();
            assertThat(second.readerIndex()).as("marks are reset too").isZero();
            assertThat(second.toString(StandardCharsets.US_ASCII)).isEqualTo("second");
            second.release();
            assertThat(f.recycled).containsExactly(1, 1);
        }
    }

    @Test
    void closeWithEverySlotBackUnmapsAndReturnsZero() {
        MbufFixture f = new MbufFixture(2048, 1024);
        ByteBuf a = f.receive(0, "a");
        ByteBuf b = f.receive(1, "b");
        a.release();
        b.release();
        assertThat(f.pool.close()).isZero();
        assertThat(f.pool.isClosed()).isTrue();
        assertThat(f.pool.isArenaMapped()).isFalse();
        assertThat(f.pool.close()).as("close is idempotent").isZero();
        assertThatThrownBy(() -> f.pool.received(2, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after close");
    }

    @Test
    void closeTakesInForeignReleasesWithoutRecyclingThem() throws Exception {
        MbufFixture f = new MbufFixture(256, 4);
        ByteBuf buf = f.receive(2, "queued");
        assertThat(onOtherThread(buf::release)).isNull();
        assertThat(f.pool.close()).isZero();
        assertThat(f.recycled).as("no recycle into a ring that may be gone").isEmpty();
        assertThat(f.pool.inUse()).isZero();
        assertThat(f.pool.isArenaMapped()).isFalse();
    }

    @Test
    void closeWithLeakedSlotsKeepsTheMappingWarnsOnceAndReturnsTheCount() {
        Logger logger = (Logger) LoggerFactory.getLogger(MbufPool.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            MbufFixture f = new MbufFixture(256, 8);
            ByteBuf leaked1 = f.receive(0, "leaked one");
            ByteBuf leaked2 = f.receive(1, "leaked two");
            f.receive(2, "returned").release();

            assertThat(f.pool.close()).isEqualTo(2);
            assertThat(f.pool.isArenaMapped()).isTrue();
            assertThat(f.pool.close()).isEqualTo(2);
            assertThat(appender.list).hasSize(1);
            ILoggingEvent warn = appender.list.get(0);
            assertThat(warn.getLevel()).isEqualTo(Level.WARN);
            assertThat(warn.getFormattedMessage()).contains("2 of 8", "keeping", "mapped");

            // The leaked views are still readable: the memory was kept.
            assertThat(leaked1.toString(StandardCharsets.US_ASCII)).isEqualTo("leaked one");

            assertThat(leaked1.release()).isTrue();
            assertThat(f.pool.inUse()).isEqualTo(1);
            assertThatThrownBy(leaked1::readByte).isInstanceOf(IllegalReferenceCountException.class);
            assertThat(leaked2.release()).isTrue();
            assertThat(f.pool.inUse()).isZero();
            assertThat(f.recycled).as("after close, releases only count down").containsExactly(2);

            assertThat(f.pool.close()).as("a later close frees the arena once all is back").isZero();
            assertThat(f.pool.isArenaMapped()).isFalse();
            assertThat(appender.list).hasSize(1);
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void leakedViewReleasedOnAnotherThreadAfterCloseIsHarmless() throws Exception {
        MbufFixture f = new MbufFixture(256, 4);
        ByteBuf leaked = f.receive(3, "late");
        assertThat(f.pool.close()).isEqualTo(1);
        assertThat(onOtherThread(() -> {
            assertThat(leaked.getByte(0)).isEqualTo((byte) 'l');
            leaked.release();
        })).isNull();
        assertThat(f.pool.inUse()).isZero();
        assertThat(f.pool.drainForeignReleases()).isZero();
        assertThat(f.recycled).isEmpty();
        assertThat(f.pool.close()).isZero();
    }

    @Test
    void isMbufRecognisesOnlyTheViewItself() {
        try (MbufFixture f = new MbufFixture(256, 4)) {
            ByteBuf buf = f.receive(0, "abc");
            assertThat(MbufPool.isMbuf(buf)).isTrue();
            assertThat(MbufPool.isMbuf(buf.slice())).isFalse();
            assertThat(MbufPool.isMbuf(null)).isFalse();
            ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(4);
            assertThat(MbufPool.isMbuf(heap)).isFalse();
            heap.release();
            buf.release();
        }
    }

    private static List<Integer> range(int n) {
        List<Integer> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(i);
        }
        return list;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code task} on a new thread, waits for it, and returns what it threw (or {@code null}). */
    static Throwable onOtherThread(Runnable task) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                task.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        }, "not-the-owner");
        t.start();
        t.join();
        return thrown.get();
    }
}
