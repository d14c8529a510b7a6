package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;

/**
 * Parses a number from a token of received bytes exactly as memcached's {@code safe_strto*} functions (libc
 * {@code strtoull}/{@code strtol} underneath) do, so that kv accepts and refuses the same input: leading white
 * space and a sign are allowed, the digits must end the token or be followed by white space, an overflow of 64 bits
 * is an error, and a 32-bit result is the 64-bit one truncated. One per connection; the result is left in
 * {@link #value}, so parsing allocates nothing.
 */
final class NumberParser {
    private static final long MAX_DIV_10 = Long.divideUnsigned(-1L, 10);

    /** The last number parsed. */
    long value;

    /** {@code safe_strtoull}: an unsigned 64-bit number in {@code [from, to)}. */
    boolean unsigned64(ByteBuf b, int from, int to) {
        if (!strtoull(b, from, to)) {
            return false;
        }
        // memcached refuses a result that looks negative as a signed number when the text had a minus sign.
        return value >= 0 || b.indexOf(from, to, (byte) '-') < 0;
    }

    /** {@code safe_strtoul}: as {@link #unsigned64} (an unsigned long has 64 bits), then cut to 32 bits. */
    boolean unsigned32(ByteBuf b, int from, int to) {
        if (!unsigned64(b, from, to)) {
            return false;
        }
        value = value & 0xFFFFFFFFL;
        return true;
    }

    /** {@code safe_strtol}: a signed 64-bit number cut to 32 bits (memcached stores a long into an int32_t). */
    boolean signed32(ByteBuf b, int from, int to) {
        int i = skipSpace(b, from, to);
        boolean negative = false;
        if (i < to && (b.getByte(i) == '+' || b.getByte(i) == '-')) {
            negative = b.getByte(i) == '-';
            i++;
        }
        int digits = i;
        long magnitude = 0;
        boolean overflow = false;
        for (; i < to; i++) {
            int d = b.getByte(i) - '0';
            if (d < 0 || d > 9) {
                break;
            }
            if (!overflow) {
                if (magnitude > (Long.MAX_VALUE - d) / 10 && !(negative && magnitude == Long.MAX_VALUE / 10
                        && d == 8)) {
                    overflow = true;
                } else {
                    magnitude = magnitude * 10 + d;
                }
            }
        }
        if (i == digits || overflow || !endsToken(b, i, to)) {
            return false;
        }
        value = (int) (negative ? -magnitude : magnitude);
        return true;
    }

    private boolean strtoull(ByteBuf b, int from, int to) {
        int i = skipSpace(b, from, to);
        boolean negative = false;
        if (i < to && (b.getByte(i) == '+' || b.getByte(i) == '-')) {
            negative = b.getByte(i) == '-';
            i++;
        }
        int digits = i;
        long v = 0;
        boolean overflow = false;
        for (; i < to; i++) {
            int d = b.getByte(i) - '0';
            if (d < 0 || d > 9) {
                break;
            }
            if (Long.compareUnsigned(v, MAX_DIV_10) > 0 || (v == MAX_DIV_10 && d > 5)) {
                overflow = true;
            }
            v = v * 10 + d;
        }
        if (i == digits || overflow || !endsToken(b, i, to)) {
            return false;
        }
        value = negative ? -v : v;
        return true;
    }

    private static int skipSpace(ByteBuf b, int i, int to) {
        while (i < to && isSpace(b.getByte(i))) {
            i++;
        }
        return i;
    }

    private static boolean endsToken(ByteBuf b, int i, int to) {
        return i == to || isSpace(b.getByte(i));
    }

    /** C's {@code isspace} in the C locale. */
    static boolean isSpace(byte c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
