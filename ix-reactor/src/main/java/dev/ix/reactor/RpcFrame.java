package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

import java.nio.charset.StandardCharsets;

/**
 * The wire format of ix RPC, both directions:
 * <pre>
 *   0               4                               12      13
 *   +---------------+-------------------------------+-------+--------------------------+
 *   | length  (u32) | id  (u64)                     | kind  | payload (length - 9)     |
 *   +---------------+-------------------------------+-------+--------------------------+
 *   length: the bytes after the length field (id, kind, payload); 9..maxFrameLength, big-endian
 *   id:     chosen by the client, unique among its calls in flight on the connection; echoed in the response
 *   kind:   1 request, 2 response, 3 error response (payload: the server's message, UTF-8)
 * </pre>
 * Every integer is big-endian. A length outside {@code 9..maxFrameLength} (a length with the top bit set reads as
 * more than {@code maxFrameLength}) or an unknown kind is malformed: the receiver closes the connection.
 */
final class RpcFrame {
    /** Bytes of the length field. */
    static final int LENGTH_BYTES = 4;
    /** Bytes counted by {@code length} before the payload: id and kind. */
    static final int ID_AND_KIND_BYTES = 9;
    /** Bytes of a frame before its payload. */
    static final int HEADER_BYTES = LENGTH_BYTES + ID_AND_KIND_BYTES;

    static final byte REQUEST = 1;
    static final byte RESPONSE = 2;
    static final byte ERROR = 3;

    /** Error messages are cut to this many UTF-8 bytes, so that a huge exception message cannot close the peer. */
    static final int MAX_ERROR_BYTES = 4096;

    /**
     * Payloads up to this size are copied behind the header into one buffer: one write instead of two (a second
     * outbound entry and iovec cost more than copying a few hundred bytes).
     */
    private static final int COPY_BELOW = 512;

    private RpcFrame() {
    }

    /**
     * Writes one frame without flushing. Loop thread of {@code ctx}.
     *
     * @param payload released here or by the write, whatever happens
     */
    static void write(ChannelHandlerContext ctx, long id, byte kind, ByteBuf payload) {
        int n = payload.readableBytes();
        boolean copy = n <= COPY_BELOW;
        ByteBuf header = ctx.alloc().ioBuffer(copy ? HEADER_BYTES + n : HEADER_BYTES);
        header.writeInt(ID_AND_KIND_BYTES + n).writeLong(id).writeByte(kind);
        if (copy) {
            header.writeBytes(payload, payload.readerIndex(), n);
            payload.release();
            ctx.write(header, ctx.voidPromise());
        } else {
            ctx.write(header, ctx.voidPromise());
            ctx.write(payload, ctx.voidPromise());
        }
    }

    /** Writes an error frame carrying {@code message} (cut to {@value #MAX_ERROR_BYTES} UTF-8 bytes). */
    static void writeError(ChannelHandlerContext ctx, long id, String message) {
        byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(utf8.length, MAX_ERROR_BYTES);
        ByteBuf frame = ctx.alloc().ioBuffer(HEADER_BYTES + n);
        frame.writeInt(ID_AND_KIND_BYTES + n).writeLong(id).writeByte(ERROR).writeBytes(utf8, 0, n);
        ctx.write(frame, ctx.voidPromise());
    }

    /** @return the error message an error frame's payload carries; the payload is released */
    static String readError(ByteBuf payload) {
        try {
            return payload.toString(StandardCharsets.UTF_8);
        } finally {
            payload.release();
        }
    }

    /** @return {@code kind} as a word for log lines */
    static String kindName(int kind) {
        return switch (kind) {
            case REQUEST -> "request";
            case RESPONSE -> "response";
            case ERROR -> "error";
            default -> "unknown kind " + kind;
        };
    }
}
