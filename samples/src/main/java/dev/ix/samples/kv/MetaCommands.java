package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * memcached's meta commands, answered as memcached 1.6 does: {@code mg} (flags v k f t c s q O T N R u h l),
 * {@code ms} (T F C I q O k c M with modes E A P R S), {@code md} (q C I T O k), {@code ma} (N J D T M q O k t c v)
 * and {@code mn}. Response flags come back in the order the request gave them. Base64 keys ({@code b}) are not
 * supported. One per connection, loop thread only.
 */
final class MetaCommands implements KvStore.ItemSink {
    private static final byte[] MN = Ascii.bytes("MN\r\n");
    private static final byte[] CRLF = Ascii.bytes("\r\n");

    private final KvStore store;
    private final KvCounters counters;
    private final Replies replies;
    private final CommandLine line;
    private final NumberParser numbers;
    private final KvStore.Outcome outcome;
    private final ByteBuf scratch;
    private final MetaFlags flags = new MetaFlags();
    /** An mg hit was answered, or refused with {@link #hitError}. */
    private String hitError;

    /** As {@link TextProtocol#needed}. */
    int needed;
    /** As {@link TextProtocol#swallow}. */
    long swallow;

    MetaCommands(KvStore store, KvCounters counters, Replies replies, CommandLine line, NumberParser numbers,
                 KvStore.Outcome outcome, ByteBuf scratch) {
        this.store = store;
        this.counters = counters;
        this.replies = replies;
        this.line = line;
        this.numbers = numbers;
        this.outcome = outcome;
        this.scratch = scratch;
    }

    /** Executes the tokenized meta command {@code m<code>}; returns as {@link TextProtocol#execute}. */
    int execute(byte code, int start, int next) {
        needed = 0;
        swallow = 0;
        switch (code) {
            case 'n' -> replies.line(MN);
            case 'g' -> get();
            case 's' -> {
                return set(start, next);
            }
            case 'd' -> delete();
            case 'a' -> arithmetic();
            default -> replies.line(TextProtocol.ERROR);
        }
        return next;
    }

    /** An error answer: always sent, whatever {@code q} said (memcached's {@code out_errstring}). */
    private void error(String message) {
        replies.noreply = false;
        ByteBuf out = replies.out();
        out.writeCharSequence(message, StandardCharsets.US_ASCII);
        out.writeBytes(CRLF);
    }

    private boolean commonChecks(String tooManyFlags) {
        int n = line.count();
        if (n < 3) {
            replies.line(TextProtocol.ERROR);
            return false;
        }
        if (line.length(1) > TextProtocol.KEY_MAX_LENGTH) {
            error(MetaFlags.BAD_FORMAT);
            return false;
        }
        if (n > MetaFlags.MAX_TOKENS) {
            error(tooManyFlags);
            return false;
        }
        return true;
    }

    /** @return whether an {@code O} flag is longer than memcached allows */
    private boolean opaqueTooLong(int first) {
        for (int i = first; i < line.count() - 1; i++) {
            if (line.buf().getByte(line.start(i)) == 'O' && line.length(i) > MetaFlags.MAX_OPAQUE) {
                return true;
            }
        }
        return false;
    }

    // ---- mg

    private void get() {
        if (!commonChecks("CLIENT_ERROR options flags are too long")) {
            return;
        }
        if (!flags.parse(line, 2, numbers, store)) {
            error(flags.error);
            return;
        }
        replies.noreply = flags.noReply;
        hitError = null;
        long mark = replies.mark();
        boolean hit = store.get(line.buf(), line.start(1), line.length(1), false, 0, !flags.noUpdate,
                flags.vivify, this, outcome);
        if (hitError != null) {
            replies.rollBack(mark);
            error(hitError);
            return;
        }
        if (flags.newTtl) {
            counters.cmdTouch++;
            if (hit) {
                counters.touchHits++;
            } else {
                counters.touchMisses++;
            }
        } else {
            counters.cmdGet++;
            if (hit) {
                counters.getHits++;
            } else {
                counters.getMisses++;
            }
        }
        if (!hit) {
            if (opaqueTooLong(2)) {
                error("CLIENT_ERROR opaque token too long");
                return;
            }
            if (replies.noreply) {
                return;
            }
            ByteBuf out = replies.out();
            out.writeByte('E').writeByte('N');
            opaqueAndKey(out, 2);
            out.writeBytes(CRLF);
        }
    }

    /** The mg answer for a live item, under its stripe's lock: flags in request order, T and N applied in turn. */
    @Override
    public void hit(Item it) {
        if (opaqueTooLong(2)) {
            hitError = "CLIENT_ERROR opaque token too long";
            return;
        }
        ByteBuf out = replies.out(flags.value ? it.valueLength + 2 : 0);
        if (flags.value) {
            out.writeByte('V').writeByte('A').writeByte(' ');
            Ascii.writeUnsigned(out, it.valueLength);
        } else {
            out.writeByte('H').writeByte('D');
        }
        boolean created = outcome.created;
        boolean won = false;
        boolean wasFetched = it.fetched;
        long now = store.now();
        ByteBuf b = line.buf();
        for (int i = 2; i < line.count() - 1; i++) {
            int s = line.start(i);
            switch (b.getByte(s)) {
                case 'T' -> it.expiresAt = flags.expiresAt;
                case 'N' -> {
                    if (created) {
                        it.expiresAt = flags.vivifyExpiresAt;
                        won = true;
                    }
                }
                case 'R' -> {
                    if (!it.tokenSent && !created && it.expiresAt != 0 && it.expiresAt < flags.recacheAt) {
                        won = true;
                    }
                }
                case 's' -> {
                    flag(out, 's');
                    Ascii.writeUnsigned(out, it.valueLength);
                }
                case 't' -> {
                    flag(out, 't');
                    ttl(out, it.expiresAt, now);
                }
                case 'c' -> {
                    flag(out, 'c');
                    Ascii.writeUnsigned(out, it.cas);
                }
                case 'f' -> {
                    flag(out, 'f');
                    Ascii.writeUnsigned(out, it.flags & 0xFFFFFFFFL);
                }
                case 'l' -> {
                    flag(out, 'l');
                    Ascii.writeUnsigned(out, now - it.accessedAt);
                }
                case 'h' -> {
                    flag(out, 'h');
                    out.writeByte(wasFetched ? '1' : '0');
                }
                case 'O' -> Ascii.copyBytes(b, s, line.length(i), out.writeByte(' '));
                case 'k' -> {
                    flag(out, 'k');
                    Ascii.copyBytes(it.data, it.offset, it.keyLength, out);
                }
                default -> {
                }
            }
        }
        if (it.tokenSent) {
            flag(out, 'Z');
        }
        if (it.stale) {
            flag(out, 'X');
            if (!it.tokenSent) {
                won = true;
            }
        }
        if (won) {
            flag(out, 'W');
            it.tokenSent = true;
        }
        out.writeBytes(CRLF);
        if (flags.value) {
            Ascii.copyBytes(it.data, it.valueOffset(), it.valueLength + 2, out);
        }
    }

    // ---- ms

    private int set(int start, int next) {
        int n = line.count();
        if (n < 3) {
            replies.line(TextProtocol.ERROR);
            return next;
        }
        if (line.length(1) > TextProtocol.KEY_MAX_LENGTH || n == 3) {
            error(MetaFlags.BAD_FORMAT);
            return next;
        }
        if (n > MetaFlags.MAX_TOKENS) {
            error("CLIENT_ERROR options flags too long");
            return next;
        }
        ByteBuf b = line.buf();
        if (!numbers.signed32(b, line.start(2), line.end(2))) {
            error(MetaFlags.BAD_FORMAT);
            return next;
        }
        int length = (int) numbers.value;
        if (length < 0 || length > Integer.MAX_VALUE - 2) {
            error(MetaFlags.BAD_FORMAT);
            return next;
        }
        // From here on a refused command's data block is swallowed.
        String refusal = null;
        if (!flags.parse(line, 3, numbers, store)) {
            refusal = flags.error;
        } else if (opaqueTooLong(3)) {
            refusal = "CLIENT_ERROR opaque token too long";
        }
        int mode = KvStore.SET;
        if (refusal == null) {
            switch (flags.mode) {
                case 0, 'S' -> mode = KvStore.SET;
                case 'E' -> mode = KvStore.ADD;
                case 'A' -> mode = KvStore.APPEND;
                case 'P' -> mode = KvStore.PREPEND;
                case 'R' -> mode = KvStore.REPLACE;
                default -> refusal = "CLIENT_ERROR invalid mode for ms M token";
            }
        }
        if (flags.hasCas && (mode == KvStore.SET || mode == KvStore.REPLACE)) {
            mode = KvStore.CAS;
        }
        if (refusal == null && !store.fits(line.length(1), length, flags.clientFlags)) {
            refusal = "SERVER_ERROR object too large for cache";
            store.delete(b, line.start(1), line.length(1), 0);
        }
        if (refusal != null) {
            swallow = length + 2L;
            error(refusal);
            return next;
        }
        long after = (long) next + length + 2;
        if (after > b.writerIndex()) {
            needed = (int) (after - start);
            return TextProtocol.NEED_MORE;
        }
        int dataEnd = next + length;
        if (b.getByte(dataEnd) != '\r' || b.getByte(dataEnd + 1) != '\n') {
            error("CLIENT_ERROR bad data chunk");
            return (int) after;
        }
        replies.noreply = flags.noReply;
        counters.cmdSet++;
        outcome.cas = 0;
        int r = store.store(mode, b, line.start(1), line.length(1), b, next, length, flags.clientFlags,
                flags.expiresAt, flags.hasCas ? flags.compareCas : 0, flags.setStale && mode == KvStore.CAS,
                outcome);
        byte c1;
        byte c2;
        switch (r) {
            case KvStore.STORED -> {
                if (replies.noreply) {
                    return (int) after;
                }
                c1 = 'H';
                c2 = 'D';
            }
            case KvStore.EXISTS -> {
                c1 = 'E';
                c2 = 'X';
            }
            case KvStore.NOT_FOUND -> {
                c1 = 'N';
                c2 = 'F';
            }
            case KvStore.NOT_STORED -> {
                c1 = 'N';
                c2 = 'S';
            }
            default -> {
                error("SERVER_ERROR out of memory storing object");
                return (int) after;
            }
        }
        long cas = r == KvStore.STORED ? outcome.cas : 0;
        ByteBuf out = replies.out();
        out.writeByte(c1).writeByte(c2);
        for (int i = 3; i < line.count() - 1; i++) {
            int s = line.start(i);
            switch (b.getByte(s)) {
                case 'O' -> Ascii.copyBytes(b, s, line.length(i), out.writeByte(' '));
                case 'k' -> {
                    flag(out, 'k');
                    Ascii.copyBytes(b, line.start(1), line.length(1), out);
                }
                case 'c' -> {
                    flag(out, 'c');
                    Ascii.writeUnsigned(out, cas);
                }
                default -> {
                }
            }
        }
        out.writeBytes(CRLF);
        return (int) after;
    }

    // ---- md

    private void delete() {
        if (!commonChecks("CLIENT_ERROR options flags too long")) {
            return;
        }
        if (!flags.parse(line, 2, numbers, store)) {
            error("CLIENT_ERROR invalid or duplicate flag");
            return;
        }
        if (opaqueTooLong(2)) {
            error("CLIENT_ERROR opaque token too long");
            return;
        }
        replies.noreply = flags.noReply;
        int r = store.delete(line.buf(), line.start(1), line.length(1), flags.hasCas, flags.compareCas,
                flags.setStale, flags.newTtl, flags.expiresAt);
        ByteBuf out;
        switch (r) {
            case KvStore.DELETED -> {
                if (!flags.setStale) {
                    counters.deleteHits++;
                }
                if (replies.noreply) {
                    return;
                }
                out = replies.out();
                out.writeByte('H').writeByte('D');
            }
            case KvStore.EXISTS -> {
                counters.deleteMisses++;
                out = replies.out();
                out.writeByte('E').writeByte('X');
            }
            default -> {
                counters.deleteMisses++;
                out = replies.out();
                out.writeByte('N').writeByte('F');
            }
        }
        opaqueAndKey(out, 2);
        out.writeBytes(CRLF);
    }

    // ---- ma

    private void arithmetic() {
        if (!commonChecks("CLIENT_ERROR options flags too long")) {
            return;
        }
        if (!flags.parse(line, 2, numbers, store)) {
            error("CLIENT_ERROR invalid or duplicate flag");
            return;
        }
        replies.noreply = flags.noReply;
        boolean incr;
        switch (flags.mode) {
            case 0, 'I', '+' -> incr = true;
            case 'D', '-' -> incr = false;
            default -> {
                error("CLIENT_ERROR invalid mode for ma M token");
                return;
            }
        }
        if (opaqueTooLong(2)) {
            error("CLIENT_ERROR opaque token too long");
            return;
        }
        ByteBuf b = line.buf();
        // The expiry a created item ends with: N and T apply in the order given.
        long createdAt = 0;
        for (int i = 2; i < line.count() - 1; i++) {
            byte f = b.getByte(line.start(i));
            if (f == 'N') {
                createdAt = flags.vivifyExpiresAt;
            } else if (f == 'T') {
                createdAt = flags.expiresAt;
            }
        }
        int r = store.arithmetic(b, line.start(1), line.length(1), incr, flags.delta,
                flags.hasCas ? flags.compareCas : 0, flags.vivify, createdAt, flags.initial, flags.newTtl,
                flags.expiresAt, scratch, outcome);
        switch (r) {
            case KvStore.OK -> {
                if (incr) {
                    counters.incrHits++;
                } else {
                    counters.decrHits++;
                }
                // As memcached: q hides the answer of a change, not that of an item created on a miss.
                if (!replies.noreply || outcome.created) {
                    arithmeticAnswer();
                }
            }
            case KvStore.NON_NUMERIC -> error("CLIENT_ERROR cannot increment or decrement non-numeric value");
            case KvStore.NOT_FOUND, KvStore.EXISTS -> {
                if (r == KvStore.NOT_FOUND) {
                    if (incr) {
                        counters.incrMisses++;
                    } else {
                        counters.decrMisses++;
                    }
                }
                ByteBuf out = replies.out();
                if (r == KvStore.NOT_FOUND) {
                    out.writeByte('N').writeByte('F');
                } else {
                    out.writeByte('E').writeByte('X');
                }
                opaqueAndKey(out, 2);
                out.writeBytes(CRLF);
            }
            case KvStore.NOT_STORED -> {
                ByteBuf out = replies.out();
                out.writeByte('N').writeByte('S');
                opaqueAndKey(out, 2);
                out.writeBytes(CRLF);
            }
            default -> error("SERVER_ERROR out of memory");
        }
    }

    private void arithmeticAnswer() {
        ByteBuf out = replies.out();
        scratch.clear();
        Ascii.writeUnsigned(scratch, outcome.number);
        int digits = scratch.writerIndex();
        if (flags.value) {
            out.writeByte('V').writeByte('A').writeByte(' ');
            Ascii.writeUnsigned(out, digits);
        } else {
            out.writeByte('H').writeByte('D');
        }
        boolean created = outcome.created;
        long expiresAt = outcome.expiresAt;
        long now = store.now();
        ByteBuf b = line.buf();
        for (int i = 2; i < line.count() - 1; i++) {
            int s = line.start(i);
            switch (b.getByte(s)) {
                case 'c' -> {
                    flag(out, 'c');
                    Ascii.writeUnsigned(out, outcome.cas);
                }
                case 't' -> {
                    flag(out, 't');
                    ttl(out, expiresAt, now);
                }
                case 'T' -> expiresAt = flags.expiresAt;
                case 'N' -> {
                    if (created) {
                        expiresAt = flags.vivifyExpiresAt;
                    }
                }
                case 'O' -> Ascii.copyBytes(b, s, line.length(i), out.writeByte(' '));
                case 'k' -> {
                    flag(out, 'k');
                    Ascii.copyBytes(b, line.start(1), line.length(1), out);
                }
                default -> {
                }
            }
        }
        if (flags.value) {
            Ascii.copyBytes(scratch, 0, digits, out.writeBytes(CRLF));
        }
        out.writeBytes(CRLF);
    }

    // ---- shared

    /** The {@code O} and {@code k} flags of a miss or refusal, in request order. */
    private void opaqueAndKey(ByteBuf out, int first) {
        ByteBuf b = line.buf();
        for (int i = first; i < line.count() - 1; i++) {
            int s = line.start(i);
            byte f = b.getByte(s);
            if (f == 'O') {
                Ascii.copyBytes(b, s, line.length(i), out.writeByte(' '));
            } else if (f == 'k') {
                flag(out, 'k');
                Ascii.copyBytes(b, line.start(1), line.length(1), out);
            }
        }
    }

    private static void flag(ByteBuf out, char f) {
        out.writeByte(' ').writeByte(f);
    }

    /** Remaining seconds as memcached prints them: -1 for never, else an unsigned 32-bit count. */
    private static void ttl(ByteBuf out, long expiresAt, long now) {
        if (expiresAt == 0) {
            out.writeByte('-').writeByte('1');
        } else {
            Ascii.writeUnsigned(out, (expiresAt - now) & 0xFFFFFFFFL);
        }
    }
}
