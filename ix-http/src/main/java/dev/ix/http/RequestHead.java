package dev.ix.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The request line and header section of one request, as offsets into the bytes the parser read: nothing is decoded
 * until a handler asks, and then only what it asks for.
 *
 * <p>One instance per connection, filled again for every request. It is valid from
 * {@link RequestParser.Listener#onHead} until the parser reads the first byte of the next request: after
 * {@link RequestParser.Listener#onEnd} returned {@code true}, when the same input holds more bytes; after a pause
 * ({@code onEnd} returned {@code false}), in a later {@link RequestParser#parse} call. So a listener that pauses at
 * {@code onEnd} keeps the head for as long as it likes. Body bytes never overwrite it. Loop thread only.
 *
 * <p>Allocation-free: {@link #method()}, {@link #version()}, the framing flags, {@link #headerCount()},
 * {@link #knownHeader(int)}, {@link #indexOf(int)}, and the raw {@link #bytes()} with the offsets of the target,
 * path, query, names and values. Allocating, on demand: the {@code String} getters ({@link #path()},
 * {@link #header(CharSequence)}, ...). Field values are decoded as ISO-8859-1, so obs-text bytes survive.
 */
final class RequestHead {
    private static final int INITIAL_FIELDS = 16;

    private byte[] bytes;
    private HttpMethod method;
    private int methodStart;
    private int methodEnd;
    private int targetStart;
    private int targetEnd;
    private int pathStart;
    private int pathEnd;
    private int queryStart;
    private HttpVersion version;

    private int count;
    /** Per field line: name start, name end, value start, value end. */
    private int[] fields = new int[4 * INITIAL_FIELDS];
    private byte[] ids = new byte[INITIAL_FIELDS];

    private long contentLength;
    private boolean chunked;
    private boolean keepAlive;
    private boolean expectContinue;

    /** Forgets the previous request; the parser calls it before it fills the head again. */
    void reset() {
        count = 0;
        contentLength = -1;
        chunked = false;
        keepAlive = false;
        expectContinue = false;
    }

    void requestLine(HttpMethod method, int methodStart, int methodEnd, int targetStart, int targetEnd, int pathStart,
                     int pathEnd, int queryStart, HttpVersion version) {
        this.method = method;
        this.methodStart = methodStart;
        this.methodEnd = methodEnd;
        this.targetStart = targetStart;
        this.targetEnd = targetEnd;
        this.pathStart = pathStart;
        this.pathEnd = pathEnd;
        this.queryStart = queryStart;
        this.version = version;
    }

    /** Adds a field line; the caller has checked {@link HttpLimits#maxHeaderCount()}. */
    void addField(int id, int nameStart, int nameEnd, int valueStart, int valueEnd) {
        if (count == ids.length) {
            fields = Arrays.copyOf(fields, fields.length * 2);
            ids = Arrays.copyOf(ids, ids.length * 2);
        }
        int at = 4 * count;
        fields[at] = nameStart;
        fields[at + 1] = nameEnd;
        fields[at + 2] = valueStart;
        fields[at + 3] = valueEnd;
        ids[count++] = (byte) id;
    }

    /**
     * Makes this head a copy of {@code source}, with its own bytes: it stays valid after the parser moved on. Reuses
     * this head's arrays, growing them only when {@code source} is bigger than any head copied before.
     */
    void copyFrom(RequestHead source) {
        int length = source.count > 0 ? source.fields[4 * source.count - 1] : source.targetEnd;
        if (bytes == null || bytes.length < length) {
            bytes = new byte[Math.max(length, 256)];
        }
        System.arraycopy(source.bytes, 0, bytes, 0, length);
        method = source.method;
        methodStart = source.methodStart;
        methodEnd = source.methodEnd;
        targetStart = source.targetStart;
        targetEnd = source.targetEnd;
        pathStart = source.pathStart;
        pathEnd = source.pathEnd;
        queryStart = source.queryStart;
        version = source.version;
        count = source.count;
        if (ids.length < count) {
            fields = new int[source.fields.length];
            ids = new byte[source.ids.length];
        }
        System.arraycopy(source.fields, 0, fields, 0, 4 * count);
        System.arraycopy(source.ids, 0, ids, 0, count);
        contentLength = source.contentLength;
        chunked = source.chunked;
        keepAlive = source.keepAlive;
        expectContinue = source.expectContinue;
    }

    /** Completes the head: where its bytes are now (the head buffer may have grown) and how the body is framed. */
    void complete(byte[] bytes, long contentLength, boolean chunked, boolean keepAlive, boolean expectContinue) {
        this.bytes = bytes;
        this.contentLength = contentLength;
        this.chunked = chunked;
        this.keepAlive = keepAlive;
        this.expectContinue = expectContinue;
    }

    /** @return the method; {@link HttpMethod#OTHER} for any method not in the enum */
    HttpMethod method() {
        return method;
    }

    /** @return the method's name; allocates only for {@link HttpMethod#OTHER} */
    String methodName() {
        return method == HttpMethod.OTHER ? ascii(methodStart, methodEnd) : method.name();
    }

    /** @return {@link HttpVersion#HTTP_1_0} or {@link HttpVersion#HTTP_1_1} */
    HttpVersion version() {
        return version;
    }

    /**
     * @return the bytes the offsets of this head point into (the parser's head buffer); read only, and only while
     * this head is valid
     */
    byte[] bytes() {
        return bytes;
    }

    int methodStart() {
        return methodStart;
    }

    int methodEnd() {
        return methodEnd;
    }

    int targetStart() {
        return targetStart;
    }

    int targetEnd() {
        return targetEnd;
    }

    /** @return where the path starts: the target's start in origin form, after the authority in absolute form */
    int pathStart() {
        return pathStart;
    }

    int pathEnd() {
        return pathEnd;
    }

    /** @return where the query starts (after {@code ?}), or -1 when the target has none */
    int queryStart() {
        return queryStart;
    }

    /** @return the request-target as received */
    String target() {
        return ascii(targetStart, targetEnd);
    }

    /**
     * @return the path, still percent-encoded; {@code /} for an absolute-form target without one, the authority for
     * CONNECT, {@code *} for an asterisk-form OPTIONS
     */
    String path() {
        return pathStart == pathEnd ? "/" : ascii(pathStart, pathEnd);
    }

    /** @return the query without its {@code ?}, still percent-encoded, or {@code null} when there is none */
    String query() {
        return queryStart < 0 ? null : ascii(queryStart, targetEnd);
    }

    /** @return the number of field lines */
    int headerCount() {
        return count;
    }

    /** @return the {@link KnownHeaders} id of field line {@code i}, {@link KnownHeaders#UNKNOWN} for other names */
    int knownHeader(int i) {
        return ids[checkIndex(i)];
    }

    int nameStart(int i) {
        return fields[4 * checkIndex(i)];
    }

    int nameEnd(int i) {
        return fields[4 * checkIndex(i) + 1];
    }

    /** @return where the value of field line {@code i} starts, leading whitespace skipped */
    int valueStart(int i) {
        return fields[4 * checkIndex(i) + 2];
    }

    /** @return where the value of field line {@code i} ends, trailing whitespace dropped */
    int valueEnd(int i) {
        return fields[4 * checkIndex(i) + 3];
    }

    String headerName(int i) {
        return ascii(nameStart(i), nameEnd(i));
    }

    String headerValue(int i) {
        return latin1(valueStart(i), valueEnd(i));
    }

    /** @return the first field line with this known id, or -1 */
    int indexOf(int knownHeader) {
        for (int i = 0; i < count; i++) {
            if (ids[i] == knownHeader) {
                return i;
            }
        }
        return -1;
    }

    /** @return the value of the first field line named {@code name} (case-insensitive), or {@code null} */
    String header(CharSequence name) {
        for (int i = 0; i < count; i++) {
            if (nameIs(i, name)) {
                return headerValue(i);
            }
        }
        return null;
    }

    /** @return the values of every field line named {@code name} (case-insensitive), in order; empty if none */
    List<String> headers(CharSequence name) {
        List<String> values = new ArrayList<>(2);
        for (int i = 0; i < count; i++) {
            if (nameIs(i, name)) {
                values.add(headerValue(i));
            }
        }
        return values;
    }

    /** @return the declared {@code Content-Length}, or -1 when there is none (no body, or a chunked one) */
    long contentLength() {
        return contentLength;
    }

    /** @return whether the body is chunked ({@code Transfer-Encoding: chunked}) */
    boolean chunked() {
        return chunked;
    }

    /**
     * @return whether the connection stays open after this request: HTTP/1.1 unless {@code Connection: close},
     * HTTP/1.0 only with {@code Connection: keep-alive} (and no {@code close})
     */
    boolean keepAlive() {
        return keepAlive;
    }

    /** @return whether an HTTP/1.1 client waits for {@code 100 Continue} before it sends the body */
    boolean expectContinue() {
        return expectContinue;
    }

    private boolean nameIs(int i, CharSequence name) {
        int start = fields[4 * i];
        int length = fields[4 * i + 1] - start;
        if (length != name.length()) {
            return false;
        }
        for (int k = 0; k < length; k++) {
            char c = name.charAt(k);
            if (c > 0x7F || Character.toLowerCase((char) bytes[start + k]) != Character.toLowerCase(c)) {
                return false;
            }
        }
        return true;
    }

    private int checkIndex(int i) {
        return java.util.Objects.checkIndex(i, count);
    }

    String ascii(int start, int end) {
        return new String(bytes, start, end - start, StandardCharsets.US_ASCII);
    }

    private String latin1(int start, int end) {
        return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return "RequestHead(" + methodName() + ' ' + target() + ' ' + version + ", " + count + " fields)";
    }
}
