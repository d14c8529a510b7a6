package dev.ix.bench.load;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * ix RPC's frame layout as the harness speaks it (the generator, the RPC peers' readiness probe and the Netty
 * baseline peer); ix-reactor's own {@code RpcFrame} is internal to that module. Both directions, big-endian:
 * <pre>
 *   0               4                               12      13
 *   +---------------+-------------------------------+-------+--------------------------+
 *   | length  (u32) | id  (u64)                     | kind  | payload (length - 9)     |
 *   +---------------+-------------------------------+-------+--------------------------+
 *   length: the bytes after the length field; kind: 1 request, 2 response, 3 error (payload: a UTF-8 message)
 * </pre>
 */
public final class RpcWire {

    /** Bytes of the length field. */
    public static final int LENGTH_BYTES = 4;
    /** Bytes the length counts before the payload: id and kind. */
    public static final int ID_AND_KIND_BYTES = 9;
    /** Bytes of a frame before its payload. */
    public static final int HEADER_BYTES = LENGTH_BYTES + ID_AND_KIND_BYTES;
    /** The largest frame ix's RPC server accepts by default, in bytes after the length field (1 MiB). */
    public static final int MAX_FRAME_LENGTH = 1 << 20;

    /** Kind of a request frame. */
    public static final byte REQUEST = 1;
    /** Kind of a response frame. */
    public static final byte RESPONSE = 2;
    /** Kind of an error response frame. */
    public static final byte ERROR = 3;

    /** What every generated request carries: TechEmpower's plaintext body, so both protocols move the same text. */
    static final byte[] PAYLOAD = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private RpcWire() {
    }

    /**
     * Appends one frame to {@code out}.
     *
     * @param payload its readable bytes are copied; its indices do not move
     * @return {@code out}
     */
    public static ByteBuf writeFrame(ByteBuf out, long id, byte kind, ByteBuf payload) {
        int n = payload.readableBytes();
        return out.writeInt(ID_AND_KIND_BYTES + n).writeLong(id).writeByte(kind)
                .writeBytes(payload, payload.readerIndex(), n);
    }
}
