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

    /** Lower-case names, indexed by id. */
    private static final byte[][] NAMES = {
        {},
        HttpChars.ascii("host"),
        HttpChars.ascii("content-length"),
        HttpChars.ascii("transfer-encoding"),
        HttpChars.ascii("connection"),
        HttpChars.ascii("expect"),
        HttpChars.ascii("content-type"),
        HttpChars.ascii("accept"),
        HttpChars.ascii("accept-encoding"),
        HttpChars.ascii("user-agent"),
        HttpChars.ascii("cookie"),
        HttpChars.ascii("authorization"),
        HttpChars.ascii("upgrade"),
        HttpChars.ascii("te"),
    };

    private static final int MAX_LENGTH = 17;
    /**
     * The one candidate id for a name, by length and by the low five bits of its first byte (a letter's position in
     * the alphabet, whatever its case), so a name is compared with at most one constant.
     */
    private static final byte[][] CANDIDATES = new byte[MAX_LENGTH + 1][32];

    static {
        for (int id = 1; id < NAMES.length; id++) {
            byte[] name = NAMES[id];
            byte[] slot = CANDIDATES[name.length];
            if (slot[name[0] & 0x1F] != UNKNOWN) {
                throw new ExceptionInInitializerError("two known names of one length and first letter: " + id);
            }
            slot[name[0] & 0x1F] = (byte) id;
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
        int id = CANDIDATES[length][bytes[start] & 0x1F];
        return id != UNKNOWN && Swar.equalsLower(bytes, start, NAMES[id]) ? id : UNKNOWN;
    }
}
