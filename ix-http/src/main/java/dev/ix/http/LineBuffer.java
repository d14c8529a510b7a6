package dev.ix.http;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * Collects one CRLF-terminated line, which may arrive over several buffers, into a per-connection array: used for the
 * short lines inside a chunked body (chunk-size lines, trailer fields), where the LF is found by
 * {@code ByteBuf.indexOf} and only the line itself is copied.
 */
final class LineBuffer {
    private byte[] bytes = new byte[64];
    private int length;

    /**
     * Appends the next bytes of the line from {@code in}, up to and including its LF.
     *
     * @param maxLength the most bytes the line may have, its CRLF included
     * @param status    the status to fail with past {@code maxLength}
     * @return the length of the line without its CRLF when it is complete, or -1 when {@code in} ran out first
     * @throws HttpParseException with {@code status} past {@code maxLength} (reported as soon as the bytes so far
     *                            exceed it whatever follows), 400 for a bare LF
     */
    int read(ByteBuf in, int maxLength, int status, String what) {
        int from = in.readerIndex();
        int to = in.writerIndex();
        int lf = in.indexOf(from, to, HttpChars.LF);
        int take = (lf < 0 ? to : lf + 1) - from;
        long total = (long) length + take;
        if (total > maxLength || lf < 0 && total >= maxLength) {
            throw new HttpParseException(status, what + " over " + (maxLength - 2) + " bytes");
        }
        if (total > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.max(total, 2L * bytes.length));
        }
        in.readBytes(bytes, length, take);
        length += take;
        if (lf < 0) {
            return -1;
        }
        if (length < 2 || bytes[length - 2] != HttpChars.CR) {
            throw HttpParseException.badRequest("bare LF in " + what);
        }
        return length - 2;
    }

    /** @return the line's bytes, valid until the next {@link #clear} */
    byte[] bytes() {
        return bytes;
    }

    void clear() {
        length = 0;
    }
}
