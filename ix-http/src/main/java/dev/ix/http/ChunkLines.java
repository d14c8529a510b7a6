package dev.ix.http;

/**
 * The syntax of a chunk-size line without its CRLF (RFC 9112 §7.1.1):
 * {@code 1*HEXDIG *( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] )}. Extensions are checked and
 * ignored; whitespace is accepted only before a {@code ;} or around {@code =}, as the grammar says.
 */
final class ChunkLines {
    /** Sixteen hex digits fill a long; a larger size is malformed rather than merely over the limit. */
    private static final int MAX_SIGNIFICANT_DIGITS = 15;

    private ChunkLines() {
    }

    /**
     * @return the chunk size of the line {@code bytes[0, end)}
     * @throws HttpParseException 400 for a missing or too long size or malformed extensions
     */
    static long size(byte[] bytes, int end) {
        long size = 0;
        int i = 0;
        int value;
        while (i < end && (value = HttpChars.hexValue(bytes[i])) >= 0) {
            if (size >>> (4 * MAX_SIGNIFICANT_DIGITS - 4) != 0) {
                throw HttpParseException.badRequest("chunk size over " + MAX_SIGNIFICANT_DIGITS + " hex digits");
            }
            size = size << 4 | value;
            i++;
        }
        if (i == 0) {
            throw HttpParseException.badRequest("invalid chunk size");
        }
        extensions(bytes, i, end);
        return size;
    }

    private static void extensions(byte[] bytes, int from, int end) {
        int i = from;
        while (i < end) {
            i = skipWhitespace(bytes, i, end);
            if (i == end || bytes[i] != ';') {
                throw HttpParseException.badRequest("invalid chunk extension");
            }
            i = token(bytes, skipWhitespace(bytes, i + 1, end), end);
            int afterName = skipWhitespace(bytes, i, end);
            if (afterName < end && bytes[afterName] == '=') {
                int valueStart = skipWhitespace(bytes, afterName + 1, end);
                i = valueStart < end && bytes[valueStart] == '"'
                        ? quotedStringEnd(bytes, valueStart, end)
                        : token(bytes, valueStart, end);
            }
        }
    }

    /** @return the end of the token starting at {@code start}; it must not be empty */
    private static int token(byte[] bytes, int start, int end) {
        int i = start;
        while (i < end && HttpChars.isTchar(bytes[i])) {
            i++;
        }
        if (i == start) {
            throw HttpParseException.badRequest("invalid chunk extension");
        }
        return i;
    }

    /** @return the index after the closing quote of the quoted-string opening at {@code start} */
    private static int quotedStringEnd(byte[] bytes, int start, int end) {
        int i = start + 1;
        while (i < end) {
            byte b = bytes[i];
            if (b == '"') {
                return i + 1;
            }
            if (b == '\\') {
                i++;
                if (i == end) {
                    break;
                }
                b = bytes[i];
            }
            if (!HttpChars.isFieldChar(b)) {
                break;
            }
            i++;
        }
        throw HttpParseException.badRequest("invalid quoted chunk extension value");
    }

    private static int skipWhitespace(byte[] bytes, int from, int end) {
        int i = from;
        while (i < end && HttpChars.isWhitespace(bytes[i])) {
            i++;
        }
        return i;
    }
}
