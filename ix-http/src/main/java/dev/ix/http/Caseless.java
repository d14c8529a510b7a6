package dev.ix.http;

/**
 * An ASCII constant (a field name, a connection option, a transfer coding) compared with received bytes
 * case-insensitively, a {@code long} at a time: each word of the bytes, with bit 0x20 set at the constant's letter
 * positions only, must equal the lower-cased constant's word.
 *
 * <p>The fold is exact: at a letter's position only that letter in either case matches, and every other position
 * needs its byte as is. So a match also proves the bytes are the constant's characters, which folding every byte
 * would not: that maps CR onto {@code -} and DC1 onto {@code 1}.
 *
 * <p>A record so that the compiler trusts its fields: matching a {@code static final} constant then reads its
 * length and word count as constants, which made {@code Connection: keep-alive} about 3 ns cheaper to recognise
 * than through a class's final fields, which it reloads on every call.
 *
 * @param length the constant's length in bytes
 * @param words  the constant lower-cased, in {@link Swar#word} order, zeros past its end
 * @param folds  bit 0x20 of each byte that is a letter
 */
record Caseless(int length, long[] words, long[] folds) {
    /** @param ascii the constant: printable ASCII, at least one character */
    Caseless(String ascii) {
        this(ascii.length(), encode(ascii, false), encode(ascii, true));
    }

    /** @return the words of {@code ascii} lower-cased, or the bits that fold its letters */
    private static long[] encode(String ascii, boolean folds) {
        if (ascii.isEmpty()) {
            throw new IllegalArgumentException("empty constant");
        }
        long[] words = new long[(ascii.length() + Long.BYTES - 1) / Long.BYTES];
        for (int i = 0; i < ascii.length(); i++) {
            char c = Character.toLowerCase(ascii.charAt(i));
            if (c < '!' || c > '~') {
                throw new IllegalArgumentException("not printable ASCII: " + ascii);
            }
            boolean letter = c >= 'a' && c <= 'z';
            long value = folds ? (letter ? 0x20 : 0) : c;
            words[i / Long.BYTES] |= value << (i % Long.BYTES) * Byte.SIZE;
        }
        return words;
    }

    /** @return whether {@code bytes[start, end)} is the constant, ASCII letters in either case */
    boolean matches(byte[] bytes, int start, int end) {
        if (end - start != length) {
            return false;
        }
        for (int w = 0; w < words.length; w++) {
            if ((Swar.word(bytes, start + w * Long.BYTES, end) | folds[w]) != words[w]) {
                return false;
            }
        }
        return true;
    }
}
