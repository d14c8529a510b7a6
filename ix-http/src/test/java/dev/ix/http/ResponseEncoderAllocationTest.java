package dev.ix.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Encoding a response allocates nothing: the bytes this thread allocated (HotSpot's per-thread counter, not a timing)
 * over many encodes stay at the counter's own noise. The lazy date is used here, so the clock check and the rebuild
 * once a second are inside the measurement too.
 */
class ResponseEncoderAllocationTest {
    private static final int ENCODES = 100_000;
    /** What reading the counter itself may allocate, whatever the code between two reads did. */
    private static final long NOISE = 1024;
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");
    private static final AsciiString X_REQUEST_ID = AsciiString.cached("X-Request-Id");
    private static final AsciiString ID = AsciiString.cached("4711");
    private static final byte[] BODY = Parsing.bytes("Hello, World!");

    @Test
    void allocatesNothingPerResponse() {
        ResponseEncoder encoder = new ResponseEncoder(HttpDate.lazy(), "ix");
        // A wrapped JDK buffer: paranoid leak detection wraps allocator buffers in a tracker that allocates per call.
        ByteBuf out = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(1024));
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();

        long bytes = encodeRepeatedly(encoder, out);
        long before = threads.getThreadAllocatedBytes(thread);
        bytes += encodeRepeatedly(encoder, out);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(bytes).isPositive();
        assertThat(allocated).as("bytes allocated by %d encodes", ENCODES).isLessThan(NOISE);
        out.release();
    }

    /** @return bytes written, so the work cannot be skipped */
    private static long encodeRepeatedly(ResponseEncoder encoder, ByteBuf out) {
        long bytes = 0;
        for (int i = 0; i < ENCODES; i++) {
            out.clear();
            encoder.writeHead(out, HttpStatus.OK, TEXT_PLAIN, BODY.length, 0);
            encoder.writeHeader(out, X_REQUEST_ID, ID);
            encoder.writeHeader(out, "Cache-Control", "no-cache"); // Strings are written without copies too
            encoder.writeEndOfHead(out);
            out.writeBytes(BODY);
            encoder.writeHead(out, HttpStatus.NOT_FOUND, null, ResponseEncoder.UNKNOWN_LENGTH, ResponseEncoder.CLOSE);
            encoder.writeEndOfHead(out);
            encoder.writeChunkStart(out, i + 1);
            encoder.writeChunkEnd(out);
            encoder.writeLastChunk(out);
            bytes += out.readableBytes();
        }
        return bytes;
    }
}
