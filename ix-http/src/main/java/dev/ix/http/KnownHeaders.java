package dev.ix.http;

/**
 * Ids for the field names the server acts on or handlers often ask for, matched as bytes, case-insensitively,
 * against constants: a parsed field line carries its id ({@link RequestHead#knownHeader(int)}), so no name is ever
 * turned into a {@code String} to be compared.
 */
final class KnownHeaders {
    /** A name not in this list. */
    static final int UNKNOWN = 0;
    static final int HOST = 1;
    static final int CONTENT_LENGTH = 2;
    static final int TRANSFER_ENCODING = 3;
    static final int CONNECTION = 4;
    static final int EXPECT = 5;
    static final int CONTENT_TYPE = 6;
    static final int ACCEPT = 7;
    static final int ACCEPT_ENCODING = 8;
    static final int USER_AGENT = 9;
    static final int COOKIE = 10;
    static final int AUTHORIZATION = 11;
    static final int UPGRADE = 12;
    static final int TE = 13;

    /** Names, indexed by id. */
    private static final Caseless[] NAMES = {
        null,
        new Caseless("host"),
        new Caseless("content-length"),
        new Caseless("transfer-encoding"),
        new Caseless("connection"),
        new Caseless("expect"),
        new Caseless("content-type"),
        new Caseless("accept"),
        new Caseless("accept-encoding"),
        new Caseless("user-agent"),
        new Caseless("cookie"),
        new Caseless("authorization"),
        new Caseless("upgrade"),
        new Caseless("te"),
    };

    private static final int MAX_LENGTH = 17;
    private static final int MAX_WORDS = (MAX_LENGTH + Long.BYTES - 1) / Long.BYTES;
    /**
     * The one candidate id for a name, at its length times 32 plus the low five bits of its first byte (a letter's
     * position in the alphabet, whatever its case), so a name is compared with at most one constant. One flat array:
     * one load, its bounds check folded away by the length check.
     */
    private static final byte[] CANDIDATES = new byte[(MAX_LENGTH + 1) << 5];
    /**
     * Each name's {@link Caseless} words and folds at {@code id * MAX_WORDS}, flat, in arrays the compiler knows:
     * comparing through each name's {@code Caseless} object (its fields, then its arrays) made the lookup most of a
     * field line's cost (about 10 ns per request of TechEmpower's three known names in {@code HttpParseBenchmark}).
     */
    private static final long[] WORDS = new long[NAMES.length * MAX_WORDS];
    private static final long[] FOLDS = new long[NAMES.length * MAX_WORDS];

    static {
        for (int id = 1; id < NAMES.length; id++) {
            Caseless name = NAMES[id];
            int slot = slot(name.length(), name.words()[0]);
            if (CANDIDATES[slot] != UNKNOWN) {
                throw new ExceptionInInitializerError("two known names of one length and first letter: " + id);
            }
            CANDIDATES[slot] = (byte) id;
            System.arraycopy(name.words(), 0, WORDS, id * MAX_WORDS, name.words().length);
            System.arraycopy(name.folds(), 0, FOLDS, id * MAX_WORDS, name.folds().length);
        }
    }

    private KnownHeaders() {
    }

    /**
     * @param bytes a field name, already checked to be a {@code token}
     * @return its id, {@link #UNKNOWN} when it is none of the constants
     */
    static int match(byte[] bytes, int start, int end) {
        int length = end - start;
        if (length > MAX_LENGTH || length == 0) {
            return UNKNOWN;
        }
        long first = Swar.word(bytes, start, end);
        int id = CANDIDATES[slot(length, first)];
        int at = id * MAX_WORDS;
        if (id == UNKNOWN || (first | FOLDS[at]) != WORDS[at]) {
            return UNKNOWN;
        }
        for (int from = start + Long.BYTES; from < end; from += Long.BYTES) {
            at++;
            if ((Swar.word(bytes, from, end) | FOLDS[at]) != WORDS[at]) {
                return UNKNOWN;
            }
        }
        return id;
    }

    /**
     * Matches a name shorter than two words from the line's first two words, already read: no second read of its
     * bytes, and no byte-by-byte check of them, as a match proves them.
     *
     * @param first  the field line's first eight bytes in {@link Swar#word} order
     * @param second its next eight (zeros past the line), read only when {@code length} is 8 or more
     * @param length the name's length, 1 to 15 (where the line's first colon is)
     * @return the id of the name the line's first {@code length} bytes spell, {@link #UNKNOWN} when none
     */
    static int match(long first, long second, int length) {
        int id = CANDIDATES[slot(length, first)];
        int at = id * MAX_WORDS;
        if (length < Long.BYTES) {
            return ((first | FOLDS[at]) & lowBytes(length)) == WORDS[at] ? id : UNKNOWN;
        }
        return (first | FOLDS[at]) == WORDS[at]
                && ((second | FOLDS[at + 1]) & lowBytes(length - Long.BYTES)) == WORDS[at + 1] ? id : UNKNOWN;
    }

    /** @return the {@link #CANDIDATES} index of a name of {@code length} bytes whose first word is {@code first} */
    private static int slot(int length, long first) {
        return length << 5 | (int) first & 0x1F;
    }

    /** @return a mask of the lowest {@code n} bytes, {@code n} from 0 to 7 */
    private static long lowBytes(int n) {
        return ~(-1L << (n << 3));
    }
}
