package dev.ix.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte searches eight bytes at a time ("SIMD within a register"): the scans that touch every byte of a head,
 * finding line ends and checking field values, and the comparison of field names with the known ones, read a
 * {@code long} per step instead of a byte.
 *
 * <p>The tests are the classic "has a zero byte" trick, {@code (x - 0x01..01) & ~x & 0x80..80}, on the word XORed
 * with the byte sought. In little-endian order the lowest flagged byte is exact (a borrow only propagates upwards from
 * a true match), so the first match is found without a per-byte loop; with no match there is no borrow and no flag.
 */
final class Swar {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long LFS = ONES * HttpChars.LF;
    private static final long DELS = ONES * 0x7F;
    private static final long SPACES = ONES * HttpChars.SP;

    private Swar() {
    }

    /** @return the eight bytes at {@code index}, the first in the lowest bits */
    static long word(byte[] bytes, int index) {
        return (long) LONGS.get(bytes, index);
    }

    /** @return a word of {@link #word} order holding {@code ascii} (at most eight characters), zeros after it */
    static long word(String ascii) {
        long word = 0;
        for (int i = ascii.length() - 1; i >= 0; i--) {
            word = word << 8 | ascii.charAt(i);
        }
        return word;
    }

    /** @return the index of the first LF in {@code bytes[from, to)}, or -1 */
    static int indexOfLf(byte[] bytes, int from, int to) {
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long x = (long) LONGS.get(bytes, i) ^ LFS;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (bytes[i] == HttpChars.LF) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @return the index of the first CTL (HTAB, CR and LF included) or DEL in {@code bytes[from, to)}, or {@code to}:
     * every byte before it is VCHAR, SP or obs-text
     */
    static int indexOfControl(byte[] bytes, int from, int to) {
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long x = (long) LONGS.get(bytes, i);
            // Below SP: only bytes with the high bit clear can be (obs-text, 0x80-0xFF, is not).
            long control = (x - SPACES) & ~x & HIGHS;
            long y = x ^ DELS;
            long found = control | (y - ONES) & ~y & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            int b = bytes[i] & 0xFF;
            if (b < HttpChars.SP || b == 0x7F) {
                return i;
            }
        }
        return to;
    }

    /**
     * Whether {@code bytes[start, start + lower.length)} equals {@code lower} ASCII case-insensitively, eight bytes
     * per step; the caller has checked that the range is inside {@code bytes}.
     *
     * @param lower lower-case letters, digits and {@code -} only: setting bit 0x20 of every byte folds exactly the
     *              upper-case letters onto them and maps no other {@code tchar} onto one of them
     */
    static boolean equalsLower(byte[] bytes, int start, byte[] lower) {
        int i = 0;
        for (; i <= lower.length - Long.BYTES; i += Long.BYTES) {
            if (((long) LONGS.get(bytes, start + i) | SPACES) != (long) LONGS.get(lower, i)) {
                return false;
            }
        }
        for (; i < lower.length; i++) {
            if ((bytes[start + i] | HttpChars.SP) != lower[i]) {
                return false;
            }
        }
        return true;
    }
}
