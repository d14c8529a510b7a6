package dev.ix.http;

/**
 * How large the parts of a request may be; past a limit the parser answers with the status named here and the
 * connection closes.
 *
 * <p>All sizes are in bytes. The parser's per-connection buffers grow on demand up to these limits, so a large limit
 * costs memory only on connections that use it.
 *
 * @param maxRequestLineLength the request line without its CRLF, empty lines before it included; longer: 414
 * @param maxHeaderSize        the header section after the request line, every field line with its CRLF and the
 *                             final empty line; longer: 431. The trailer section of a chunked body has the same limit
 * @param maxHeaderCount       field lines in the header section; more: 431
 * @param maxBodySize          the body's length, declared ({@code Content-Length}) or decoded (chunked); longer: 413
 * @param maxChunkLineLength   a chunk-size line without its CRLF, chunk extensions included; longer: 400
 */
record HttpLimits(int maxRequestLineLength, int maxHeaderSize, int maxHeaderCount, long maxBodySize,
                  int maxChunkLineLength) {

    /** 8 KiB request line, as nginx's {@code large_client_header_buffers}. */
    static final int MAX_REQUEST_LINE_LENGTH_DEFAULT = 8 * 1024;
    /** 8 KiB header section. */
    static final int MAX_HEADER_SIZE_DEFAULT = 8 * 1024;
    /** 100 field lines, as Tomcat's {@code maxHeaderCount}. */
    static final int MAX_HEADER_COUNT_DEFAULT = 100;
    /** 1 MiB body, as nginx's {@code client_max_body_size}. */
    static final long MAX_BODY_SIZE_DEFAULT = 1024 * 1024;
    /** 1 KiB chunk-size line: a size of 16 hex digits leaves room for modest extensions. */
    static final int MAX_CHUNK_LINE_LENGTH_DEFAULT = 1024;

    /** The defaults above. */
    static final HttpLimits DEFAULT = new HttpLimits(MAX_REQUEST_LINE_LENGTH_DEFAULT, MAX_HEADER_SIZE_DEFAULT,
            MAX_HEADER_COUNT_DEFAULT, MAX_BODY_SIZE_DEFAULT, MAX_CHUNK_LINE_LENGTH_DEFAULT);

    /** 1 MiB: the parser keeps a head in one array, so its parts stay well below 2 GiB. */
    private static final int MAX_HEAD_PART = 1024 * 1024;

    HttpLimits {
        check("maxRequestLineLength", maxRequestLineLength, 16, MAX_HEAD_PART);
        check("maxHeaderSize", maxHeaderSize, 2, MAX_HEAD_PART);
        check("maxHeaderCount", maxHeaderCount, 1, 10_000);
        check("maxBodySize", maxBodySize, 0, Long.MAX_VALUE);
        check("maxChunkLineLength", maxChunkLineLength, 1, MAX_HEAD_PART);
    }

    HttpLimits withMaxRequestLineLength(int value) {
        return new HttpLimits(value, maxHeaderSize, maxHeaderCount, maxBodySize, maxChunkLineLength);
    }

    HttpLimits withMaxHeaderSize(int value) {
        return new HttpLimits(maxRequestLineLength, value, maxHeaderCount, maxBodySize, maxChunkLineLength);
    }

    HttpLimits withMaxHeaderCount(int value) {
        return new HttpLimits(maxRequestLineLength, maxHeaderSize, value, maxBodySize, maxChunkLineLength);
    }

    HttpLimits withMaxBodySize(long value) {
        return new HttpLimits(maxRequestLineLength, maxHeaderSize, maxHeaderCount, value, maxChunkLineLength);
    }

    HttpLimits withMaxChunkLineLength(int value) {
        return new HttpLimits(maxRequestLineLength, maxHeaderSize, maxHeaderCount, maxBodySize, value);
    }

    private static void check(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + ".." + max + ")");
        }
    }
}
