package dev.ix.http;

import io.netty.buffer.ByteBuf;

/**
 * Removes the chunk framing of a chunked body (RFC 9112 §7.1): the data of each chunk goes to
 * {@link RequestParser.Listener#onContent} as retained slices of the input, the chunk-size lines, chunk extensions
 * and trailer fields are checked and dropped.
 *
 * <pre>
 *   SIZE ──size &gt; 0──► DATA ──size bytes──► DATA_CRLF ──CRLF──► SIZE
 *     │
 *     └──size 0──► TRAILER ──empty line──► (complete)
 * </pre>
 */
final class ChunkedBodyDecoder {
    private enum State { SIZE, DATA, DATA_CRLF, TRAILER }

    private final HttpLimits limits;
    private final LineBuffer line = new LineBuffer();

    private State state = State.SIZE;
    /** Data bytes of the current chunk still to come. */
    private long remaining;
    /** Data bytes of the body so far, chunks announced included. */
    private long total;
    /** Bytes of the CRLF after a chunk's data seen so far: 0 or 1. */
    private int crlfSeen;
    private int trailerBytes;

    ChunkedBodyDecoder(HttpLimits limits) {
        this.limits = limits;
    }

    void reset() {
        state = State.SIZE;
        remaining = 0;
        total = 0;
        crlfSeen = 0;
        trailerBytes = 0;
        line.clear();
    }

    /**
     * Decodes what {@code in} holds of the body.
     *
     * @return {@code true} once the last chunk and the trailer section are complete ({@code in}'s reader index then
     * just after them), {@code false} when {@code in} was consumed and more bytes are needed
     * @throws HttpParseException 400 for malformed framing, 413 past {@link HttpLimits#maxBodySize()}, 431 for a
     *                            trailer section over {@link HttpLimits#maxHeaderSize()}
     */
    boolean decode(ByteBuf in, RequestParser.Listener listener) {
        while (true) {
            switch (state) {
                case SIZE -> {
                    int end = line.read(in, limits.maxChunkLineLength() + 2, 400, "chunk-size line");
                    if (end < 0) {
                        return false;
                    }
                    long size = ChunkLines.size(line.bytes(), end);
                    line.clear();
                    if (size > limits.maxBodySize() - total) {
                        throw new HttpParseException(413, "chunked body over " + limits.maxBodySize() + " bytes");
                    }
                    total += size;
                    remaining = size;
                    state = size == 0 ? State.TRAILER : State.DATA;
                }
                case DATA -> {
                    if (!in.isReadable()) {
                        return false;
                    }
                    int n = (int) Math.min(remaining, in.readableBytes());
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.DATA_CRLF;
                    }
                    listener.onContent(in.readRetainedSlice(n));
                }
                case DATA_CRLF -> {
                    if (!in.isReadable()) {
                        return false;
                    }
                    if (in.readByte() != (crlfSeen == 0 ? HttpChars.CR : HttpChars.LF)) {
                        throw HttpParseException.badRequest("chunk data not followed by CRLF");
                    }
                    crlfSeen ^= 1;
                    if (crlfSeen == 0) {
                        state = State.SIZE;
                    }
                }
                case TRAILER -> {
                    int end = line.read(in, limits.maxHeaderSize() - trailerBytes, 431, "trailer section");
                    if (end < 0) {
                        return false;
                    }
                    trailerBytes += end + 2;
                    line.clear();
                    if (end == 0) {
                        return true;
                    }
                    byte[] bytes = line.bytes();
                    int colon = FieldLines.colon(bytes, 0, end);
                    FieldLines.valueEnd(bytes, FieldLines.valueStart(bytes, colon + 1, end), end);
                }
            }
        }
    }
}
