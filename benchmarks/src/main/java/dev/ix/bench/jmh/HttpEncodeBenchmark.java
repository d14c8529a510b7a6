package dev.ix.bench.jmh;

import dev.ix.http.HttpResponseEncoders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

/**
 * Encoding TechEmpower's plaintext response ({@code 200 OK}, {@code Content-Type: text/plain},
 * {@code Content-Length: 13}, {@code Server}, {@code Date}, body {@code Hello, World!}): ix-http's
 * {@code ResponseEncoder} beside Netty's {@link HttpResponseEncoder}. Average time, nanoseconds per response; run
 * with {@code -prof gc} for bytes per response.
 *
 * <ul>
 *   <li>{@code ix}: head and body written into one reused pooled buffer, cleared each time: the gathering buffer
 *       a server fills with a turn's responses; the {@code Date} is the thread's lazily refreshed value.</li>
 *   <li>{@code netty}: what a Netty-codec server does per request: a {@link DefaultFullHttpResponse} with its
 *       headers (constant {@link AsciiString}s, the {@code Date} cached as Netty's hello caches it) and a retained
 *       slice of a constant body, written through an {@link EmbeddedChannel} whose outbound buffer is read and
 *       released.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled"})
public class HttpEncodeBenchmark {
    private static final AsciiString SERVER = AsciiString.cached("ix");
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");

    private HttpResponseEncoders.Plaintext ix;
    private ByteBuf gathered;
    private EmbeddedChannel channel;
    private ByteBuf body;
    private AsciiString date;

    @Setup(Level.Iteration)
    public void open() {
        ix = HttpResponseEncoders.plaintext(SERVER);
        gathered = PooledByteBufAllocator.DEFAULT.directBuffer(256);
        channel = new EmbeddedChannel(new HttpResponseEncoder());
        body = Unpooled.unreleasableBuffer(Unpooled.directBuffer(13).writeBytes(
                "Hello, World!".getBytes(StandardCharsets.US_ASCII)));
        date = AsciiString.cached(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()));
    }

    @TearDown(Level.Iteration)
    public void close() {
        gathered.release();
        channel.finishAndReleaseAll();
    }

    /** @return the bytes written, so the work is not dead code */
    @Benchmark
    public int ix() {
        ByteBuf out = gathered.clear();
        ix.encode(out);
        return out.readableBytes();
    }

    /** @return the bytes encoded, so the work is not dead code */
    @Benchmark
    public int netty() {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                body.duplicate(), false);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN);
        headers.set(HttpHeaderNames.SERVER, SERVER);
        headers.set(HttpHeaderNames.DATE, date);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, 13);
        channel.writeOutbound(response);
        int bytes = 0;
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            bytes += b.readableBytes();
            b.release();
        }
        return bytes;
    }
}
