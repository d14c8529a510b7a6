package dev.ix.http;

import java.nio.charset.StandardCharsets;

/**
 * A response status: its three-digit code, its reason phrase and its status line, encoded once as bytes.
 *
 * <p>Every code from 100 to 599 has one instance, made at class load, so {@link #of(int)} never allocates; codes
 * without a registered meaning get an empty reason phrase (RFC 9112 §4 allows it: clients ignore the phrase).
 *
 * <p><b>Version:</b> every status line says {@code HTTP/1.1}, HTTP/1.0 requests included. RFC 9110 §6.2: a server
 * sends its own highest conformant version; the framing then follows the request's version (no chunked body for an
 * HTTP/1.0 client, see {@link ResponseEncoder}), which is what matters to an HTTP/1.0 recipient.
 *
 * <p>Immutable and thread-safe.
 */
public final class HttpStatus {
    private static final int MIN_CODE = 100;
    private static final int MAX_CODE = 599;
    private static final HttpStatus[] BY_CODE = new HttpStatus[MAX_CODE - MIN_CODE + 1];

    /** 100 Continue, sent before the body of a request that expects it. */
    public static final HttpStatus CONTINUE = register(100, "Continue");
    /** 200 OK. */
    public static final HttpStatus OK = register(200, "OK");
    /** 201 Created. */
    public static final HttpStatus CREATED = register(201, "Created");
    /** 202 Accepted. */
    public static final HttpStatus ACCEPTED = register(202, "Accepted");
    /** 204 No Content: never a body, nor {@code Content-Length} or {@code Transfer-Encoding}. */
    public static final HttpStatus NO_CONTENT = register(204, "No Content");
    /** 301 Moved Permanently. */
    public static final HttpStatus MOVED_PERMANENTLY = register(301, "Moved Permanently");
    /** 302 Found. */
    public static final HttpStatus FOUND = register(302, "Found");
    /** 304 Not Modified: never a body, nor {@code Content-Length} or {@code Transfer-Encoding}. */
    public static final HttpStatus NOT_MODIFIED = register(304, "Not Modified");
    /** 400 Bad Request. */
    public static final HttpStatus BAD_REQUEST = register(400, "Bad Request");
    /** 401 Unauthorized. */
    public static final HttpStatus UNAUTHORIZED = register(401, "Unauthorized");
    /** 403 Forbidden. */
    public static final HttpStatus FORBIDDEN = register(403, "Forbidden");
    /** 404 Not Found. */
    public static final HttpStatus NOT_FOUND = register(404, "Not Found");
    /** 405 Method Not Allowed. */
    public static final HttpStatus METHOD_NOT_ALLOWED = register(405, "Method Not Allowed");
    /** 408 Request Timeout. */
    public static final HttpStatus REQUEST_TIMEOUT = register(408, "Request Timeout");
    /** 413 Content Too Large. */
    public static final HttpStatus CONTENT_TOO_LARGE = register(413, "Content Too Large");
    /** 414 URI Too Long. */
    public static final HttpStatus URI_TOO_LONG = register(414, "URI Too Long");
    /** 417 Expectation Failed. */
    public static final HttpStatus EXPECTATION_FAILED = register(417, "Expectation Failed");
    /** 429 Too Many Requests. */
    public static final HttpStatus TOO_MANY_REQUESTS = register(429, "Too Many Requests");
    /** 431 Request Header Fields Too Large. */
    public static final HttpStatus REQUEST_HEADER_FIELDS_TOO_LARGE =
            register(431, "Request Header Fields Too Large");
    /** 500 Internal Server Error. */
    public static final HttpStatus INTERNAL_SERVER_ERROR = register(500, "Internal Server Error");
    /** 501 Not Implemented. */
    public static final HttpStatus NOT_IMPLEMENTED = register(501, "Not Implemented");
    /** 503 Service Unavailable. */
    public static final HttpStatus SERVICE_UNAVAILABLE = register(503, "Service Unavailable");
    /** 505 HTTP Version Not Supported. */
    public static final HttpStatus HTTP_VERSION_NOT_SUPPORTED = register(505, "HTTP Version Not Supported");

    static {
        register(101, "Switching Protocols");
        register(203, "Non-Authoritative Information");
        register(205, "Reset Content");
        register(206, "Partial Content");
        register(300, "Multiple Choices");
        register(303, "See Other");
        register(307, "Temporary Redirect");
        register(308, "Permanent Redirect");
        register(402, "Payment Required");
        register(406, "Not Acceptable");
        register(407, "Proxy Authentication Required");
        register(409, "Conflict");
        register(410, "Gone");
        register(411, "Length Required");
        register(412, "Precondition Failed");
        register(415, "Unsupported Media Type");
        register(416, "Range Not Satisfiable");
        register(421, "Misdirected Request");
        register(422, "Unprocessable Content");
        register(426, "Upgrade Required");
        register(428, "Precondition Required");
        register(502, "Bad Gateway");
        register(504, "Gateway Timeout");
        for (int code = MIN_CODE; code <= MAX_CODE; code++) {
            if (BY_CODE[code - MIN_CODE] == null) {
                register(code, "");
            }
        }
    }

    private final int code;
    private final String reasonPhrase;
    /** {@code HTTP/1.1 <code> <reason>\r\n}. */
    private final byte[] statusLine;

    private HttpStatus(int code, String reasonPhrase) {
        this.code = code;
        this.reasonPhrase = reasonPhrase;
        this.statusLine = ("HTTP/1.1 " + code + " " + reasonPhrase + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static HttpStatus register(int code, String reasonPhrase) {
        HttpStatus status = new HttpStatus(code, reasonPhrase);
        BY_CODE[code - MIN_CODE] = status;
        return status;
    }

    /**
     * The status of a code; never allocates.
     *
     * @param code a status code, 100..599
     * @return the one instance for {@code code}; a code without a registered meaning has an empty reason phrase
     * @throws IllegalArgumentException if {@code code} is outside 100..599
     */
    public static HttpStatus of(int code) {
        if (code < MIN_CODE || code > MAX_CODE) {
            throw new IllegalArgumentException("status code: " + code + " (expected: " + MIN_CODE + ".." + MAX_CODE
                    + ")");
        }
        return BY_CODE[code - MIN_CODE];
    }

    /** @return the three-digit status code, 100..599 */
    public int code() {
        return code;
    }

    /** @return the reason phrase, possibly empty */
    public String reasonPhrase() {
        return reasonPhrase;
    }

    /**
     * Whether a response with this status may have content (RFC 9110 §6.4.1): not for 1xx, 204 and 304, which also
     * carry neither {@code Content-Length} nor {@code Transfer-Encoding}.
     *
     * @return {@code false} for 1xx, 204 and 304
     */
    public boolean permitsContent() {
        return code >= 200 && code != 204 && code != 304;
    }

    /** @return the encoded status line with its CRLF; shared, never modify it */
    byte[] statusLine() {
        return statusLine;
    }

    @Override
    public String toString() {
        return reasonPhrase.isEmpty() ? Integer.toString(code) : code + " " + reasonPhrase;
    }
}
