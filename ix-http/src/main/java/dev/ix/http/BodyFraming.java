package dev.ix.http;

/** How the content of a response is delimited, as decided by {@link ResponseEncoder#writeHead}. */
enum BodyFraming {
    /** No content follows the head (HEAD request, 1xx, 204, 304). */
    NONE,
    /** Exactly {@code Content-Length} bytes follow, as they are. */
    LENGTH,
    /** Chunks follow ({@link ResponseEncoder#writeChunkStart}, ..., {@link ResponseEncoder#writeLastChunk}). */
    CHUNKED,
    /** The content runs until the server closes the connection: length unknown and an HTTP/1.0 client. */
    UNTIL_CLOSE
}
