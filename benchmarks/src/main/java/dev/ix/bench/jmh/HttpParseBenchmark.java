package dev.ix.bench.jmh;

import dev.ix.http.HttpRequestParsers;
import io.netty.buffer.ByteBuf;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * ix-http's request parser on the same requests and sources as {@link HttpDecodeBenchmark} (Netty's
 * {@code HttpRequestDecoder}): one whole request per read, parsed into a head and its end. Run both together to
 * compare, allocation included: {@code ./ix jmh -prof gc 'Http(Parse|Decode)Benchmark'}.
 *
 * <p>{@code parse} is the whole parser (the head copied into the connection's array, then parsed there);
 * {@code copyHead} is the copy alone, to show what copying the head before parsing costs.
 *
 * <p>The forks of the HTTP benchmarks (this, {@link HttpDecodeBenchmark}, {@link HttpEncodeBenchmark}) run with
 * Netty's leak detection {@code disabled}, as Netty's own microbenchmarks and the harness's servers do: at the default
 * level 1 receive view in 128 is tracked with a stack trace (see {@link MbufPoolBenchmark}), about 10 ns per request
 * on average for parser and decoder alike, which measures the detector rather than either codec.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled"})
public class HttpParseBenchmark {
    /** Which request: {@code wrk} or {@code tfb} ({@link Requests}). */
    @Param({"wrk", "tfb"})
    public String request;

    /** Where its bytes sit: {@code direct} (a direct {@code ByteBuf}) or {@code mbuf} (a receive view). */
    @Param({"direct", "mbuf"})
    public String source;

    private HttpRequestParsers.Counting parser;
    private RequestSource bytes;
    private final byte[] head = new byte[1024];

    /** Per iteration, because an mbuf pool belongs to the thread that creates it. */
    @Setup(Level.Iteration)
    public void open() {
        bytes = RequestSource.open(request, source);
        parser = HttpRequestParsers.counting();
    }

    /** Frees the source; an mbuf pool with a slot still held fails the run. */
    @TearDown(Level.Iteration)
    public void close() {
        bytes.close();
    }

    /** @return requests parsed so far, so the work is not dead code */
    @Benchmark
    public long parse() {
        ByteBuf in = bytes.next();
        try {
            return parser.parse(in);
        } finally {
            in.release();
        }
    }

    /** @return a byte of the copy; the bulk copy of the request into an array, as the parser's first step */
    @Benchmark
    public byte copyHead() {
        ByteBuf in = bytes.next();
        try {
            int n = in.readableBytes();
            in.readBytes(head, 0, n);
            return head[n - 1];
        } finally {
            in.release();
        }
    }
}
