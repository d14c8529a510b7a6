package dev.ix.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte searches eight bytes at a time ("SIMD within a register"): the scans that touch every byte of a head,
 * finding line ends and checking field values, and the comparison of tokens with constants ({@link Caseless}),
 * read a {@code long} per step instead of a byte.
 *
 * <p>The byte search ({@link #indexOf(long, byte)}: LF, colon) is the classic "has a zero byte" trick,
 * {@code (x - 0x01..01) & ~x & 0x80..80}, on the word XORed with the byte sought. In little-endian order the lowest
 * flagged byte is exact (a borrow only propagates upwards from a true match), so the first match is found without a
 * per-byte loop; with no match there is no borrow and no flag. The control search flags each byte exactly: it adds
 * to 7-bit bytes, which never carry into their neighbour.
 */
final class Swar {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long HASHES = ONES * '#';
    private static final long QUESTION_MARKS = ONES * '?';
    /** Subtracted from a byte, borrows exactly when the byte is SP or below. */
    private static final long EXCLAMATION_MARKS = ONES * '!';
    /** Added to a byte under 0x80, sets its high bit exactly when the byte is SP or above. */
    private static final long BELOW_SP_TO_HIGH = ONES * (0x80 - HttpChars.SP);

    private Swar() {
    }

    /** @return the eight bytes at {@code index}, the first in the lowest bits */
    static long word(byte[] bytes, int index) {
        return (long) LONGS.get(bytes, index);
    }

    /**
     * @param end at least {@code index}
     * @return the bytes {@code bytes[index, min(index + 8, end))} in {@link #word} order, zeros above them: one read,
     * masked, when the array holds eight bytes from {@code index}, whatever {@code end} says
     */
    static long word(byte[] bytes, int index, int end) {
        int n = end - index;
        if (index + Long.BYTES <= bytes.length) {
            long word = (long) LONGS.get(bytes, index);
            return n >= Long.BYTES ? word : word & ~(-1L << (n << 3));
        }
        long word = 0;
        for (int i = Math.min(n, Long.BYTES) - 1; i >= 0; i--) {
            word = word << 8 | bytes[index + i] & 0xFF;
        }
        return word;
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
            int at = indexOf((long) LONGS.get(bytes, i), HttpChars.LF);
            if (at < Long.BYTES) {
                return i + at;
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
            // Per byte, high bit cleared so no sum carries into the next byte: below SP is what adding 0x60 leaves
            // under 0x80, DEL is what adding 1 takes to 0x80; obs-text (high bit set) is masked out at the end.
            long low7 = x & ~HIGHS;
            long found = (low7 + ONES | ~(low7 + BELOW_SP_TO_HIGH)) & ~x & HIGHS;
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
     * @return the index of the first byte in {@code bytes[from, to)} that cannot be in a request target's path
     * ({@link HttpChars#isPathChar}: anything but {@code 0x21..0x7E}, and {@code #} and {@code ?}), or {@code to}
     */
    static int indexOfNonPathChar(byte[] bytes, int from, int to) {
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long x = (long) LONGS.get(bytes, i);
            // The three borrowing tests flag their lowest match exactly and nothing below it, the DEL-and-above test
            // flags every match exactly: so the lowest flag of the union is the first byte any of them matches.
            long found = ((x - EXCLAMATION_MARKS) & ~x & HIGHS) | equalBytes(x, HASHES) | equalBytes(x, QUESTION_MARKS)
                    | (x | (x & ~HIGHS) + ONES) & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (!HttpChars.isPathChar(bytes[i])) {
                return i;
            }
        }
        return to;
    }

    /**
     * @return the index in {@code word} ({@link #word} order) of its first {@code b}, 0 to 7, or 8 when it holds
     * none
     */
    static int indexOf(long word, byte b) {
        return Long.numberOfTrailingZeros(equalBytes(word, ONES * (b & 0xFF))) >>> 3;
    }

    /**
     * @param pattern a byte repeated eight times
     * @return the high bit of the lowest byte of {@code word} equal to the pattern's, exactly, and possibly of bytes
     * above it (a borrow); 0 when no byte is
     */
    private static long equalBytes(long word, long pattern) {
        long x = word ^ pattern;
        return (x - ONES) & ~x & HIGHS;
    }
}
