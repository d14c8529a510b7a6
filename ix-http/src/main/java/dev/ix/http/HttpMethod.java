package dev.ix.http;

/**
 * The request methods of RFC 9110 §9 and PATCH (RFC 5789), matched as bytes; any other valid token is
 * {@link #OTHER}, its name then in {@link RequestHead#methodName()}.
 */
enum HttpMethod {
    GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH, OTHER;

    private final byte[] bytes = HttpChars.ascii(name());

    /**
     * @param bytes a method token, already checked to be a {@code token}
     * @return its method; methods are case-sensitive (RFC 9110 §9.1), so {@code get} is {@link #OTHER}
     */
    static HttpMethod match(byte[] bytes, int start, int end) {
        HttpMethod candidate = switch (end - start) {
            case 3 -> bytes[start] == 'G' ? GET : PUT;
            case 4 -> bytes[start] == 'P' ? POST : HEAD;
            case 5 -> bytes[start] == 'P' ? PATCH : TRACE;
            case 6 -> DELETE;
            case 7 -> bytes[start] == 'O' ? OPTIONS : CONNECT;
            default -> OTHER;
        };
        return candidate != OTHER && candidate.is(bytes, start) ? candidate : OTHER;
    }

    private boolean is(byte[] other, int start) {
        for (int i = 0; i < bytes.length; i++) {
            if (other[start + i] != bytes[i]) {
                return false;
            }
        }
        return true;
    }
}
