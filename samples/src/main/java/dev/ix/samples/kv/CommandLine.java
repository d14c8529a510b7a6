package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;

/**
 * The tokens of one command line, as index ranges into the received bytes (nothing is copied). Splits on spaces
 * only, as memcached's {@code tokenize_command} does, and counts like it: {@link #count()} is the number of tokens
 * plus one (memcached's terminal token), at most {@value #MAX_TOKENS}; a line with more tokens keeps the first 23
 * (a get walks its keys itself, without this limit). One per connection, reused for every line.
 */
final class CommandLine {
    /** memcached's {@code MAX_TOKENS}. */
    static final int MAX_TOKENS = 24;

    private final int[] starts = new int[MAX_TOKENS];
    private final int[] ends = new int[MAX_TOKENS];
    private int count;
    private ByteBuf buf;
    private int lineEnd;

    /** Splits {@code [from, to)} of {@code b}. */
    void tokenize(ByteBuf b, int from, int to) {
        buf = b;
        lineEnd = to;
        int n = 0;
        int i = from;
        while (n < MAX_TOKENS - 1) {
            while (i < to && b.getByte(i) == ' ') {
                i++;
            }
            if (i >= to) {
                break;
            }
            int s = i;
            int space = b.indexOf(i, to, (byte) ' ');
            i = space < 0 ? to : space;
            starts[n] = s;
            ends[n] = i;
            n++;
        }
        count = n + 1;
    }

    ByteBuf buf() {
        return buf;
    }

    /** memcached's {@code ntokens}: tokens + 1. */
    int count() {
        return count;
    }

    int start(int token) {
        return starts[token];
    }

    int end(int token) {
        return ends[token];
    }

    int length(int token) {
        return token < count - 1 ? ends[token] - starts[token] : 0;
    }

    /** End of the line (for commands that read every token, as get does). */
    int lineEnd() {
        return lineEnd;
    }

    /** @return whether token {@code token} exists and is exactly {@code word} */
    boolean is(int token, byte[] word) {
        if (token >= count - 1 || ends[token] - starts[token] != word.length) {
            return false;
        }
        int s = starts[token];
        for (int i = 0; i < word.length; i++) {
            if (buf.getByte(s + i) != word[i]) {
                return false;
            }
        }
        return true;
    }

    /** @return whether token {@code token} exists and starts with {@code prefix} */
    boolean startsWith(int token, byte[] prefix) {
        if (token >= count - 1 || ends[token] - starts[token] < prefix.length) {
            return false;
        }
        int s = starts[token];
        for (int i = 0; i < prefix.length; i++) {
            if (buf.getByte(s + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** memcached's {@code set_noreply_maybe}: the last token is {@code noreply}. */
    boolean noreply() {
        return count >= 2 && is(count - 2, TextProtocol.NOREPLY);
    }
}
