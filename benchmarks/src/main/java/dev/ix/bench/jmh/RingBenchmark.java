package dev.ix.bench.jmh;

import dev.ix.transport.IxTransportProperties;
import dev.ix.transport.uring.NativeIoException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The io_uring round trip through {@link dev.ix.transport.uring.Ring}: write {@code IORING_OP_NOP} SQEs into the
 * mmapped array, submit them with {@code io_uring_enter(GETEVENTS)} and reap their CQEs. A NOP does no I/O, so this
 * is the fixed cost the transport pays per operation and per system call. Average time, nanoseconds per NOP.
 *
 * <ul>
 *   <li>{@link #nop}: one SQE per {@code io_uring_enter}: the system call dominates.</li>
 *   <li>{@link #nopBatch}: {@value #BATCH} SQEs per {@code io_uring_enter} (the loop's default batch limit),
 *       reported per NOP: the system call is shared, so this is close to the cost of one SQE and one CQE.</li>
 * </ul>
 * Both must allocate 0 B/op.
 *
 * <p>The ring is opened per iteration on the benchmark thread: it is {@code SINGLE_ISSUER}, and JMH does not promise
 * that a thread-scoped state stays on one thread across iterations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RingBenchmark {
    /** NOPs per {@code io_uring_enter} in {@link #nopBatch}; the transport's default batch limit. */
    static final int BATCH = IxTransportProperties.BATCH_LIMIT_DEFAULT;

    NopRing ring;

    @Setup(Level.Iteration)
    public void open() throws NativeIoException {
        ring = NopRing.open(2 * BATCH);
    }

    @TearDown(Level.Iteration)
    public void close() {
        ring.close();
    }

    /** @return completions reaped: 1 */
    @Benchmark
    public int nop() throws NativeIoException {
        return ring.nops(1);
    }

    /** @return completions reaped: {@value #BATCH} */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int nopBatch() throws NativeIoException {
        return ring.nops(BATCH);
    }
}
