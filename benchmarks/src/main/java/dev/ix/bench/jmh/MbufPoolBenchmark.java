package dev.ix.bench.jmh;

import dev.ix.transport.IxTransportProperties;
import io.netty.buffer.ByteBuf;
import org.jctools.queues.atomic.SpscAtomicArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

import java.util.concurrent.TimeUnit;

/**
 * The receive buffers of {@link dev.ix.transport.mbuf.MbufPool}, with the transport's default geometry
 * ({@value IxTransportProperties#MBUF_COUNT_DEFAULT} slots of {@value IxTransportProperties#MBUF_SIZE_DEFAULT} B) and
 * a 49-byte wrk request in every slot. Average time, nanoseconds per operation.
 *
 * <ul>
 *   <li>{@link #ownerReceiveRelease}: the loop receives a slot the kernel filled ({@code received(slotId, len)}) and
 *       the pipeline releases the view on the loop thread, so the slot goes straight back to the recycler. One
 *       operation is one receive plus one release. Must allocate 0 B/op: the views are recycled.</li>
 *   <li>group {@code handoff}: the loop ({@link #handoffProduce}) receives and hands each view to an application
 *       thread through a bounded SPSC queue; that thread ({@link #handoffRelease}) releases it, which queues the
 *       slot on the pool's MPSC queue; the loop takes the slots back with {@code drainForeignReleases()} whenever
 *       its free list runs dry. Each method's score is the time per buffer on its thread; 0 B/op expected too.</li>
 * </ul>
 *
 * <p>The forks run with Netty's leak detection {@code disabled}, so that every receive takes the untracked path (the
 * slot's reused view) that these numbers are about. At Netty's default level, {@code simple}, 1 receive in 128 is a
 * fresh view tracked by the leak detector (see {@code MbufPool}): {@code ownerReceiveRelease} then measured
 * 13 B/op (about 1.7 KB per tracked receive, its record's stack trace included), and at {@code paranoid} 2.4 KB/op
 * and about 2.5 µs/op (run with {@code -jvmArgsAppend "--enable-native-access=ALL-UNNAMED
 * -Dio.netty.leakDetection.level=simple"} to see it).
 *
 * <p>Pools are created per iteration, on the thread that then owns them: JMH does not promise that a thread-scoped
 * state stays on one thread across iterations, and a pool refuses every call off its owner thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled"})
public class MbufPoolBenchmark {
    static final int SLOT_SIZE = IxTransportProperties.MBUF_SIZE_DEFAULT;
    static final int SLOT_COUNT = IxTransportProperties.MBUF_COUNT_DEFAULT;
    /** Views in flight between the loop and the application thread; a quarter of the slots, so drains batch. */
    static final int HANDOFF_CAPACITY = 1024;

    /** The loop of {@link #ownerReceiveRelease}: a pool attached to the benchmark thread. */
    @State(Scope.Thread)
    public static class Owner {
        ReceivePath path;

        @Setup(Level.Iteration)
        public void open() {
            path = ReceivePath.open(SLOT_SIZE, SLOT_COUNT, Requests.bytes("wrk"));
        }

        @TearDown(Level.Iteration)
        public void close() {
            path.close();
        }
    }

    /**
     * What the loop and the application thread of the {@code handoff} group share: the pool, created and attached
     * by the loop thread ({@link Loop}), and the SPSC queue between them.
     */
    @State(Scope.Group)
    public static class Handoff {
        final SpscAtomicArrayQueue<ByteBuf> queue = new SpscAtomicArrayQueue<>(HANDOFF_CAPACITY);
        ReceivePath path;

        /**
         * Releases the views still queued when the iteration stopped, then closes the pool. JMH runs iteration
         * tear-downs once every thread of the run has left its measurement loop, so the pool's owner has stopped.
         */
        @TearDown(Level.Iteration)
        public void close() {
            ByteBuf buf;
            while ((buf = queue.poll()) != null) {
                buf.release();
            }
            path.close();
            path = null;
        }
    }

    /** The loop thread of the {@code handoff} group: creates the group's pool so that it owns it. */
    @State(Scope.Thread)
    public static class Loop {
        @Setup(Level.Iteration)
        public void open(Handoff handoff) {
            handoff.path = ReceivePath.open(SLOT_SIZE, SLOT_COUNT, Requests.bytes("wrk"));
        }
    }

    /**
     * Receive then release on the loop thread: the path of a buffer that the pipeline consumes synchronously.
     *
     * @return the bytes received, so the view's reads are not dead code
     */
    @Benchmark
    public int ownerReceiveRelease(Owner owner) {
        ByteBuf buf = owner.path.receive();
        int n = buf.readableBytes();
        buf.release();
        return n;
    }

    /**
     * The loop side of the hand-off: one receive, and the view offered to the application thread. Waits (spins,
     * then yields) while no slot is free or the queue is full.
     *
     * @return {@code false} when the iteration ended before the view could be handed off
     */
    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public boolean handoffProduce(Loop loop, Handoff handoff, Control control) {
        ReceivePath path = handoff.path;
        ByteBuf buf;
        for (int attempt = 0; (buf = path.receive()) == null; attempt++) {
            if (control.stopMeasurement) {
                return false;
            }
            Backoff.idle(attempt);
        }
        for (int attempt = 0; !handoff.queue.offer(buf); attempt++) {
            if (control.stopMeasurement) {
                buf.release(); // on the loop thread: straight back to the free list
                return false;
            }
            Backoff.idle(attempt);
        }
        return true;
    }

    /**
     * The application side of the hand-off: one view taken from the queue and released on this thread, which is
     * a foreign release for the pool. Waits (spins, then yields) while the queue is empty.
     *
     * @return {@code false} when the iteration ended before a view arrived
     */
    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public boolean handoffRelease(Handoff handoff, Control control) {
        ByteBuf buf;
        for (int attempt = 0; (buf = handoff.queue.relaxedPoll()) == null; attempt++) {
            if (control.stopMeasurement) {
                return false;
            }
            Backoff.idle(attempt);
        }
        return buf.release();
    }
}
