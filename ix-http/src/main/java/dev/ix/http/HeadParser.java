package dev.ix.http;

/**
 * Turns the lines of a request head into a {@link RequestHead}: the request line (RFC 9112 §3), each field line
 * (§5), then the framing decision (§6.3) once the head is complete. Lines arrive without their CRLF, already split
 * by {@link HeadReader}; every fault throws {@link HttpParseException} with its status.
 *
 * <p>The framing headers are interpreted as their lines arrive, so no second pass over the fields is needed:
 * {@code Host}, {@code Content-Length}, {@code Transfer-Encoding}, {@code Connection} and {@code Expect}.
 */
final class HeadParser {
    private static final byte[] HTTP_SLASH = HttpChars.ascii("HTTP/");
    private static final long HTTP_1_1 = Swar.word("HTTP/1.1");
    private static final long HTTP_1_0 = Swar.word("HTTP/1.0");
    private static final long GET_SP = Swar.word("GET ");
    private static final long GET_SP_MASK = 0xFFFFFFFFL;
    private static final Caseless CHUNKED = new Caseless("chunked");
    private static final Caseless CLOSE = new Caseless("close");
    private static final Caseless KEEP_ALIVE = new Caseless("keep-alive");
    private static final Caseless CONTINUE = new Caseless("100-continue");

    private final HttpLimits limits;
    /** {@link HttpLimits#maxHeaderCount()}, checked for every field line. */
    private final int maxHeaderCount;
    private final RequestHead head = new RequestHead();

    private HttpVersion version;
    private boolean hostSeen;
    private long contentLength;
    private boolean transferEncodingSeen;
    private int chunkedCodings;
    private boolean lastCodingChunked;
    private boolean otherCoding;
    private boolean connectionClose;
    private boolean connectionKeepAlive;
    private boolean expectContinue;

    HeadParser(HttpLimits limits) {
        this.limits = limits;
        this.maxHeaderCount = limits.maxHeaderCount();
    }

    /** @return the head this parser fills; the same instance for every request */
    RequestHead head() {
        return head;
    }

    /** Starts a new head. */
    void reset() {
        head.reset();
        version = null;
        hostSeen = false;
        contentLength = -1;
        transferEncodingSeen = false;
        chunkedCodings = 0;
        lastCodingChunked = false;
        otherCoding = false;
        connectionClose = false;
        connectionKeepAlive = false;
        expectContinue = false;
    }

    /**
     * Parses {@code method SP request-target SP HTTP-version}: exactly one SP between the parts (RFC 9112 §3 lets a
     * recipient split on other whitespace; we do not, as lenient splitting is what request smuggling feeds on).
     */
    void requestLine(byte[] bytes, int start, int end) {
        HttpMethod method = null;
        int methodEnd = start;
        if ((Swar.word(bytes, start, end) & GET_SP_MASK) == GET_SP) {
            // The method of nearly every request, known at once.
            method = HttpMethod.GET;
            methodEnd = start + 3;
        } else {
            while (methodEnd < end && HttpChars.isTchar(bytes[methodEnd])) {
                methodEnd++;
            }
            if (methodEnd == start || methodEnd == end || bytes[methodEnd] != HttpChars.SP) {
                throw HttpParseException.badRequest("invalid method");
            }
        }
        int targetStart = methodEnd + 1;
        // The path first, then the query if a '?' stopped it: one test per byte rather than two.
        int targetEnd = Swar.indexOfNonPathChar(bytes, targetStart, end);
        int question = -1;
        if (targetEnd < end && bytes[targetEnd] == '?') {
            question = targetEnd;
            while (targetEnd < end && HttpChars.isTargetChar(bytes[targetEnd])) {
                targetEnd++;
            }
        }
        if (targetEnd == targetStart || targetEnd == end || bytes[targetEnd] != HttpChars.SP) {
            throw HttpParseException.badRequest("invalid request target");
        }
        version = version(bytes, targetEnd + 1, end);
        if (method == null) {
            // Matched once the line is known whole: the match reads a word from the method's start.
            method = HttpMethod.match(bytes, start, methodEnd);
        }
        int pathEnd = question < 0 ? targetEnd : question;
        int pathStart = pathStart(method, bytes, targetStart, pathEnd);
        head.requestLine(method, start, methodEnd, targetStart, targetEnd, pathStart, pathEnd,
                question < 0 ? -1 : question + 1, version);
    }

    /**
     * @return where the path starts in one of the four target forms (RFC 9112 §3.2)
     * @throws HttpParseException 400 for a target in none of them
     */
    private static int pathStart(HttpMethod method, byte[] bytes, int start, int pathEnd) {
        byte first = bytes[start];
        if (first == '/' || method == HttpMethod.CONNECT) {
            return start;
        }
        if (first == '*') {
            if (method != HttpMethod.OPTIONS || pathEnd != start + 1) {
                throw HttpParseException.badRequest("asterisk-form target other than OPTIONS *");
            }
            return start;
        }
        int authority = authorityStart(bytes, start, pathEnd);
        int i = authority;
        while (i < pathEnd && bytes[i] != '/') {
            i++;
        }
        return i;
    }

    /** @return where the authority of an absolute-form target starts, after {@code scheme://} */
    private static int authorityStart(byte[] bytes, int start, int end) {
        int i = start;
        while (i < end && isSchemeChar(bytes[i], i == start)) {
            i++;
        }
        if (i == start || end - i < 3 || bytes[i] != ':' || bytes[i + 1] != '/' || bytes[i + 2] != '/') {
            throw HttpParseException.badRequest("invalid request target");
        }
        return i + 3;
    }

    private static boolean isSchemeChar(byte b, boolean first) {
        boolean alpha = (b | 0x20) >= 'a' && (b | 0x20) <= 'z';
        return alpha || !first && (b >= '0' && b <= '9' || b == '+' || b == '-' || b == '.');
    }

    /**
     * @return the version of {@code HTTP/DIGIT.DIGIT}
     * @throws HttpParseException 400 when the bytes are not that, 505 for a major version other than 1
     */
    private static HttpVersion version(byte[] bytes, int start, int end) {
        if (end - start == 8) {
            long word = Swar.word(bytes, start);
            if (word == HTTP_1_1) {
                return HttpVersion.HTTP_1_1;
            }
            if (word == HTTP_1_0) {
                return HttpVersion.HTTP_1_0;
            }
        }
        if (end - start != 8 || !startsWith(bytes, start, HTTP_SLASH) || bytes[start + 6] != '.'
                || !isDigit(bytes[start + 5]) || !isDigit(bytes[start + 7])) {
            throw HttpParseException.badRequest("invalid HTTP version");
        }
        if (bytes[start + 5] != '1') {
            throw new HttpParseException(505, "HTTP version not supported");
        }
        return bytes[start + 7] == '0' ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
    }

    /**
     * Parses one field line and acts on the framing headers.
     *
     * @param controlFree whether the line is known to hold no CTL or DEL, so its value needs no byte check
     */
    void fieldLine(byte[] bytes, int start, int end, boolean controlFree) {
        if (head.headerCount() == maxHeaderCount) {
            throw new HttpParseException(431, "more than " + limits.maxHeaderCount() + " header fields");
        }
        // A known name shorter than two words is found from the line's first words, and its match proves its bytes;
        // any other name is checked byte by byte, which also names what is wrong with a bad line.
        long first = Swar.word(bytes, start, end);
        long second = 0;
        int nameLength = Swar.indexOf(first, (byte) ':');
        if (nameLength == Long.BYTES) {
            second = start + Long.BYTES < end ? Swar.word(bytes, start + Long.BYTES, end) : 0;
            nameLength += Swar.indexOf(second, (byte) ':');
        }
        int id = nameLength > 0 && nameLength < 2 * Long.BYTES
                ? KnownHeaders.match(first, second, nameLength)
                : KnownHeaders.UNKNOWN;
        int colon = start + nameLength;
        if (id == KnownHeaders.UNKNOWN) {
            colon = FieldLines.colon(bytes, start, end);
            if (nameLength >= 2 * Long.BYTES) {
                id = KnownHeaders.match(bytes, start, colon);
            }
        }
        int valueStart = FieldLines.valueStart(bytes, colon + 1, end);
        int valueEnd = controlFree
                ? FieldLines.trimEnd(bytes, valueStart, end)
                : FieldLines.valueEnd(bytes, valueStart, end);
        head.addField(id, start, colon, valueStart, valueEnd);
        switch (id) {
            case KnownHeaders.HOST -> {
                if (hostSeen) {
                    throw HttpParseException.badRequest("repeated Host");
                }
                hostSeen = true;
            }
            case KnownHeaders.CONTENT_LENGTH -> {
                if (contentLength >= 0) {
                    throw HttpParseException.badRequest("repeated Content-Length");
                }
                contentLength = contentLength(bytes, valueStart, valueEnd);
            }
            case KnownHeaders.TRANSFER_ENCODING -> {
                transferEncodingSeen = true;
                codings(bytes, valueStart, valueEnd);
            }
            case KnownHeaders.CONNECTION -> connectionOptions(bytes, valueStart, valueEnd);
            case KnownHeaders.EXPECT -> expectContinue |= CONTINUE.matches(bytes, valueStart, valueEnd);
            default -> {
            }
        }
    }

    /**
     * Decides the framing of the complete head (RFC 9112 §6.3) and stores it in the head.
     *
     * @param bytes where the head's lines are now
     * @return the head, complete
     * @throws HttpParseException 400, 413 or 501 as the module README's table says
     */
    RequestHead finish(byte[] bytes) {
        boolean http11 = version == HttpVersion.HTTP_1_1;
        if (http11 && !hostSeen) {
            throw HttpParseException.badRequest("missing Host");
        }
        if (transferEncodingSeen) {
            // §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing; §6.3: with Content-Length too,
            // the two may disagree between us and a proxy (request smuggling).
            if (!http11) {
                throw HttpParseException.badRequest("Transfer-Encoding in an HTTP/1.0 request");
            }
            if (contentLength >= 0) {
                throw HttpParseException.badRequest("both Content-Length and Transfer-Encoding");
            }
            if (chunkedCodings != 1 || !lastCodingChunked) {
                throw HttpParseException.badRequest("Transfer-Encoding without chunked once and last");
            }
            if (otherCoding) {
                throw new HttpParseException(501, "transfer coding not implemented");
            }
        }
        if (contentLength > limits.maxBodySize()) {
            throw new HttpParseException(413, "Content-Length over " + limits.maxBodySize());
        }
        boolean keepAlive = !connectionClose && (http11 || connectionKeepAlive);
        // RFC 9110 §10.1.1: a server MUST ignore 100-continue in an HTTP/1.0 request.
        head.complete(bytes, contentLength, transferEncodingSeen, keepAlive, http11 && expectContinue);
        return head;
    }

    /** @return {@code 1*DIGIT}, saturated at {@code Long.MAX_VALUE} (which is over any body limit) */
    private static long contentLength(byte[] bytes, int start, int end) {
        if (start == end) {
            throw HttpParseException.badRequest("empty Content-Length");
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            byte b = bytes[i];
            if (!isDigit(b)) {
                throw HttpParseException.badRequest("invalid Content-Length");
            }
            value = value > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : value * 10 + (b - '0');
        }
        return value;
    }

    /** Reads a list of transfer codings; empty list elements are ignored (RFC 9110 §5.6.1.2). */
    private void codings(byte[] bytes, int start, int end) {
        int from = start;
        while (from <= end) {
            int comma = indexOfComma(bytes, from, end);
            int elementStart = FieldLines.valueStart(bytes, from, comma);
            int elementEnd = FieldLines.trimEnd(bytes, elementStart, comma);
            if (elementStart < elementEnd) {
                lastCodingChunked = CHUNKED.matches(bytes, elementStart, elementEnd);
                if (lastCodingChunked) {
                    chunkedCodings++;
                } else {
                    otherCoding = true;
                }
            }
            from = comma + 1;
        }
    }

    /** Reads the connection options {@code close} and {@code keep-alive}; other options are ignored. */
    private void connectionOptions(byte[] bytes, int start, int end) {
        // The value browsers and load generators send, matched whole before the list is taken apart.
        if (KEEP_ALIVE.matches(bytes, start, end)) {
            connectionKeepAlive = true;
            return;
        }
        int from = start;
        while (from <= end) {
            int comma = indexOfComma(bytes, from, end);
            int optionStart = FieldLines.valueStart(bytes, from, comma);
            int optionEnd = FieldLines.trimEnd(bytes, optionStart, comma);
            connectionClose |= CLOSE.matches(bytes, optionStart, optionEnd);
            connectionKeepAlive |= KEEP_ALIVE.matches(bytes, optionStart, optionEnd);
            from = comma + 1;
        }
    }

    private static int indexOfComma(byte[] bytes, int from, int end) {
        int i = from;
        while (i < end && bytes[i] != ',') {
            i++;
        }
        return i;
    }

    private static boolean startsWith(byte[] bytes, int start, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[start + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
