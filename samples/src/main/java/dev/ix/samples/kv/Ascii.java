package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/** Writes the text protocol's numbers and fixed words; no allocation. */
final class Ascii {
    /** Copies at least this long go through NIO slices ({@link #copy}). */
    static final int BULK = 16 * 1024;

    private Ascii() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes {@code v} as an unsigned decimal number. */
    static void writeUnsigned(ByteBuf out, long v) {
        if (v >= 0 && v < 10) {
            out.writeByte('0' + (int) v);
            return;
        }
        int length = 0;
        for (long q = v; q != 0; q = Long.divideUnsigned(q, 10)) {
            length++;
        }
        out.ensureWritable(length);
        int at = out.writerIndex() + length;
        for (long q = v; q != 0; q = Long.divideUnsigned(q, 10)) {
            out.setByte(--at, '0' + (int) Long.remainderUnsigned(q, 10));
        }
        out.writerIndex(out.writerIndex() + length);
    }

    /**
     * Appends {@code length} bytes of {@code src} at {@code index} to {@code out}; see {@link #copy}.
     */
    static void copyBytes(ByteBuf src, int index, int length, ByteBuf out) {
        out.ensureWritable(length);
        int at = out.writerIndex();
        copy(src, index, out, at, length);
        out.writerIndex(at + length);
    }

    /**
     * Copies {@code length} bytes of {@code src} at {@code srcIndex} to {@code dst} at {@code dstIndex}, with absolute
     * indices only, so that it allocates nothing and never touches a buffer's shared state: a slab page's view is
     * read and written by every loop at once. Where Netty does not use {@code sun.misc.Unsafe} (the default on JDK
     * 25), a direct buffer reads and writes single values at absolute indices of its {@code ByteBuffer}, but every
     * bulk copy goes through a {@code ByteBuffer} view: {@code writeBytes(ByteBuf)} a new slice per call,
     * {@code internalNioBuffer} one per buffer that the buffer then reuses (not thread-safe). So a copy moves longs;
     * one of at least {@value #BULK} bytes goes through two new NIO slices, whose cost is then small beside the copy.
     */
    static void copy(ByteBuf src, int srcIndex, ByteBuf dst, int dstIndex, int length) {
        if (length >= BULK) {
            dst.nioBuffer(dstIndex, length).put(src.nioBuffer(srcIndex, length));
            return;
        }
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            dst.setLong(dstIndex + i, src.getLong(srcIndex + i));
        }
        for (; i < length; i++) {
            dst.setByte(dstIndex + i, src.getByte(srcIndex + i));
        }
    }

    /** Writes {@code v} as a signed decimal number. */
    static void writeSigned(ByteBuf out, long v) {
        if (v < 0) {
            out.writeByte('-');
            writeUnsigned(out, -v);
        } else {
            writeUnsigned(out, v);
        }
    }
}
