package dev.ix.http;

/**
 * A request the parser rejects, with the status to answer before closing.
 *
 * <p>Thrown inside the parser only and turned into {@link RequestParser.Listener#onError} by
 * {@link RequestParser#parse}; it has no stack trace, as it is an answer to a client, not a bug.
 */
final class HttpParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    HttpParseException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    static HttpParseException badRequest(String reason) {
        return new HttpParseException(400, reason);
    }

    /** @return the response status: 4xx or 5xx */
    int status() {
        return status;
    }
}
