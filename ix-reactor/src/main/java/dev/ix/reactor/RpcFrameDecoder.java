package dev.ix.reactor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * Cuts {@link RpcFrame}s out of a byte stream that arrives split anywhere, on either side of a connection.
 *
 * <p>Received buffers are views on the loop's mbufs, which the whole loop shares: none is kept past
 * {@link #settle}. Complete frames are read straight from the received buffer; the bytes of a frame that has not
 * fully arrived (or that the caller is not ready to take) are copied into a cumulation buffer of our own, and every
 * payload is copied out into a buffer of its own, so a handler may keep its request, and a caller its response, as
 * long as it likes without holding a receive slot.
 *
 * <p>Use per read: {@link #add} the received buffer, then {@link #hasFrame()} / {@link #id()} / {@link #kind()} /
 * {@link #readPayload} while the caller wants frames, then {@link #settle}. {@link #hasFrame()} checks the length
 * before anything is allocated for the frame. Loop thread only; not thread-safe.
 */
final class RpcFrameDecoder {
    private final int maxFrameLength;
    private final ByteBufAllocator alloc;
    /** What is read from: the received buffer between add and settle, else the cumulation; or null when empty. */
    private ByteBuf input;
    /** Whether {@link #input} is the received buffer (borrowed until settle) rather than our cumulation. */
    private boolean borrowed;

    /**
     * @param maxFrameLength the largest {@code length} field accepted, at least {@value RpcFrame#ID_AND_KIND_BYTES}
     * @param alloc          allocates the cumulation and the payloads
     */
    RpcFrameDecoder(int maxFrameLength, ByteBufAllocator alloc) {
        this.maxFrameLength = maxFrameLength;
        this.alloc = alloc;
    }

    /** Takes {@code in} (released here or by {@link #settle}). */
    void add(ByteBuf in) {
        if (input == null) {
            input = in;
            borrowed = true;
            return;
        }
        try {
            input.discardSomeReadBytes().writeBytes(in);
        } finally {
            in.release();
        }
    }

    /**
     * @return whether a whole frame is buffered
     * @throws MalformedFrameException when the next frame's length is out of bounds
     */
    boolean hasFrame() {
        ByteBuf in = input;
        if (in == null || in.readableBytes() < RpcFrame.LENGTH_BYTES) {
            return false;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        if (length < RpcFrame.ID_AND_KIND_BYTES) {
            throw new MalformedFrameException("length " + length + " is shorter than a frame's id and kind ("
                    + RpcFrame.ID_AND_KIND_BYTES + " bytes)");
        }
        if (length > maxFrameLength) {
            throw new MalformedFrameException("length " + length + " exceeds maxFrameLength " + maxFrameLength);
        }
        return in.readableBytes() >= RpcFrame.LENGTH_BYTES + length;
    }

    /** @return the id of the frame {@link #hasFrame()} found */
    long id() {
        return input.getLong(input.readerIndex() + RpcFrame.LENGTH_BYTES);
    }

    /** @return the kind byte of the frame {@link #hasFrame()} found */
    byte kind() {
        return input.getByte(input.readerIndex() + RpcFrame.LENGTH_BYTES + 8);
    }

    /** @return the payload of the frame {@link #hasFrame()} found, copied into a buffer the caller owns; consumes it */
    ByteBuf readPayload() {
        ByteBuf in = input;
        int n = in.getInt(in.readerIndex()) - RpcFrame.ID_AND_KIND_BYTES;
        in.skipBytes(RpcFrame.HEADER_BYTES);
        if (n == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuf payload = alloc.ioBuffer(n);
        in.readBytes(payload, n);
        return payload;
    }

    /** Skips the frame {@link #hasFrame()} found. */
    void skipFrame() {
        input.skipBytes(RpcFrame.LENGTH_BYTES + input.getInt(input.readerIndex()));
    }

    /** Ends a read: returns the received buffer, keeping a copy of what is left of it. */
    void settle() {
        ByteBuf in = input;
        if (in == null) {
            return;
        }
        if (!in.isReadable()) {
            in.release();
            input = null;
        } else if (borrowed) {
            // The whole frame in progress when its length is known, so that it is not copied again as it grows.
            int frame = in.readableBytes() >= RpcFrame.LENGTH_BYTES
                    ? RpcFrame.LENGTH_BYTES + (int) Math.min(in.getUnsignedInt(in.readerIndex()), maxFrameLength)
                    : RpcFrame.HEADER_BYTES;
            ByteBuf cumulation = alloc.ioBuffer(Math.max(frame, in.readableBytes()));
            cumulation.writeBytes(in);
            in.release();
            input = cumulation;
        }
        borrowed = false;
    }

    /** @return bytes buffered and not yet taken */
    int buffered() {
        return input == null ? 0 : input.readableBytes();
    }

    /** Releases what is buffered; the decoder is empty afterwards. */
    void release() {
        if (input != null) {
            input.release();
            input = null;
        }
        borrowed = false;
    }

    /** A frame that cannot be decoded: the connection must be closed. The message says why. */
    static final class MalformedFrameException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedFrameException(String reason) {
            super(reason, null, false, false);
        }
    }
}
