package dev.ix.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The HTTP request every connection sends, {@code GET path}, encoded once into a direct buffer that holds it
 * {@code copies} times in a row, so that {@code n} pipelined requests leave as one slice of it: no encoding and no
 * copying per request. HTTP requests carry no number, so every slice starts at the buffer's start.
 *
 * <p>Thread-safe once built (slices only read it). The buffer belongs to this object until {@link #release()}.
 */
final class RequestTemplate implements RequestBlock {

    private final ByteBuf block;
    private final int length;
    private final int copies;

    private RequestTemplate(ByteBuf block, int length, int copies) {
        this.block = block;
        this.length = length;
        this.copies = copies;
    }

    /**
     * @param uri     {@code http://host[:port]/path[?query]}
     * @param headers extra header lines, {@code Name: value}; one named {@code Host} replaces the default one
     * @param copies  the most requests one slice may hold (the pipeline depth)
     */
    static RequestTemplate of(URI uri, List<String> headers, int copies) {
        byte[] request = encode(uri, headers);
        ByteBuf block = Unpooled.directBuffer(request.length * copies);
        for (int i = 0; i < copies; i++) {
            block.writeBytes(request);
        }
        return new RequestTemplate(block, request.length, copies);
    }

    private static byte[] encode(URI uri, List<String> headers) {
        Target target = Target.of(uri);
        StringBuilder sb = new StringBuilder(128);
        sb.append("GET ").append(target.requestTarget()).append(" HTTP/1.1\r\n");
        boolean host = false;
        for (String h : headers) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("header: " + h + " (expected: Name: value)");
            }
            host |= h.substring(0, colon).strip().equalsIgnoreCase("host");
        }
        if (!host) {
            sb.append("Host: ").append(target.authority()).append("\r\n");
        }
        for (String h : headers) {
            sb.append(h.strip()).append("\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public ByteBuf requests(int connection, long sequence, int n) {
        return requests(0, n);
    }

    /** @param first ignored: every HTTP request is the same */
    ByteBuf requests(int first, int n) {
        if (n < 1 || n > copies) {
            throw new IllegalArgumentException("n: " + n + " (expected: 1.." + copies + ")");
        }
        return block.retainedSlice(0, n * length);
    }

    @Override
    public void release() {
        block.release();
    }
}
