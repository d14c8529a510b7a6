package dev.ix.http;

/**
 * The byte classes of RFC 9110/9112 the parser checks, as lookup tables indexed by the unsigned byte.
 *
 * <p>Tables rather than range tests because a field value check is one load and one branch per byte, and the same
 * table serves the request line, field lines and trailers.
 */
final class HttpChars {
    static final byte CR = '\r';
    static final byte LF = '\n';
    static final byte SP = ' ';
    static final byte HTAB = '\t';

    /** {@code tchar} (RFC 9110 §5.6.2): what a method and a field name are made of. */
    private static final boolean[] TCHAR = new boolean[256];
    /** {@code field-vchar} and the whitespace allowed inside a field value: VCHAR, obs-text, SP, HTAB. */
    private static final boolean[] FIELD_CHAR = new boolean[256];
    /**
     * What a request-target may hold: visible ASCII except {@code #} (a fragment is not part of any target form,
     * RFC 9112 §3.2); anything else must arrive percent-encoded.
     */
    private static final boolean[] TARGET_CHAR = new boolean[256];
    /** A {@link #TARGET_CHAR} that does not end the path: all but {@code ?}. */
    private static final boolean[] PATH_CHAR = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        for (int c = 0x21; c <= 0xFF; c++) {
            FIELD_CHAR[c] = c != 0x7F;
        }
        FIELD_CHAR[SP] = true;
        FIELD_CHAR[HTAB] = true;
        for (int c = 0x21; c <= 0x7E; c++) {
            TARGET_CHAR[c] = c != '#';
            PATH_CHAR[c] = c != '#' && c != '?';
        }
    }

    private HttpChars() {
    }

    static boolean isTchar(byte b) {
        return TCHAR[b & 0xFF];
    }

    static boolean isFieldChar(byte b) {
        return FIELD_CHAR[b & 0xFF];
    }

    static boolean isPathChar(byte b) {
        return PATH_CHAR[b & 0xFF];
    }

    static boolean isTargetChar(byte b) {
        return TARGET_CHAR[b & 0xFF];
    }

    static boolean isWhitespace(byte b) {
        return b == SP || b == HTAB;
    }

    /** @return the value of a hexadecimal digit, or -1 */
    static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int lower = b | 0x20;
        if (lower >= 'a' && lower <= 'f') {
            return lower - 'a' + 10;
        }
        return -1;
    }

    /** @return the ASCII bytes of a constant */
    static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
