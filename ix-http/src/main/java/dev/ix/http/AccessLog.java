package dev.ix.http;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The access log: one INFO line per request on the logger {@code dev.ix.http.AccessLog}, in Reactor Netty's
 * format, the Common Log Format followed by the duration in milliseconds:
 *
 * <pre>
 * 127.0.0.1 - - [04/Dec/2026:21:06:44 +0000] "GET /users/42?x=1 HTTP/1.1" 200 13 2
 * </pre>
 *
 * <p>Remote address, identity and user ({@code -}: not known), the time the request's head arrived, the request line
 * (the target as received; {@code "} and {@code \} in it escaped with {@code \}), the status, the response's content
 * bytes, and the milliseconds from the head's arrival to the response's last write. A request the parser rejected is
 * logged with {@code "-"} for its request line and {@code -} for its duration. The line is formatted only when the
 * logger is enabled for INFO. Called on loop threads: the logging backend should write asynchronously.
 */
final class AccessLog {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AccessLog.class);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US).withZone(ZoneId.systemDefault());

    private AccessLog() {
    }

    /**
     * Formats a time once, off the loops: the first format loads the zone rules and the formatter's classes, a
     * stall of tens of milliseconds that would otherwise fall on the loop of the first request.
     */
    static void prepare() {
        TIME.format(Instant.now());
    }

    /**
     * @param remote the client's address
     * @param target the request-target as received
     * @param http10 the request was HTTP/1.0 (else HTTP/1.1)
     * @param nanos  from the head's arrival to the response's last write
     */
    static void request(String remote, String method, String target, boolean http10, int status, long bytes,
                        long nanos) {
        if (!logger.isInfoEnabled()) {
            return;
        }
        StringBuilder line = start(remote, nanos).append('"').append(method).append(' ');
        escape(line, target);
        line.append(http10 ? " HTTP/1.0\" " : " HTTP/1.1\" ").append(status).append(' ').append(bytes).append(' ')
                .append(nanos / 1_000_000);
        logger.info(line.toString());
    }

    /** A request the parser rejected, answered {@code status} with no content. */
    static void rejected(String remote, int status) {
        if (!logger.isInfoEnabled()) {
            return;
        }
        logger.info(start(remote, 0).append("\"-\" ").append(status).append(" 0 -").toString());
    }

    private static StringBuilder start(String remote, long nanos) {
        Instant arrived = Instant.ofEpochMilli(System.currentTimeMillis() - nanos / 1_000_000);
        StringBuilder line = new StringBuilder(128).append(remote).append(" - - [");
        TIME.formatTo(arrived, line);
        return line.append("] ");
    }

    /** The parser let only visible ASCII into the target; a quote or backslash would still break the quoting. */
    private static void escape(StringBuilder line, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                line.append('\\');
            }
            line.append(c);
        }
    }
}
