package dev.ix.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parsing requests without a body allocates nothing: the bytes this thread allocated (HotSpot's per-thread counter,
 * not a timing) over many parses on one connection's parser stay at the counter's own noise. JMH's {@code -prof gc}
 * in {@code HttpParseBenchmark} gives the compiled figure.
 */
class RequestParserAllocationTest {
    private static final int PARSES = 20_000;
    /** What reading the counter itself may allocate, whatever the code between two reads did. */
    private static final long NOISE = 1024;

    @ParameterizedTest
    @ValueSource(strings = {
        "GET /plaintext HTTP/1.1\r\nHost: localhost:8080\r\n\r\n",
        "GET /plaintext HTTP/1.1\r\nHost: tfb-server:8080\r\n"
                + "Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7\r\n"
                + "Connection: keep-alive\r\n\r\n",
        "GET /a?b=c HTTP/1.1\r\nHost: h\r\n\r\nGET /d HTTP/1.1\r\nHost: h\r\n\r\nGET /e HTTP/1.1\r\nHost: h\r\n\r\n"
    })
    void allocatesNothingPerRequestWithoutBody(String request) {
        byte[] bytes = Parsing.bytes(request);
        // A wrapped JDK buffer: paranoid leak detection wraps allocator buffers in a tracker that allocates per call.
        ByteBuf in = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip());
        // The parser and listener the JMH benchmark measures.
        HttpRequestParsers.Counting parser = HttpRequestParsers.counting();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();

        parseRepeatedly(parser, in);
        long before = threads.getThreadAllocatedBytes(thread);
        long requests = parseRepeatedly(parser, in);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(requests).isEqualTo(2L * PARSES * (request.split("GET ").length - 1));
        assertThat(allocated).as("bytes allocated by %d parses", PARSES).isLessThan(NOISE);
        in.release();
    }

    /** @return requests parsed so far (a rejected one throws) */
    private static long parseRepeatedly(HttpRequestParsers.Counting parser, ByteBuf in) {
        long requests = 0;
        for (int i = 0; i < PARSES; i++) {
            requests = parser.parse(in.readerIndex(0));
        }
        return requests;
    }
}
