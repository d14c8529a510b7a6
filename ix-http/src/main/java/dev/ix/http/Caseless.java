package dev.ix.http;

/**
 * An ASCII constant (a field name, a connection option, a transfer coding) compared with received bytes
 * case-insensitively, a {@code long} at a time: each word of the bytes, with bit 0x20 set at the constant's letter
 * positions only, must equal the lower-cased constant's word.
 *
 * <p>The fold is exact: at a letter's position only that letter in either case matches, and every other position
 * needs its byte as is. So a match also proves the bytes are the constant's characters, which folding every byte
 * would not: that maps CR onto {@code -} and DC1 onto {@code 1}.
 */
final class Caseless {
    private final int length;
    /** The first word, apart: most constants fit in it, so most comparisons touch no array. */
    private final long first;
    private final long firstFold;
    /** The constant lower-cased, in {@link Swar#word} order, zeros past its end; index 0 is {@link #first}. */
    private final long[] words;
    /** Bit 0x20 of each byte that is a letter. */
    private final long[] folds;

    /** @param ascii the constant: printable ASCII, at least one character */
    Caseless(String ascii) {
        if (ascii.isEmpty()) {
            throw new IllegalArgumentException("empty constant");
        }
        length = ascii.length();
        int count = (length + Long.BYTES - 1) / Long.BYTES;
        words = new long[count];
        folds = new long[count];
        for (int i = 0; i < length; i++) {
            char c = Character.toLowerCase(ascii.charAt(i));
            if (c < '!' || c > '~') {
                throw new IllegalArgumentException("not printable ASCII: " + ascii);
            }
            int shift = (i % Long.BYTES) * Byte.SIZE;
            words[i / Long.BYTES] |= (long) c << shift;
            if (c >= 'a' && c <= 'z') {
                folds[i / Long.BYTES] |= (long) 0x20 << shift;
            }
        }
        first = words[0];
        firstFold = folds[0];
    }

    /** @return the constant's first byte, lower-cased */
    byte first() {
        return (byte) first;
    }

    /** @return the constant's length in bytes */
    int length() {
        return length;
    }

    /** @return word {@code w} of the constant lower-cased, in {@link Swar#word} order, zeros past its end */
    long word(int w) {
        return words[w];
    }

    /** @return bit 0x20 of each letter in word {@code w}: a received word folded with it must equal {@link #word} */
    long fold(int w) {
        return folds[w];
    }

    /** @return whether {@code bytes[start, end)} is the constant, ASCII letters in either case */
    boolean matches(byte[] bytes, int start, int end) {
        if (end - start != length || (Swar.word(bytes, start, end) | firstFold) != first) {
            return false;
        }
        for (int w = 1; w < words.length; w++) {
            if ((Swar.word(bytes, start + w * Long.BYTES, end) | folds[w]) != words[w]) {
                return false;
            }
        }
        return true;
    }
}
