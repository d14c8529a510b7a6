package dev.ix.http;

/**
 * The request methods of RFC 9110 §9 and PATCH (RFC 5789), matched as bytes; any other valid token is
 * {@link #OTHER}, its name then in {@link RequestHead#methodName()}.
 */
enum HttpMethod {
    GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH, OTHER;

    /** The name as a {@link Swar#word}, compared with the method bytes in one step. */
    private final long word = Swar.word(name());

    /**
     * @param bytes a method token, already checked to be a {@code token}, of a request line checked whole (so at
     *              least eight bytes follow its start)
     * @return its method; methods are case-sensitive (RFC 9110 §9.1), so {@code get} is {@link #OTHER}
     */
    static HttpMethod match(byte[] bytes, int start, int end) {
        int length = end - start;
        if (length < 3 || length > 7) {
            return OTHER;
        }
        long word = Swar.word(bytes, start) & (-1L >>> (64 - 8 * length));
        HttpMethod candidate = switch (length) {
            case 3 -> bytes[start] == 'G' ? GET : PUT;
            case 4 -> bytes[start] == 'P' ? POST : HEAD;
            case 5 -> bytes[start] == 'P' ? PATCH : TRACE;
            case 6 -> DELETE;
            default -> bytes[start] == 'O' ? OPTIONS : CONNECT;
        };
        return candidate.word == word ? candidate : OTHER;
    }
}
