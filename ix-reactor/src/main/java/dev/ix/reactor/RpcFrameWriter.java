package dev.ix.reactor;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Encodes a connection's outgoing RPC frames into a {@link GatheringWriter}: a frame's header and a small payload
 * are copied into the turn's gathering buffer; a bigger payload is written as it is, after its header. The handler
 * calls {@link #writeOut()} before every flush. Loop thread only.
 */
final class RpcFrameWriter {
    private final GatheringWriter out;

    RpcFrameWriter(GatheringWriter out) {
        this.out = out;
    }

    /**
     * @param payload released here or by the write, whatever happens
     */
    void frame(long id, byte kind, ByteBuf payload) {
        int n = payload.readableBytes();
        ByteBuf b = out.room(RpcFrame.HEADER_BYTES + (n <= GatheringWriter.COPY_BELOW ? n : 0));
        b.writeInt(RpcFrame.ID_AND_KIND_BYTES + n).writeLong(id).writeByte(kind);
        out.write(payload);
    }

    /** An error frame carrying {@code message}, cut to {@value RpcFrame#MAX_ERROR_BYTES} UTF-8 bytes. */
    void error(long id, String message) {
        byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(utf8.length, RpcFrame.MAX_ERROR_BYTES);
        ByteBuf b = out.room(RpcFrame.HEADER_BYTES + n);
        b.writeInt(RpcFrame.ID_AND_KIND_BYTES + n).writeLong(id).writeByte(RpcFrame.ERROR).writeBytes(utf8, 0, n);
    }

    /** Writes the gathered frames to the pipeline (without flushing). */
    void writeOut() {
        out.writeOut();
    }

    /** Drops what was gathered and not written: the connection closed. */
    void release() {
        out.release();
    }
}
