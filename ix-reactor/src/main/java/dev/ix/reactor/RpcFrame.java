package dev.ix.reactor;

import io.netty.buffer.ByteBuf;

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

    private RpcFrame() {
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
