package dev.ix.http;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * Gathers the bytes of one request head into a per-connection array, splits them into lines, enforces the request
 * line (414) and header section (431) limits, and hands each complete line to a {@link HeadParser}.
 *
 * <p>Why copy at all: the head is scanned byte by byte, which is fastest over a Java array (bounds checks hoisted,
 * no per-byte reference-count or accessibility checks as through {@code ByteBuf.getByte}); the copy is one bulk
 * {@code readBytes} of a few hundred bytes. The copy also makes a head that straddles reads need no special case,
 * and keeps the {@link RequestHead} valid after the caller released the buffers it came from.
 *
 * <p>Exactly the head's bytes are consumed from the input: bytes copied past the head's end (body, next pipelined
 * request) are left readable in the input, so bodies are sliced from it without a copy. Copies are at most
 * {@value #COPY_CHUNK} bytes at a time, so a buffer of many pipelined requests is not copied again for each one.
 *
 * <p>The checks are made in the order the bytes arrive, so every split of the same input ends the same way: a line is
 * parsed only when its LF is here; a limit is reported as soon as the bytes so far exceed it whatever follows; the
 * method is checked as it arrives, so binary garbage (a TLS handshake) gets its 400 at once.
 */
final class HeadReader {
    /** Bytes copied per step; a typical request head (wrk: 49, TechEmpower: 170, a browser: 400-800) fits in one. */
    static final int COPY_CHUNK = 512;
    private static final int INITIAL_CAPACITY = 1024;

    private final HttpLimits limits;
    private final HeadParser parser;
    /** Request line with its CRLF, and header section. */
    private final int capacity;
    private final int maxHeaderSize;

    private byte[] bytes;
    /** Bytes of the head gathered so far. */
    private int used;
    /** Where the search for the next LF resumes. */
    private int scanned;
    private int lineStart;
    /** Where the header section starts; -1 while the request line is still coming. */
    private int fieldsStart = -1;
    /** Where the early method check resumes. */
    private int methodChecked;

    HeadReader(HttpLimits limits, HeadParser parser) {
        this.limits = limits;
        this.parser = parser;
        this.capacity = limits.maxRequestLineLength() + 2 + limits.maxHeaderSize();
        this.maxHeaderSize = limits.maxHeaderSize();
        this.bytes = new byte[Math.min(INITIAL_CAPACITY, capacity)];
    }

    /** Starts the next request's head: the previous {@link RequestHead} is invalid from here on. */
    void reset() {
        used = 0;
        scanned = 0;
        lineStart = 0;
        fieldsStart = -1;
        methodChecked = 0;
        parser.reset();
    }

    /** @return whether bytes of a head (empty lines before the request line too) arrived since {@link #reset} */
    boolean started() {
        return used > 0;
    }

    /**
     * Reads head bytes from {@code in}.
     *
     * @return the complete head, with {@code in}'s reader index just after its empty line; or {@code null} when
     * {@code in} was consumed and more bytes are needed
     * @throws HttpParseException for a malformed head or one over a limit
     */
    RequestHead read(ByteBuf in) {
        while (in.isReadable()) {
            int from = in.readerIndex();
            int n = Math.min(Math.min(in.readableBytes(), COPY_CHUNK), capacity - used);
            if (used + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(used + n, Math.min(capacity, 2 * bytes.length)));
            }
            // readBytes, not getBytes: Netty's direct buffers without Unsafe duplicate their NIO buffer for a
            // getBytes (an allocation per call), a readBytes goes through their cached internal one.
            in.readBytes(bytes, used, n);
            int copiedAt = used;
            used += n;
            int end = scan();
            if (end >= 0) {
                in.readerIndex(from + end - copiedAt);
                return parser.finish(bytes);
            }
        }
        return null;
    }

    /** @return the index after the head's final empty line, or -1 when it has not arrived */
    private int scan() {
        byte[] b = bytes;
        int from = scanned;
        while (true) {
            if (fieldsStart >= 0 && from == lineStart) {
                // A field line's first CTL is normally its CR: one search finds its end and that its value is clean.
                int cr = Swar.indexOfControl(b, from, used);
                if (cr + 1 < used && b[cr] == HttpChars.CR && b[cr + 1] == HttpChars.LF) {
                    int headEnd = fieldLine(cr + 1, true, true);
                    if (headEnd >= 0) {
                        return headEnd;
                    }
                    from = cr + 2;
                    lineStart = from;
                    continue;
                }
            }
            int i = Swar.indexOfLf(b, from, used);
            if (i < 0) {
                break;
            }
            from = i + 1;
            boolean crlf = i > lineStart && b[i - 1] == HttpChars.CR;
            if (fieldsStart < 0) {
                if (crlf && i - 1 == lineStart) {
                    // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line.
                    lineStart = from;
                    methodChecked = from;
                    continue;
                }
                if (i - 1 > limits.maxRequestLineLength()) {
                    // A bad method byte before the limit is a 400, as when the line is still arriving; on a line
                    // within the limit, requestLine checks the method itself.
                    checkMethod(limits.maxRequestLineLength());
                    throw requestLineTooLong();
                }
                requireCrlf(crlf);
                parser.requestLine(b, lineStart, i - 1);
                fieldsStart = i + 1;
            } else {
                int headEnd = fieldLine(i, crlf, false);
                if (headEnd >= 0) {
                    return headEnd;
                }
            }
            lineStart = from;
        }
        scanned = used;
        checkPartialLine();
        return -1;
    }

    /**
     * Takes the field line, or the empty line that ends the head, whose LF is at {@code lf}.
     *
     * @param controlFree whether the line holds no CTL or DEL but its CRLF
     * @return the index after the head, or -1 when more lines follow
     */
    private int fieldLine(int lf, boolean crlf, boolean controlFree) {
        if (lf + 1 - fieldsStart > maxHeaderSize) {
            throw headerSectionTooLarge();
        }
        requireCrlf(crlf);
        if (lf - 1 == lineStart) {
            return lf + 1;
        }
        parser.fieldLine(bytes, lineStart, lf - 1, controlFree);
        return -1;
    }

    /** The line being received has no LF yet: report what its end can no longer change. */
    private void checkPartialLine() {
        if (fieldsStart < 0) {
            // The last byte may be the CR of an empty line, so it is left to the complete line's check.
            checkMethod(Math.min(used - 1, limits.maxRequestLineLength()));
            if (used - 1 > limits.maxRequestLineLength()) {
                throw requestLineTooLong();
            }
        } else if (used + 1 - fieldsStart > maxHeaderSize) {
            throw headerSectionTooLarge();
        }
    }

    /**
     * Checks the method bytes of the request line up to {@code end} (or its first SP): only {@code tchar}s. Limited to
     * the request line limit, so a line over it is 414 unless a bad byte came before the limit, for every split.
     */
    private void checkMethod(int end) {
        int i = methodChecked;
        while (i < end && HttpChars.isTchar(bytes[i])) {
            i++;
        }
        if (i < end && bytes[i] != HttpChars.SP) {
            throw HttpParseException.badRequest("invalid method");
        }
        methodChecked = i < end ? Integer.MAX_VALUE : Math.max(i, methodChecked);
    }

    /** RFC 9112 §2.2 lets a recipient accept a bare LF as a line end; we do not (see the module README). */
    private static void requireCrlf(boolean crlf) {
        if (!crlf) {
            throw HttpParseException.badRequest("bare LF");
        }
    }

    private HttpParseException requestLineTooLong() {
        return new HttpParseException(414, "request line over " + limits.maxRequestLineLength() + " bytes");
    }

    private HttpParseException headerSectionTooLarge() {
        return new HttpParseException(431, "header section over " + limits.maxHeaderSize() + " bytes");
    }
}
