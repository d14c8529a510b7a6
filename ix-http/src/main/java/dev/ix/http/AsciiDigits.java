package dev.ix.http;

import io.netty.buffer.ByteBuf;

/**
 * Numbers written as ASCII digits straight into their destination, without a {@code String}: what keeps a
 * {@code Content-Length}, a chunk size and the {@code Date} value free of allocation.
 */
final class AsciiDigits {
    private static final byte[] HEX = HttpChars.ascii("0123456789abcdef");

    private AsciiDigits() {
    }

    /**
     * Writes {@code value} in decimal at {@code out}'s writer index and advances it.
     *
     * @param value 0 or more
     */
    static void writeDecimal(ByteBuf out, long value) {
        int digits = decimalDigits(value);
        out.ensureWritable(digits);
        int end = out.writerIndex() + digits;
        long rest = value;
        for (int i = end - 1; i >= end - digits; i--) {
            out.setByte(i, (int) ('0' + rest % 10));
            rest /= 10;
        }
        out.writerIndex(end);
    }

    /**
     * Writes {@code value} in lower-case hexadecimal, without leading zeros, at {@code out}'s writer index and
     * advances it.
     *
     * @param value 0 or more
     */
    static void writeHex(ByteBuf out, long value) {
        int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(value) + 3) >>> 2);
        out.ensureWritable(digits);
        int start = out.writerIndex();
        for (int i = 0; i < digits; i++) {
            out.setByte(start + i, HEX[(int) (value >>> ((digits - 1 - i) << 2)) & 0xF]);
        }
        out.writerIndex(start + digits);
    }

    /** Writes {@code value}, 0..99, as two digits at {@code dst[at]} and {@code dst[at + 1]}. */
    static void twoDigits(byte[] dst, int at, int value) {
        dst[at] = (byte) ('0' + value / 10);
        dst[at + 1] = (byte) ('0' + value % 10);
    }

    /** @return how many decimal digits {@code value} (0 or more) has, at least 1 */
    private static int decimalDigits(long value) {
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        return digits;
    }
}
