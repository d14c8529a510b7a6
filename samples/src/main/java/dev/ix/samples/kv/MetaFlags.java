package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * The flags of one meta command, checked as memcached 1.6's {@code _meta_flag_preparse}: each flag at most once,
 * numeric arguments parsed as memcached does, an unknown flag refused. Reused for every meta command of a connection.
 */
final class MetaFlags {
    /** memcached's {@code MFLAG_MAX_OPT_LENGTH}: a meta command has fewer tokens than this (terminal included). */
    static final int MAX_TOKENS = 20;
    /** memcached's {@code MFLAG_MAX_OPAQUE_LENGTH}. */
    static final int MAX_OPAQUE = 32;

    static final String BAD_FORMAT = "CLIENT_ERROR bad command line format";
    private static final String BAD_TOKEN = "CLIENT_ERROR bad token in command line format";

    private final boolean[] seen = new boolean[127];

    boolean value;
    boolean noReply;
    boolean noUpdate;
    boolean vivify;
    boolean hasCas;
    boolean newTtl;
    boolean setStale;
    boolean hasRecache;
    byte mode;
    long expiresAt;
    long vivifyExpiresAt;
    long recacheAt;
    int clientFlags;
    long compareCas;
    long delta;
    long initial;
    /** Why {@link #parse} failed. */
    String error;

    /**
     * Parses the flags from token {@code first} of {@code line} on.
     *
     * @return false with {@link #error} set when a flag is unknown, repeated or has a bad argument
     */
    boolean parse(CommandLine line, int first, NumberParser numbers, KvStore store) {
        Arrays.fill(seen, false);
        value = false;
        noReply = false;
        noUpdate = false;
        vivify = false;
        hasCas = false;
        newTtl = false;
        setStale = false;
        hasRecache = false;
        mode = 0;
        expiresAt = 0;
        vivifyExpiresAt = 0;
        recacheAt = 0;
        clientFlags = 0;
        compareCas = 0;
        delta = 1;
        initial = 0;
        error = BAD_FORMAT;
        boolean failed = false;
        ByteBuf b = line.buf();
        for (int i = first; i < line.count() - 1; i++) {
            int s = line.start(i);
            int e = line.end(i);
            int o = b.getByte(s) & 0xFF;
            if (o >= 127 || seen[o]) {
                error = "CLIENT_ERROR duplicate flag";
                return false;
            }
            seen[o] = true;
            switch (o) {
                case 'N' -> {
                    vivify = true;
                    if (!numbers.signed32(b, s + 1, e)) {
                        error = BAD_TOKEN;
                        failed = true;
                    } else {
                        vivifyExpiresAt = store.expiresAt(numbers.value);
                    }
                }
                case 'T' -> {
                    if (!numbers.signed32(b, s + 1, e)) {
                        error = BAD_TOKEN;
                        failed = true;
                    } else {
                        expiresAt = store.expiresAt(numbers.value);
                        newTtl = true;
                    }
                }
                case 'R' -> {
                    if (!numbers.signed32(b, s + 1, e)) {
                        error = BAD_TOKEN;
                        failed = true;
                    } else {
                        recacheAt = store.expiresAt(numbers.value);
                        hasRecache = true;
                    }
                }
                case 'l', 'h', 'O', 'P', 'L', 'k', 's', 't', 'c', 'f' -> {
                }
                case 'v' -> value = true;
                case 'u' -> noUpdate = true;
                case 'q' -> noReply = true;
                case 'F' -> {
                    if (!numbers.unsigned32(b, s + 1, e)) {
                        failed = true;
                    } else {
                        clientFlags = (int) numbers.value;
                    }
                }
                case 'C' -> {
                    if (!numbers.unsigned64(b, s + 1, e)) {
                        error = BAD_TOKEN;
                        failed = true;
                    } else {
                        compareCas = numbers.value;
                        hasCas = true;
                    }
                }
                case 'M' -> {
                    if (e - s != 2) {
                        error = "CLIENT_ERROR incorrect length for M token";
                        failed = true;
                    } else {
                        mode = b.getByte(s + 1);
                    }
                }
                case 'J' -> {
                    if (!numbers.unsigned64(b, s + 1, e)) {
                        error = "CLIENT_ERROR invalid numeric initial value";
                        failed = true;
                    } else {
                        initial = numbers.value;
                    }
                }
                case 'D' -> {
                    if (!numbers.unsigned64(b, s + 1, e)) {
                        error = "CLIENT_ERROR invalid numeric delta value";
                        failed = true;
                    } else {
                        delta = numbers.value;
                    }
                }
                case 'I' -> setStale = true;
                default -> {
                    // Base64 keys ('b') are not supported: refused like any unknown flag.
                    error = "CLIENT_ERROR invalid flag";
                    return false;
                }
            }
        }
        return !failed;
    }
}
