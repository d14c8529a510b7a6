package dev.ix.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * An incremental HTTP/1.1 response parser for one connection that allocates nothing: it keeps only the state needed
 * to find where each response ends (status code, {@code Content-Length}, {@code Transfer-Encoding: chunked},
 * {@code Connection}) and skips bodies in bulk.
 *
 * <p>Input may end anywhere, in the middle of a status line, a header, a chunk size or a body, and one buffer may
 * hold several responses. The status line and header section together may not exceed {@link #MAX_HEAD} bytes, nor
 * may a chunked body's trailer section. {@code 1xx} responses are skipped; {@code 204} and {@code 304} have no body;
 * a response with neither length nor chunking ends when the connection closes ({@link #endOfInput}).
 *
 * <p>Not thread-safe: one instance per connection, used on its event loop only.
 */
final class ResponseParser implements ResponseDecoder, ByteProcessor {

    /** The most bytes a status line and header section (or a trailer section) may take. */
    static final int MAX_HEAD = 8192;

    private static final long MAX_LENGTH = 1L << 50;

    private static final int START = 0;
    private static final int STATUS_LINE = 1;
    private static final int REASON = 2;
    private static final int LF = 3;
    private static final int HEADER_START = 4;
    private static final int HEADER_NAME = 5;
    private static final int HEADER_VALUE = 6;
    private static final int BODY = 7;
    private static final int BODY_UNTIL_CLOSE = 8;
    private static final int CHUNK_SIZE = 9;
    private static final int CHUNK_EXTENSION = 10;
    private static final int CHUNK_DATA = 11;
    private static final int CHUNK_DATA_END = 12;
    private static final int TRAILER_START = 13;
    private static final int TRAILER_LINE = 14;
    private static final int DONE = 15;
    private static final int FAILED = 16;

    /** What a {@link #LF} state does once its line feed has come. */
    private static final int THEN_HEADER_START = 0;
    private static final int THEN_HEAD_DONE = 1;
    private static final int THEN_CHUNK_SIZE_DONE = 2;
    private static final int THEN_CHUNK_SIZE = 3;
    private static final int THEN_COMPLETE = 4;

    private static final byte[] STATUS_PREFIX = {'H', 'T', 'T', 'P', '/', '1', '.'};

    private static final int NONE = 0;
    private static final int CONTENT_LENGTH = 1;
    private static final int TRANSFER_ENCODING = 2;
    private static final int CONNECTION = 3;
    private static final byte[][] HEADER_NAMES = {
            null, bytes("content-length"), bytes("transfer-encoding"), bytes("connection")};
    private static final int ALL_HEADERS = 0b1110;

    private static final byte[] CHUNKED = bytes("chunked");
    private static final byte[] CLOSE = bytes("close");
    private static final byte[] KEEP_ALIVE = bytes("keep-alive");

    private int state = START;
    private int afterLf;
    private String error;
    private Listener listener;

    private int position;
    private int headBytes;
    private int status;
    private boolean http10;

    private int nameCandidates;
    private int nameLength;
    private int header;
    private int valueMatch;
    private int lengthDigits;
    private boolean lengthEnded;
    private long headerLength;

    private long contentLength;
    private boolean chunked;
    private boolean closeToken;
    private boolean keepAliveToken;
    private long remaining;
    private int chunkDigits;

    ResponseParser() {
        reset();
    }

    @Override
    public boolean feed(ByteBuf in, Listener listener) {
        if (state == FAILED) {
            return false;
        }
        this.listener = listener;
        try {
            int i = in.readerIndex();
            int end = in.writerIndex();
            while (i < end) {
                switch (state) {
                    case BODY, CHUNK_DATA -> {
                        int n = (int) Math.min(remaining, end - i);
                        i += n;
                        remaining -= n;
                        if (remaining == 0) {
                            if (state == BODY) {
                                complete();
                            } else {
                                state = CHUNK_DATA_END;
                            }
                        }
                    }
                    case BODY_UNTIL_CLOSE, DONE -> i = end;
                    default -> {
                        int stop = in.forEachByte(i, end - i, this);
                        i = stop < 0 ? end : stop + 1;
                    }
                }
                if (state == FAILED) {
                    return false;
                }
            }
            return true;
        } finally {
            this.listener = null;
        }
    }

    /**
     * Tells the parser the connection has closed: completes a response whose body runs until the close.
     *
     * @return whether the input ended between responses (or a body that runs until the close); {@code false} if it
     *         ended inside one
     */
    @Override
    public boolean endOfInput(Listener listener) {
        if (state == BODY_UNTIL_CLOSE) {
            this.listener = listener;
            try {
                complete();
            } finally {
                this.listener = null;
            }
            return true;
        }
        return state == START && position == 0 || state == DONE;
    }

    @Override
    public String error() {
        return error;
    }

    /** @return whether the parser is between responses (nothing of the next one seen yet) */
    boolean idle() {
        return state == START && position == 0;
    }

    @Override
    public void reset() {
        state = START;
        error = null;
        startResponse();
    }

    @Override
    public boolean process(byte b) {
        switch (state) {
            case START -> {
                if (b == '\r' || b == '\n') {
                    // Tolerate empty lines between responses, as common parsers do.
                    return true;
                }
                state = STATUS_LINE;
                return statusLine(b);
            }
            case STATUS_LINE -> {
                return statusLine(b);
            }
            case REASON -> {
                return head(b) && reason(b);
            }
            case LF -> {
                return lineFeed(b);
            }
            case HEADER_START -> {
                return head(b) && headerStart(b);
            }
            case HEADER_NAME -> {
                return head(b) && headerName(b);
            }
            case HEADER_VALUE -> {
                return head(b) && headerValue(b);
            }
            case CHUNK_SIZE -> {
                return chunkSize(b);
            }
            case CHUNK_EXTENSION -> {
                return chunkExtension(b);
            }
            case CHUNK_DATA_END -> {
                return chunkDataEnd(b);
            }
            case TRAILER_START -> {
                return head(b) && trailerStart(b);
            }
            case TRAILER_LINE -> {
                if (b == '\n') {
                    state = TRAILER_START;
                }
                return head(b);
            }
            default -> {
                return false;
            }
        }
    }

    private boolean statusLine(byte b) {
        int p = position++;
        headBytes++;
        if (p < STATUS_PREFIX.length) {
            return b == STATUS_PREFIX[p] || fail("malformed status line: expected HTTP/1.x");
        }
        if (p == 7) {
            http10 = b == '0';
            return isDigit(b) || fail("malformed status line: bad HTTP version");
        }
        if (p == 8) {
            return b == ' ' || fail("malformed status line: expected a space after the version");
        }
        if (p <= 11) {
            if (!isDigit(b)) {
                return fail("malformed status line: the status code is not three digits");
            }
            status = status * 10 + (b - '0');
            return true;
        }
        if (status < 100) {
            return fail("malformed status line: status code below 100");
        }
        return switch (b) {
            case ' ' -> {
                state = REASON;
                yield true;
            }
            case '\r' -> lfThen(THEN_HEADER_START);
            case '\n' -> {
                state = HEADER_START;
                yield true;
            }
            default -> fail("malformed status line: expected a space after the status code");
        };
    }

    private boolean reason(byte b) {
        if (b == '\r') {
            return lfThen(THEN_HEADER_START);
        }
        if (b == '\n') {
            state = HEADER_START;
        }
        return true;
    }

    private boolean headerStart(byte b) {
        switch (b) {
            case '\r' -> {
                return lfThen(THEN_HEAD_DONE);
            }
            case '\n' -> {
                return headDone();
            }
            case ' ', '\t' -> {
                // An obsolete line folding: the continuation of a value we do not need.
                header = NONE;
                state = HEADER_VALUE;
                return true;
            }
            default -> {
                nameCandidates = ALL_HEADERS;
                nameLength = 0;
                state = HEADER_NAME;
                return headerName(b);
            }
        }
    }

    private boolean headerName(byte b) {
        if (b == ':') {
            header = NONE;
            for (int h = CONTENT_LENGTH; h <= CONNECTION; h++) {
                if ((nameCandidates & (1 << h)) != 0 && HEADER_NAMES[h].length == nameLength) {
                    header = h;
                }
            }
            valueMatch = 0;
            lengthDigits = 0;
            lengthEnded = false;
            headerLength = 0;
            state = HEADER_VALUE;
            return true;
        }
        if (b == '\r' || b == '\n') {
            return fail("malformed header: no colon");
        }
        int lower = lower(b);
        int candidates = nameCandidates;
        for (int h = CONTENT_LENGTH; h <= CONNECTION; h++) {
            byte[] name = HEADER_NAMES[h];
            if ((candidates & (1 << h)) != 0 && (nameLength >= name.length || name[nameLength] != lower)) {
                candidates &= ~(1 << h);
            }
        }
        nameCandidates = candidates;
        nameLength++;
        return true;
    }

    private boolean headerValue(byte b) {
        if (b == '\r' || b == '\n') {
            if (!endValue()) {
                return false;
            }
            if (b == '\r') {
                return lfThen(THEN_HEADER_START);
            }
            state = HEADER_START;
            return true;
        }
        switch (header) {
            case CONTENT_LENGTH -> {
                return contentLengthByte(b);
            }
            case TRANSFER_ENCODING -> {
                valueMatch = match(CHUNKED, valueMatch, b);
                if (valueMatch == CHUNKED.length) {
                    chunked = true;
                    valueMatch = 0;
                }
                return true;
            }
            case CONNECTION -> {
                // Two matchers in one int: "close" in the low half, "keep-alive" in the high half.
                int close = match(CLOSE, valueMatch & 0xffff, b);
                int keep = match(KEEP_ALIVE, valueMatch >>> 16, b);
                if (close == CLOSE.length) {
                    closeToken = true;
                    close = 0;
                }
                if (keep == KEEP_ALIVE.length) {
                    keepAliveToken = true;
                    keep = 0;
                }
                valueMatch = close | keep << 16;
                return true;
            }
            default -> {
                return true;
            }
        }
    }

    private boolean contentLengthByte(byte b) {
        if (b == ' ' || b == '\t') {
            lengthEnded = lengthDigits > 0;
            return true;
        }
        if (!isDigit(b) || lengthEnded) {
            return fail("malformed Content-Length");
        }
        headerLength = headerLength * 10 + (b - '0');
        lengthDigits++;
        return headerLength <= MAX_LENGTH || fail("Content-Length too large");
    }

    private boolean endValue() {
        if (header != CONTENT_LENGTH) {
            return true;
        }
        if (lengthDigits == 0) {
            return fail("malformed Content-Length: empty");
        }
        if (contentLength >= 0 && contentLength != headerLength) {
            return fail("conflicting Content-Length headers");
        }
        contentLength = headerLength;
        return true;
    }

    private boolean headDone() {
        if (status < 200) {
            if (status == 101) {
                return fail("101 Switching Protocols: upgrades are not supported");
            }
            startResponse();
            state = START;
            return true;
        }
        if (status == 204 || status == 304) {
            return complete();
        }
        if (chunked) {
            remaining = 0;
            chunkDigits = 0;
            state = CHUNK_SIZE;
            return true;
        }
        if (contentLength > 0) {
            remaining = contentLength;
            state = BODY;
            // Stop the byte loop: the body is skipped in bulk.
            return false;
        }
        if (contentLength == 0) {
            return complete();
        }
        state = BODY_UNTIL_CLOSE;
        return false;
    }

    private boolean chunkSize(byte b) {
        int digit = hex(b);
        if (digit >= 0) {
            if (++chunkDigits > 12) {
                return fail("chunk size too large");
            }
            remaining = remaining << 4 | digit;
            return true;
        }
        if (chunkDigits == 0) {
            return fail("malformed chunk size");
        }
        return switch (b) {
            case ';', ' ', '\t' -> {
                state = CHUNK_EXTENSION;
                yield true;
            }
            case '\r' -> lfThen(THEN_CHUNK_SIZE_DONE);
            case '\n' -> chunkSizeDone();
            default -> fail("malformed chunk size");
        };
    }

    private boolean chunkExtension(byte b) {
        if (b == '\r') {
            return lfThen(THEN_CHUNK_SIZE_DONE);
        }
        if (b == '\n') {
            return chunkSizeDone();
        }
        return true;
    }

    private boolean chunkSizeDone() {
        if (remaining == 0) {
            headBytes = 0;
            state = TRAILER_START;
            return true;
        }
        state = CHUNK_DATA;
        return false;
    }

    private boolean chunkDataEnd(byte b) {
        if (b == '\r') {
            return lfThen(THEN_CHUNK_SIZE);
        }
        if (b == '\n') {
            startChunk();
            return true;
        }
        return fail("malformed chunk: no line break after the data");
    }

    private void startChunk() {
        remaining = 0;
        chunkDigits = 0;
        state = CHUNK_SIZE;
    }

    private boolean trailerStart(byte b) {
        if (b == '\r') {
            return lfThen(THEN_COMPLETE);
        }
        if (b == '\n') {
            return complete();
        }
        state = TRAILER_LINE;
        return true;
    }

    private boolean lfThen(int then) {
        afterLf = then;
        state = LF;
        return true;
    }

    private boolean lineFeed(byte b) {
        if (b != '\n') {
            return fail("a carriage return not followed by a line feed");
        }
        switch (afterLf) {
            case THEN_HEADER_START -> {
                state = HEADER_START;
                return true;
            }
            case THEN_HEAD_DONE -> {
                return headDone();
            }
            case THEN_CHUNK_SIZE_DONE -> {
                return chunkSizeDone();
            }
            case THEN_CHUNK_SIZE -> {
                startChunk();
                return true;
            }
            default -> {
                return complete();
            }
        }
    }

    /** Counts a byte of the head (or trailers) against {@link #MAX_HEAD}. */
    private boolean head(byte b) {
        return ++headBytes <= MAX_HEAD || fail("header section larger than " + MAX_HEAD + " bytes");
    }

    /** @return {@code true} to go on with the byte loop, {@code false} when input must be ignored from now on */
    private boolean complete() {
        int code = status;
        boolean keepAlive = http10 ? keepAliveToken && !closeToken : !closeToken;
        startResponse();
        state = keepAlive ? START : DONE;
        listener.response(code, keepAlive);
        return keepAlive;
    }

    private void startResponse() {
        position = 0;
        headBytes = 0;
        status = 0;
        http10 = false;
        contentLength = -1;
        chunked = false;
        closeToken = false;
        keepAliveToken = false;
        remaining = 0;
        chunkDigits = 0;
    }

    private boolean fail(String why) {
        error = why;
        state = FAILED;
        return false;
    }

    private static int match(byte[] token, int matched, byte b) {
        int lower = lower(b);
        if (token[matched] == lower) {
            return matched + 1;
        }
        // The tokens' first letters occur nowhere else in them, so a mismatch restarts at 0 or 1.
        return token[0] == lower ? 1 : 0;
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b | 0x20 : b;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int lower = lower(b);
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
