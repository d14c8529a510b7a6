package dev.ix.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Writes response heads and chunk framing into a {@code ByteBuf}, from bytes encoded once: status lines
 * ({@link HttpStatus}), field names, the loop's {@link HttpDate} and the configured {@code Server} line. Numbers are
 * written as digits in place; nothing is allocated per response.
 *
 * <p>A head is written in three steps:
 * <pre>
 *   writeHead(out, status, contentType, contentLength, flags)   status line, Date, Server, Content-Type,
 *                                                               Content-Length | Transfer-Encoding, Connection
 *   writeHeader(out, name, value)                               zero or more handler fields, checked
 *   writeEndOfHead(out)                                         the empty line
 * </pre>
 * then the content as {@link #writeHead} decided ({@link BodyFraming}): for {@code LENGTH} the bytes themselves, for
 * {@code CHUNKED} each chunk between {@link #writeChunkStart} and {@link #writeChunkEnd}, then
 * {@link #writeLastChunk}. A small body may be copied behind its head into the same buffer (one outbound entry and
 * one iovec instead of two); a large one is better written as its own buffer after it.
 *
 * <p><b>Response splitting is impossible</b>: every name and value from outside (content type, handler fields) is
 * checked before anything is written; a name that is not a {@code token} or a value with a byte outside visible
 * ASCII, SP and HTAB (CR, LF and NUL included) is refused with {@link IllegalArgumentException} and leaves
 * {@code out} as it was. Non-ASCII values (obs-text) are refused too: RFC 9110 §5.5 asks senders for ASCII.
 *
 * <p><b>Ownership:</b> no method releases or retains {@code out}; the caller owns it. <b>Threading:</b> holds no
 * per-response state, so one instance may serve every connection of a loop; use it on that loop's thread only (its
 * {@link HttpDate} is the loop's).
 */
final class ResponseEncoder {
    /** {@code flags} bit: the request was HEAD, so no content follows whatever the length. */
    static final int HEAD_REQUEST = 1;
    /** {@code flags} bit: the connection closes after this response ({@code Connection: close}). */
    static final int CLOSE = 2;
    /**
     * {@code flags} bit: the request was HTTP/1.0, whose recipient knows no chunked coding and closes unless told
     * {@code Connection: keep-alive}.
     */
    static final int HTTP_1_0 = 4;
    /** {@code contentLength} of a response whose length is not known when the head is written. */
    static final long UNKNOWN_LENGTH = -1;

    private static final byte[] DATE = HttpChars.ascii("Date: ");
    private static final byte[] CONTENT_TYPE = HttpChars.ascii("Content-Type: ");
    private static final byte[] CONTENT_LENGTH = HttpChars.ascii("Content-Length: ");
    private static final byte[] CHUNKED = HttpChars.ascii("Transfer-Encoding: chunked\r\n");
    private static final byte[] CONNECTION_CLOSE = HttpChars.ascii("Connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE = HttpChars.ascii("Connection: keep-alive\r\n");
    private static final byte[] FIELD_SEPARATOR = HttpChars.ascii(": ");
    private static final byte[] LAST_CHUNK = HttpChars.ascii("0\r\n\r\n");
    private static final short CRLF = ('\r' << 8) | '\n';

    private final HttpDate date;
    /** {@code Server: <name>\r\n}, or empty for none. */
    private final byte[] serverLine;

    /**
     * @param date       the loop's date ({@link HttpDate#current()} on the loop thread)
     * @param serverName the {@code Server} field value, or {@code null} to send none
     * @throws IllegalArgumentException if {@code serverName} is empty or holds a byte not allowed in a value
     */
    ResponseEncoder(HttpDate date, CharSequence serverName) {
        this.date = date;
        if (serverName == null) {
            this.serverLine = new byte[0];
        } else {
            if (serverName.isEmpty()) {
                throw new IllegalArgumentException("serverName: empty (expected: null for no Server field)");
            }
            checkValue("Server", serverName);
            this.serverLine = HttpChars.ascii("Server: " + serverName + "\r\n");
        }
    }

    /**
     * Writes the status line and the fields the server owns, and decides the framing of the content.
     * <ul>
     *   <li>{@code Content-Length} when the length is known, else {@code Transfer-Encoding: chunked} for HTTP/1.1
     *       and, for HTTP/1.0, no framing field, {@code Connection: close} and content until the close;</li>
     *   <li>1xx, 204 and 304 carry neither field nor content (RFC 9110 §8.6, §15.3.5, §15.4.5) and no
     *       {@code Content-Type}; a HEAD response carries the {@code Content-Length} a GET would (and no
     *       {@code Transfer-Encoding}: nothing follows to frame) but no content;</li>
     *   <li>{@code Connection: close} with {@link #CLOSE}; {@code Connection: keep-alive} for an HTTP/1.0 request
     *       kept open.</li>
     * </ul>
     *
     * @param out           where the head goes, from its writer index; not released
     * @param status        the status, always sent as {@code HTTP/1.1} (see {@link HttpStatus})
     * @param contentType   the {@code Content-Type} value, or {@code null} for none
     * @param contentLength content length in bytes, or {@link #UNKNOWN_LENGTH}
     * @param flags         {@link #HEAD_REQUEST}, {@link #CLOSE}, {@link #HTTP_1_0}, or-ed
     * @return how the content, if any, must be framed; {@link BodyFraming#UNTIL_CLOSE} also means the connection
     *         must close after it, whatever {@code flags} said
     * @throws IllegalArgumentException if {@code contentType} holds a byte not allowed in a value, or
     *                                  {@code contentLength} is below -1; {@code out} is then unchanged
     */
    BodyFraming writeHead(ByteBuf out, HttpStatus status, CharSequence contentType, long contentLength, int flags) {
        if (contentLength < UNKNOWN_LENGTH) {
            throw new IllegalArgumentException("contentLength: " + contentLength + " (expected: >= 0, or -1)");
        }
        boolean content = status.permitsContent();
        if (content && contentType != null) {
            checkValue("Content-Type", contentType);
        }
        BodyFraming framing = framing(content, contentLength, flags);
        out.writeBytes(status.statusLine());
        out.writeBytes(DATE);
        date.writeTo(out);
        out.writeShort(CRLF);
        out.writeBytes(serverLine);
        if (content) {
            if (contentType != null) {
                out.writeBytes(CONTENT_TYPE);
                ByteBufUtil.writeAscii(out, contentType);
                out.writeShort(CRLF);
            }
            if (contentLength != UNKNOWN_LENGTH) {
                out.writeBytes(CONTENT_LENGTH);
                AsciiDigits.writeDecimal(out, contentLength);
                out.writeShort(CRLF);
            } else if (framing == BodyFraming.CHUNKED) {
                out.writeBytes(CHUNKED);
            }
        }
        boolean http10 = (flags & HTTP_1_0) != 0;
        if ((flags & CLOSE) != 0 || framing == BodyFraming.UNTIL_CLOSE) {
            out.writeBytes(CONNECTION_CLOSE);
        } else if (http10) {
            out.writeBytes(CONNECTION_KEEP_ALIVE);
        }
        return framing;
    }

    private static BodyFraming framing(boolean content, long contentLength, int flags) {
        if (!content || (flags & HEAD_REQUEST) != 0) {
            return BodyFraming.NONE;
        }
        if (contentLength != UNKNOWN_LENGTH) {
            return BodyFraming.LENGTH;
        }
        return (flags & HTTP_1_0) != 0 ? BodyFraming.UNTIL_CLOSE : BodyFraming.CHUNKED;
    }

    /**
     * Writes one handler field line, after checking it. The framing fields are the encoder's: a handler that
     * writes its own {@code Content-Length}, {@code Transfer-Encoding} or {@code Connection} contradicts them.
     *
     * @param out   where the field goes, from its writer index; not released
     * @param name  a {@code token} (RFC 9110 §5.1), e.g. a constant {@code AsciiString}
     * @param value visible ASCII, SP and HTAB only; may be empty
     * @throws IllegalArgumentException if {@code name} or {@code value} is not allowed (CR or LF included); nothing
     *                                  is written then
     */
    void writeHeader(ByteBuf out, CharSequence name, CharSequence value) {
        checkName(name);
        checkValue(name, value);
        ByteBufUtil.writeAscii(out, name);
        out.writeBytes(FIELD_SEPARATOR);
        ByteBufUtil.writeAscii(out, value);
        out.writeShort(CRLF);
    }

    /**
     * Ends the head: writes the empty line.
     *
     * @param out not released
     */
    void writeEndOfHead(ByteBuf out) {
        out.writeShort(CRLF);
    }

    /**
     * Writes the line that opens a chunk of {@code size} bytes: its size in hex and CRLF. The chunk's bytes follow,
     * then {@link #writeChunkEnd}.
     *
     * @param out  not released
     * @param size bytes in the chunk, at least 1 (a chunk of 0 bytes would end the content)
     * @throws IllegalArgumentException if {@code size} is below 1
     */
    void writeChunkStart(ByteBuf out, long size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size: " + size + " (expected: >= 1; end with writeLastChunk)");
        }
        AsciiDigits.writeHex(out, size);
        out.writeShort(CRLF);
    }

    /**
     * Writes the CRLF that closes a chunk's bytes.
     *
     * @param out not released
     */
    void writeChunkEnd(ByteBuf out) {
        out.writeShort(CRLF);
    }

    /**
     * Writes the last chunk and the end of the (empty) trailer section: {@code 0\r\n\r\n}, the end of the content.
     *
     * @param out not released
     */
    void writeLastChunk(ByteBuf out) {
        out.writeBytes(LAST_CHUNK);
    }

    private static void checkName(CharSequence name) {
        int n = name.length();
        if (n == 0) {
            throw new IllegalArgumentException("field name: empty (expected: a token)");
        }
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (c > 0x7F || !HttpChars.isTchar((byte) c)) {
                throw new IllegalArgumentException("field name: character " + (int) c + " at " + i
                        + " is not allowed (expected: a token, RFC 9110 §5.6.2)");
            }
        }
    }

    private static void checkValue(CharSequence name, CharSequence value) {
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c > 0x7E || (c < 0x20 && c != '\t')) {
                throw new IllegalArgumentException("value of " + name + ": character " + (int) c + " at " + i
                        + " is not allowed (expected: visible ASCII, SP and HTAB; no CR or LF)");
            }
        }
    }
}
