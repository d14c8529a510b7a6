package dev.ix.http;

import io.netty.buffer.ByteBuf;

/**
 * The HTTP/1.1 request parser of one connection (RFC 9112, strictly): reads the bytes the connection receives, in
 * buffers split anywhere, and reports each request to a {@link Listener} as a head, its body's bytes and its end, or
 * one error with the status to answer. One instance per connection, reused for every request on it; loop thread only.
 *
 * <h2>Zero copy, zero allocation</h2>
 * A head is copied in bulk into a per-connection array and parsed there (see {@link HeadReader} for why); known
 * field names are matched as bytes ({@link KnownHeaders}), values stay offsets into that array
 * ({@link RequestHead}). Body bytes are never copied: {@link Listener#onContent} gets retained slices of the input.
 * Parsing a request without a body allocates nothing once the connection's buffers have grown to its head's size.
 * Only errors allocate (their exception), and a body costs one slice object per input buffer it spans.
 *
 * <h2>Buffers and pausing</h2>
 * {@link #parse} never releases its input; the caller releases it after the call. Each listener event that returns
 * {@code boolean} can pause the parser ({@code false}): {@code parse} then returns at once, with the input's reader
 * index at the first byte not yet delivered (the next request, or the body after a head). The caller keeps those
 * bytes (e.g. retains the buffer, or accumulates) and calls {@code parse} again with them, followed by whatever
 * arrives later, when it wants the next events; a pause may leave an event pending with no bytes needed, so the caller
 * calls {@code parse} even with an empty buffer to resume. Without a pause, {@code parse} consumes all of its input:
 * bytes of an incomplete head or chunk line are kept in the parser's own arrays, which is the only case bytes are
 * copied (in the common case of a head arriving in one read, that copy is the head copy above, nothing more).
 *
 * <h2>What is rejected</h2>
 * See the table in the module README; in short: 414 request line over {@link HttpLimits#maxRequestLineLength()};
 * 431 header section over {@link HttpLimits#maxHeaderSize()} or more than {@link HttpLimits#maxHeaderCount()} fields;
 * 413 a body over {@link HttpLimits#maxBodySize()}; 505 a major version other than 1; 501 a transfer coding other than
 * chunked; 400 anything else malformed: bare LF or bare CR, obsolete line folding, whitespace before a colon, invalid
 * bytes in the method, target, names or values, a missing or repeated Host in HTTP/1.1, a repeated Content-Length
 * (identical values too), both Content-Length and Transfer-Encoding, chunked not last or repeated, malformed chunks.
 * Empty lines (CRLF) before a request line are skipped (RFC 9112 §2.2), counted in the request line's limit.
 *
 * <h2>Bare LF</h2>
 * RFC 9112 §2.2 lets a recipient accept a lone LF as a line terminator; this parser does not: it answers 400, in the
 * head, in chunk lines and in trailers. Every client that matters sends CRLF, and a parser that accepts what a proxy
 * in front of it reads differently is how requests get smuggled. A bare CR is invalid in every element (400).
 */
final class RequestParser {
    /**
     * Receives the events of one connection's requests, in order: for each request {@code onHead}, then
     * {@code onContent} zero or more times, then {@code onEnd}; or {@code onError} once, at any point, after which
     * nothing else is reported. Called on the loop thread, inside {@link #parse}; methods must not throw.
     */
    interface Listener {
        /**
         * A complete, valid request head.
         *
         * @param head valid until the parser reads a byte of the next request (see {@link RequestHead})
         * @return {@code false} to pause the parser after this event
         */
        boolean onHead(RequestHead head);

        /**
         * Body bytes, framing removed: a retained slice of the input, which the listener owns and must release.
         *
         * @param content at least one byte
         */
        void onContent(ByteBuf content);

        /**
         * The request is complete: its body and trailer section, if any, have been read.
         *
         * @return {@code false} to pause the parser after this event
         */
        boolean onEnd();

        /**
         * The request is malformed or over a limit: answer {@code status} and close the connection; the parser
         * ignores all further input.
         *
         * @param status 400, 413, 414, 431, 501 or 505
         * @param reason what was wrong, for a log line (not for the client)
         */
        void onError(int status, String reason);
    }

    /** Where the parser is in the current request. */
    private enum State {
        /** Reading a head (or waiting for the first byte of one). */
        HEAD,
        /** Reading a body of known length; {@code remaining} bytes to go, possibly 0. */
        FIXED_BODY,
        /** Reading a chunked body. */
        CHUNKED_BODY,
        /** Body complete; {@code onEnd} not yet reported. */
        END,
        /** {@code onError} was reported; input is ignored. */
        FAILED
    }

    private final Listener listener;
    private final HeadReader headReader;
    private final ChunkedBodyDecoder chunked;

    private State state = State.HEAD;
    private long remaining;
    /**
     * A request ended: the head buffer is reset when the first byte of the next request is read, so the head stays
     * valid until then (also across a pause).
     */
    private boolean resetPending;

    /**
     * @param limits   the limits every request on the connection is held to
     * @param listener receives the events of every request on the connection
     */
    RequestParser(HttpLimits limits, Listener listener) {
        this.listener = listener;
        this.headReader = new HeadReader(limits, new HeadParser(limits));
        this.chunked = new ChunkedBodyDecoder(limits);
        headReader.reset();
    }

    /**
     * Parses what {@code in} holds and reports the events it completes. Consumes all of {@code in} unless the
     * listener pauses (see the class comment); after an error, skips all of it.
     *
     * @param in received bytes; not released here, the caller releases it after the call
     */
    void parse(ByteBuf in) {
        if (state == State.FAILED) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            while (step(in)) {
                // A step reports no event after one that paused, so a pause is honoured before the next one.
            }
        } catch (HttpParseException e) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            listener.onError(e.status(), e.getMessage());
        }
    }

    /** @return whether parsing goes on: input left or an event ready, and no pause */
    private boolean step(ByteBuf in) {
        switch (state) {
            case HEAD -> {
                if (resetPending && in.isReadable()) {
                    resetPending = false;
                    headReader.reset();
                }
                RequestHead head = headReader.read(in);
                if (head == null) {
                    return false;
                }
                if (head.chunked()) {
                    chunked.reset();
                    state = State.CHUNKED_BODY;
                } else {
                    remaining = Math.max(head.contentLength(), 0);
                    state = State.FIXED_BODY;
                }
                if (!listener.onHead(head)) {
                    return false;
                }
                // A request without a body (most of them) ends here, without two more steps through the states.
                return state == State.FIXED_BODY && remaining == 0 ? end() : true;
            }
            case FIXED_BODY -> {
                if (remaining > 0) {
                    if (!in.isReadable()) {
                        return false;
                    }
                    int n = (int) Math.min(remaining, in.readableBytes());
                    remaining -= n;
                    listener.onContent(in.readRetainedSlice(n));
                }
                if (remaining == 0) {
                    state = State.END;
                }
                return true;
            }
            case CHUNKED_BODY -> {
                if (!chunked.decode(in, listener)) {
                    return false;
                }
                state = State.END;
                return true;
            }
            case END -> {
                return end();
            }
            default -> {
                return false;
            }
        }
    }

    /** Reports the end of the request and waits for the next one. */
    private boolean end() {
        state = State.HEAD;
        resetPending = true;
        return listener.onEnd();
    }

    /**
     * @return whether the parser is between requests: the last one (if any) ended and no byte of the next one has
     * arrived; tells an idle keep-alive connection (close quietly) from a request cut short. {@code false} after an
     * error.
     */
    boolean betweenRequests() {
        return state == State.HEAD && (resetPending || !headReader.started());
    }

    /** @return whether bytes of a head have arrived and the head is not complete yet (the header read timeout) */
    boolean inHead() {
        return state == State.HEAD && !resetPending && headReader.started();
    }

    /** @return whether a head was reported and its body is not complete yet (the body read timeout) */
    boolean inBody() {
        return state == State.FIXED_BODY || state == State.CHUNKED_BODY;
    }

    /**
     * Gives up on the request being read, as if its bytes had been malformed: reports {@code onError(status,
     * reason)} and ignores all further input. Nothing happens after an earlier error. Loop thread, outside
     * {@link #parse}: for a read timeout.
     *
     * @param status the status to answer, e.g. 408
     * @param reason what happened, for a log line
     */
    void fail(int status, String reason) {
        if (state != State.FAILED) {
            state = State.FAILED;
            listener.onError(status, reason);
        }
    }
}
