package dev.ix.http;

/**
 * The protocol versions a request line may carry and the parser serves.
 *
 * <p>{@code HTTP/1.2} to {@code HTTP/1.9} are served as {@link #HTTP_1_1}: RFC 9110 §6.2 says a recipient SHOULD
 * process a higher minor version of a major version it implements as the highest minor it implements. Any other
 * major version is answered 505 (RFC 9110 §15.6.6).
 */
enum HttpVersion {
    HTTP_1_0, HTTP_1_1
}
