package dev.ix.bench.jmh;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
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
 * Netty's {@link HttpRequestDecoder} turning one whole request, as one read delivers it, into an
 * {@code HttpRequest} and a {@code LastHttpContent}: {@code channelRead} then {@code channelReadComplete} through an
 * {@link EmbeddedChannel} pipeline ending in a {@link RequestSink}. Average time, nanoseconds per request.
 *
 * <p>This is the baseline the HTTP layer has to beat, allocation included: Netty's decoder allocates the request,
 * its headers and their strings for every request, and {@code -prof gc} reports how many bytes that is.
 *
 * <p>Parameters: {@code request} is {@link Requests#WRK} (49 B) or {@link Requests#TFB} (170 B); {@code source} is
 * where the bytes sit: {@code direct}, one direct {@code ByteBuf} read again each time (retained so the decoder's
 * release does not free it), or {@code mbuf}, a receive view of an {@code MbufPool} slot as the ix transport delivers
 * it (the decoder's release recycles the slot).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled"})
public class HttpDecodeBenchmark {
    /** Which request: {@code wrk} or {@code tfb} ({@link Requests}). */
    @Param({"wrk", "tfb"})
    public String request;

    /** Where its bytes sit: {@code direct} (a direct {@code ByteBuf}) or {@code mbuf} (a receive view). */
    @Param({"direct", "mbuf"})
    public String source;

    private EmbeddedChannel channel;
    private ChannelPipeline pipeline;
    private RequestSink sink;
    private RequestSource bytes;

    /** Per iteration, because an mbuf pool belongs to the thread that creates it. */
    @Setup(Level.Iteration)
    public void open() {
        bytes = RequestSource.open(request, source);
        sink = new RequestSink();
        channel = new EmbeddedChannel(new HttpRequestDecoder(), sink);
        pipeline = channel.pipeline();
    }

    /** Closes the channel and frees the source; an mbuf pool with a slot still held fails the run. */
    @TearDown(Level.Iteration)
    public void close() {
        channel.finishAndReleaseAll();
        bytes.close();
    }

    /** @return requests decoded so far, so the work is not dead code */
    @Benchmark
    public long decode() {
        pipeline.fireChannelRead(bytes.next()); // the decoder releases it once consumed
        pipeline.fireChannelReadComplete();
        return sink.requests();
    }

    /** @return the end of the pipeline, for checks */
    RequestSink sink() {
        return sink;
    }

    /** @return the receive path of the {@code mbuf} source, {@code null} for {@code direct}; for checks */
    ReceivePath mbufs() {
        return bytes.mbufs();
    }
}
