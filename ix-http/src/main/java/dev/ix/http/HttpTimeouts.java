package dev.ix.http;

import dev.ix.transport.IxTimerWheel;

import java.time.Duration;

/**
 * How long a connection may take over each part of its life, and how many requests it may carry; defaults as
 * nginx's. {@link ConnectionTimeouts} enforces them. A duration of 0 (from {@link Duration#ZERO}) disables its
 * timeout; a {@code maxRequestsPerConnection} of 0 removes the limit.
 *
 * @param headerReadNanos          from the first byte of a request until its head is complete (nginx
 *                                 {@code client_header_timeout}); then 408 and close
 * @param bodyReadNanos            between two reads of a request's body (nginx {@code client_body_timeout}); then
 *                                 408 if nothing of the response was sent, else close
 * @param idleNanos                with no request in progress (nginx {@code keepalive_timeout}); then a silent close
 * @param sendNanos                while the connection cannot take more writes and the peer reads nothing (nginx
 *                                 {@code send_timeout}); then close
 * @param requestNanos             from the start of a request's handler until its exchange ends, not counting the
 *                                 time the connection is not writable; then 503 if nothing was sent, else close
 * @param maxRequestsPerConnection requests on one connection (nginx {@code keepalive_requests}); the last one's
 *                                 response carries {@code Connection: close}
 * @param lingeringTimeNanos       after the output was shut down behind a closing connection's last response, how
 *                                 long the client's input is read and dropped at most (nginx {@code lingering_time});
 *                                 then close
 * @param lingeringTimeoutNanos    while lingering, how long to wait for more input (nginx
 *                                 {@code lingering_timeout}); then close. Either lingering duration at 0: no
 *                                 lingering, the connection closes once its last bytes are written
 */
record HttpTimeouts(long headerReadNanos, long bodyReadNanos, long idleNanos, long sendNanos, long requestNanos,
                    int maxRequestsPerConnection, long lingeringTimeNanos, long lingeringTimeoutNanos) {

    /** 60 s, as nginx's {@code client_header_timeout}. */
    static final Duration HEADER_READ_TIMEOUT_DEFAULT = Duration.ofSeconds(60);
    /** 60 s, as nginx's {@code client_body_timeout}. */
    static final Duration BODY_READ_TIMEOUT_DEFAULT = Duration.ofSeconds(60);
    /** 75 s, as nginx's {@code keepalive_timeout}. */
    static final Duration IDLE_TIMEOUT_DEFAULT = Duration.ofSeconds(75);
    /** 60 s, as nginx's {@code send_timeout}. */
    static final Duration SEND_TIMEOUT_DEFAULT = Duration.ofSeconds(60);
    /** 60 s, as nginx's {@code proxy_read_timeout} for an upstream that does not answer. */
    static final Duration REQUEST_TIMEOUT_DEFAULT = Duration.ofSeconds(60);
    /** 1000, as nginx's {@code keepalive_requests}. */
    static final int MAX_REQUESTS_PER_CONNECTION_DEFAULT = 1000;
    /** 30 s, as nginx's {@code lingering_time}. */
    static final Duration LINGERING_TIME_DEFAULT = Duration.ofSeconds(30);
    /** 5 s, as nginx's {@code lingering_timeout}. */
    static final Duration LINGERING_TIMEOUT_DEFAULT = Duration.ofSeconds(5);

    /** The longest timeout the loop's wheel honours (about 146 years). */
    static final Duration MAX_TIMEOUT = Duration.ofNanos(IxTimerWheel.MAX_DELAY_NANOS);

    /** The defaults above. */
    static final HttpTimeouts DEFAULT = new HttpTimeouts(HEADER_READ_TIMEOUT_DEFAULT.toNanos(),
            BODY_READ_TIMEOUT_DEFAULT.toNanos(), IDLE_TIMEOUT_DEFAULT.toNanos(), SEND_TIMEOUT_DEFAULT.toNanos(),
            REQUEST_TIMEOUT_DEFAULT.toNanos(), MAX_REQUESTS_PER_CONNECTION_DEFAULT, LINGERING_TIME_DEFAULT.toNanos(),
            LINGERING_TIMEOUT_DEFAULT.toNanos());

    HttpTimeouts {
        if (maxRequestsPerConnection < 0) {
            throw new IllegalArgumentException("maxRequestsPerConnection: " + maxRequestsPerConnection
                    + " (expected: >= 1, or 0 for no limit)");
        }
    }

    HttpTimeouts withHeaderRead(Duration timeout) {
        return new HttpTimeouts(nanos("headerReadTimeout", timeout), bodyReadNanos, idleNanos, sendNanos,
                requestNanos, maxRequestsPerConnection, lingeringTimeNanos, lingeringTimeoutNanos);
    }

    HttpTimeouts withBodyRead(Duration timeout) {
        return new HttpTimeouts(headerReadNanos, nanos("bodyReadTimeout", timeout), idleNanos, sendNanos,
                requestNanos, maxRequestsPerConnection, lingeringTimeNanos, lingeringTimeoutNanos);
    }

    HttpTimeouts withIdle(Duration timeout) {
        return new HttpTimeouts(headerReadNanos, bodyReadNanos, nanos("idleTimeout", timeout), sendNanos,
                requestNanos, maxRequestsPerConnection, lingeringTimeNanos, lingeringTimeoutNanos);
    }

    HttpTimeouts withSend(Duration timeout) {
        return new HttpTimeouts(headerReadNanos, bodyReadNanos, idleNanos, nanos("sendTimeout", timeout),
                requestNanos, maxRequestsPerConnection, lingeringTimeNanos, lingeringTimeoutNanos);
    }

    HttpTimeouts withRequest(Duration timeout) {
        return new HttpTimeouts(headerReadNanos, bodyReadNanos, idleNanos, sendNanos,
                nanos("requestTimeout", timeout), maxRequestsPerConnection, lingeringTimeNanos, lingeringTimeoutNanos);
    }

    HttpTimeouts withMaxRequestsPerConnection(int max) {
        return new HttpTimeouts(headerReadNanos, bodyReadNanos, idleNanos, sendNanos, requestNanos, max,
                lingeringTimeNanos, lingeringTimeoutNanos);
    }

    HttpTimeouts withLingeringTime(Duration time) {
        return new HttpTimeouts(headerReadNanos, bodyReadNanos, idleNanos, sendNanos, requestNanos,
                maxRequestsPerConnection, nanos("lingeringTime", time), lingeringTimeoutNanos);
    }

    HttpTimeouts withLingeringTimeout(Duration timeout) {
        return new HttpTimeouts(headerReadNanos, bodyReadNanos, idleNanos, sendNanos, requestNanos,
                maxRequestsPerConnection, lingeringTimeNanos, nanos("lingeringTimeout", timeout));
    }

    /** @return whether a closing connection lingers: both lingering durations are set */
    boolean lingers() {
        return lingeringTimeNanos > 0 && lingeringTimeoutNanos > 0;
    }

    /** @return {@code timeout} in nanoseconds, 0 for {@link Duration#ZERO} (disabled) */
    private static long nanos(String name, Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(name + ": " + timeout + " (expected: PT0S to disable, or a positive "
                    + "duration up to " + MAX_TIMEOUT + ")");
        }
        return timeout.toNanos();
    }
}
