package dev.ix.http;

/**
 * The syntax of a field line, {@code field-name ":" OWS field-value OWS} (RFC 9112 §5), shared by the header section
 * and the trailer section of a chunked body. Each check throws {@link HttpParseException} (400) naming the fault.
 */
final class FieldLines {
    private FieldLines() {
    }

    /**
     * Checks the field name of the line {@code bytes[start, end)} (its CRLF excluded).
     *
     * @return the index of the colon, which is also where the name ends
     * @throws HttpParseException 400 for a line starting with whitespace (obsolete line folding, RFC 9112 §5.2, or
     *                            whitespace before the first field line, §2.2), whitespace between the name and the
     *                            colon (§5.1), an empty name, a name byte that is not a {@code tchar}, or no colon
     */
    static int colon(byte[] bytes, int start, int end) {
        if (HttpChars.isWhitespace(bytes[start])) {
            throw HttpParseException.badRequest("obsolete line folding or whitespace before a field line");
        }
        int i = start;
        while (i < end && HttpChars.isTchar(bytes[i])) {
            i++;
        }
        if (i == end) {
            throw HttpParseException.badRequest("field line without a colon");
        }
        byte stop = bytes[i];
        if (stop == ':') {
            if (i == start) {
                throw HttpParseException.badRequest("empty field name");
            }
            return i;
        }
        if (HttpChars.isWhitespace(stop)) {
            throw HttpParseException.badRequest("whitespace between field name and colon");
        }
        throw HttpParseException.badRequest("invalid byte 0x" + Integer.toHexString(stop & 0xFF) + " in field name");
    }

    /** @return where the value after the colon at {@code from - 1} starts, leading whitespace skipped */
    static int valueStart(byte[] bytes, int from, int end) {
        int i = from;
        while (i < end && HttpChars.isWhitespace(bytes[i])) {
            i++;
        }
        return i;
    }

    /**
     * Checks a field value: only VCHAR, obs-text, SP and HTAB (RFC 9110 §5.5): no CTL, no bare CR, no NUL.
     *
     * @return where the value ends, trailing whitespace dropped
     * @throws HttpParseException 400 for any other byte
     */
    static int valueEnd(byte[] bytes, int valueStart, int end) {
        for (int i = Swar.indexOfControl(bytes, valueStart, end); i < end; i++) {
            if (!HttpChars.isFieldChar(bytes[i])) {
                throw HttpParseException.badRequest(
                        "invalid byte 0x" + Integer.toHexString(bytes[i] & 0xFF) + " in field value");
            }
        }
        return trimEnd(bytes, valueStart, end);
    }

    /** @return where a value without CTLs, already checked, ends, trailing whitespace dropped */
    static int trimEnd(byte[] bytes, int valueStart, int end) {
        int valueEnd = end;
        while (valueEnd > valueStart && HttpChars.isWhitespace(bytes[valueEnd - 1])) {
            valueEnd--;
        }
        return valueEnd;
    }
}
