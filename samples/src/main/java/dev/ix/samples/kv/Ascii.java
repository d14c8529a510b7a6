package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/** Writes the text protocol's numbers and fixed words; no allocation. */
final class Ascii {
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
