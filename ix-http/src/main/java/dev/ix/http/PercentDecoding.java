package dev.ix.http;

import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding (RFC 3986 §2.1) of parts of a request-target, as bytes: the target's bytes are visible ASCII (the
 * parser checked them), {@code %XX} stands for one byte, and the decoded bytes are read as UTF-8 (an invalid sequence
 * becomes U+FFFD, as Netty's {@code QueryStringDecoder} does). A {@code %} not followed by two hexadecimal digits is
 * malformed. A part without {@code %} costs only its {@code String}.
 */
final class PercentDecoding {
    private PercentDecoding() {
    }

    /** @return whether every {@code %} in {@code b[from, to)} is followed by two hexadecimal digits */
    static boolean wellFormed(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '%') {
                if (escaped(b, i, to) < 0) {
                    return false;
                }
                i += 2;
            }
        }
        return true;
    }

    /** @return the byte the escape at {@code b[i]} (a {@code %}) stands for, or -1 when it is malformed */
    private static int escaped(byte[] b, int i, int to) {
        if (i + 2 >= to) {
            return -1;
        }
        int high = HttpChars.hexValue(b[i + 1]);
        int low = HttpChars.hexValue(b[i + 2]);
        return high < 0 || low < 0 ? -1 : high << 4 | low;
    }

    /**
     * @param b           visible ASCII bytes
     * @param plusIsSpace whether {@code +} stands for a space (a query's form encoding), or for itself (a path)
     * @return {@code b[from, to)} decoded
     * @throws IllegalArgumentException when an escape is malformed (see {@link #wellFormed})
     */
    static String decode(byte[] b, int from, int to, boolean plusIsSpace) {
        int first = from;
        while (first < to && b[first] != '%' && (!plusIsSpace || b[first] != '+')) {
            first++;
        }
        if (first == to) {
            return new String(b, from, to - from, StandardCharsets.US_ASCII);
        }
        byte[] out = new byte[to - from]; // never longer than the encoded form
        int n = first - from;
        System.arraycopy(b, from, out, 0, n);
        for (int i = first; i < to; i++) {
            byte c = b[i];
            if (c == '%') {
                int value = escaped(b, i, to);
                if (value < 0) {
                    throw new IllegalArgumentException("malformed percent-encoding at index " + (i - from) + " of '"
                            + new String(b, from, to - from, StandardCharsets.US_ASCII)
                            + "' (expected: % and two hexadecimal digits)");
                }
                out[n++] = (byte) value;
                i += 2;
            } else {
                out[n++] = plusIsSpace && c == '+' ? (byte) ' ' : c;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
