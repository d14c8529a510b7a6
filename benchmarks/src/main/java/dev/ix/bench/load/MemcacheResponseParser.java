package dev.ix.bench.load;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * An incremental parser of memcached text-protocol responses for one connection that allocates nothing per response:
 * input may end anywhere (in a line, in a value's data) and one buffer may hold many responses. Each line is found
 * with one {@code indexOf} and copied into a fixed buffer; a value's data is skipped in bulk.
 *
 * <p>What it accepts and how each answer reports to the {@link ResponseDecoder.Listener}:
 * <pre>
 *   VALUE &lt;key&gt; &lt;flags&gt; &lt;bytes&gt; [&lt;cas&gt;]\r\n&lt;data&gt;\r\n … END\r\n   a GET's hit(s)   200
 *   END\r\n                                        a GET's miss                 404: an error, counted in misses()
 *   STORED, DELETED, TOUCHED, OK                   a command done               200
 *   NOT_STORED, EXISTS, NOT_FOUND                  a command refused            409: an error
 *   ERROR, CLIENT_ERROR …, SERVER_ERROR …          the server's errors          500: an error
 * </pre>
 * A miss is an error because every key is stored before the load ({@link MemcachePreload}): a server that lost keys
 * would otherwise look faster, answering {@code END} alone. Anything else (an unknown line, a line longer than {@value #MAX_LINE} bytes, a VALUE line without a size, data not
 * followed by {@code \r\n}) fails the stream: the connection is closed and counted as a read error. A GET's answer
 * is complete only at its {@code END}, so pipelined responses are told apart without knowing the requests.
 *
 * <p>Not thread-safe: one instance per connection, used on its event loop only.
 */
final class MemcacheResponseParser implements ResponseDecoder {

    /** What a hit and a STORED report as. */
    static final int OK_STATUS = 200;
    /** What a GET's miss reports as: an error, since the load requests only keys it stored first. */
    static final int MISS_STATUS = 404;
    /** What a storage command's refusal reports as: an error for a workload of GETs and SETs. */
    static final int REFUSED_STATUS = 409;
    /** What ERROR, CLIENT_ERROR and SERVER_ERROR report as. */
    static final int ERROR_STATUS = 500;

    /** The longest line accepted: a VALUE line with a 250-byte key and every number at its widest fits. */
    static final int MAX_LINE = 512;
    /** The largest value accepted (memcached's default item size limit). */
    static final int MAX_VALUE = 1 << 20;

    private static final byte[] VALUE = bytes("VALUE ");
    private static final byte[] END = bytes("END");
    private static final byte[] STORED = bytes("STORED");
    private static final byte[] NOT_STORED = bytes("NOT_STORED");
    private static final byte[] EXISTS = bytes("EXISTS");
    private static final byte[] NOT_FOUND = bytes("NOT_FOUND");
    private static final byte[] DELETED = bytes("DELETED");
    private static final byte[] TOUCHED = bytes("TOUCHED");
    private static final byte[] OK = bytes("OK");
    private static final byte[] ERROR = bytes("ERROR");
    private static final byte[] CLIENT_ERROR = bytes("CLIENT_ERROR");
    private static final byte[] SERVER_ERROR = bytes("SERVER_ERROR");

    private final byte[] line = new byte[MAX_LINE];
    /** Bytes of the current line gathered so far, without its {@code \n}. */
    private int lineLength;
    /** Data bytes of the current value still to skip, then its {@code \r\n}: -1 while reading lines. */
    private int data = -1;
    /** Bytes of the {@code \r\n} after a value's data seen so far. */
    private int trailer;
    /** Whether the GET answer being read has had a VALUE. */
    private boolean hit;
    private long misses;
    private String error;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public boolean feed(ByteBuf in, Listener listener) {
        if (error != null) {
            return false;
        }
        int i = in.readerIndex();
        int end = in.writerIndex();
        while (i < end) {
            if (data >= 0) {
                i = skipData(in, i, end);
                if (error != null) {
                    return false;
                }
                continue;
            }
            int nl = in.indexOf(i, end, (byte) '\n');
            int stop = nl < 0 ? end : nl;
            int n = stop - i;
            if (lineLength + n > MAX_LINE) {
                return fail("a response line longer than " + MAX_LINE + " bytes");
            }
            in.getBytes(i, line, lineLength, n);
            lineLength += n;
            i = stop;
            if (nl < 0) {
                break;
            }
            i++;
            int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
            lineLength = 0;
            if (!line(length, listener)) {
                return false;
            }
        }
        return true;
    }

    /** Skips a value's data and checks the {@code \r\n} after it. @return where the input continues */
    private int skipData(ByteBuf in, int i, int end) {
        if (data > 0) {
            int n = Math.min(data, end - i);
            data -= n;
            return i + n;
        }
        byte b = in.getByte(i);
        if (b != (trailer == 0 ? '\r' : '\n')) {
            fail("a value's data not followed by \\r\\n (byte " + (b & 0xff) + ")");
            return i;
        }
        if (++trailer == 2) {
            trailer = 0;
            data = -1;
        }
        return i + 1;
    }

    /** One whole line, {@code length} bytes without its line end. */
    private boolean line(int length, Listener listener) {
        if (startsWith(length, VALUE)) {
            return value(length);
        }
        if (is(length, END)) {
            boolean found = hit;
            hit = false;
            if (!found) {
                misses++;
            }
            listener.response(found ? OK_STATUS : MISS_STATUS, true);
            return true;
        }
        if (hit) {
            return fail("\"" + text(length) + "\" inside a GET's answer (expected: VALUE or END)");
        }
        if (is(length, STORED) || is(length, DELETED) || is(length, TOUCHED) || is(length, OK)) {
            listener.response(OK_STATUS, true);
        } else if (is(length, NOT_STORED) || is(length, EXISTS) || is(length, NOT_FOUND)) {
            listener.response(REFUSED_STATUS, true);
        } else if (is(length, ERROR) || startsWith(length, CLIENT_ERROR) || startsWith(length, SERVER_ERROR)) {
            listener.response(ERROR_STATUS, true);
        } else {
            return fail("unexpected response line \"" + text(length) + "\"");
        }
        return true;
    }

    /** {@code VALUE <key> <flags> <bytes> [<cas>]}: the data's size is the fourth word. */
    private boolean value(int length) {
        int word = 0;
        int i = 0;
        while (i < length && word < 3) {
            while (i < length && line[i] != ' ') {
                i++;
            }
            while (i < length && line[i] == ' ') {
                i++;
            }
            word++;
        }
        long size = 0;
        int digits = 0;
        while (i < length && line[i] >= '0' && line[i] <= '9' && size <= MAX_VALUE) {
            size = size * 10 + (line[i++] - '0');
            digits++;
        }
        if (word < 3 || digits == 0 || size > MAX_VALUE || i < length && line[i] != ' ') {
            return fail("a VALUE line without a valid size: \"" + text(length) + "\"");
        }
        hit = true;
        data = (int) size;
        trailer = 0;
        return true;
    }

    private boolean is(int length, byte[] word) {
        return length == word.length && startsWith(length, word);
    }

    private boolean startsWith(int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (line[k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    private String text(int length) {
        return new String(line, 0, Math.min(length, 80), StandardCharsets.US_ASCII);
    }

    private boolean fail(String why) {
        error = why;
        return false;
    }

    /** @return GET answers without a value since the last {@link #reset()} */
    long misses() {
        return misses;
    }

    @Override
    public boolean endOfInput(Listener listener) {
        return error == null && lineLength == 0 && data < 0 && !hit;
    }

    @Override
    public String error() {
        return error;
    }

    @Override
    public void reset() {
        lineLength = 0;
        data = -1;
        trailer = 0;
        hit = false;
        misses = 0;
        error = null;
    }
}
