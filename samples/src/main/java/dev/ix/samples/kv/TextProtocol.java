package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * memcached's text protocol over one connection: executes one command whose line is complete in the received bytes,
 * appending its answer to {@link Replies}. Each command checks its line as memcached 1.6's
 * {@code process_command_ascii} does (token counts, numbers, key length) and answers the same words, errors
 * included. Meta commands go to {@link MetaCommands}. One per connection, loop thread only; nothing here allocates
 * per command.
 */
final class TextProtocol implements KvStore.ItemSink {
    /** memcached's {@code KEY_MAX_LENGTH}. */
    static final int KEY_MAX_LENGTH = 250;
    /** {@link #execute} needs more bytes: {@link #needed} from the line's start. */
    static final int NEED_MORE = -1;
    /** {@link #execute} asks the connection to close after what was answered so far ({@code quit}). */
    static final int CLOSE = -2;

    static final byte[] NOREPLY = Ascii.bytes("noreply");
    static final byte[] END = Ascii.bytes("END\r\n");
    static final byte[] ERROR = Ascii.bytes("ERROR\r\n");
    static final byte[] STORED = Ascii.bytes("STORED\r\n");
    static final byte[] NOT_STORED = Ascii.bytes("NOT_STORED\r\n");
    static final byte[] EXISTS = Ascii.bytes("EXISTS\r\n");
    static final byte[] NOT_FOUND = Ascii.bytes("NOT_FOUND\r\n");
    static final byte[] DELETED = Ascii.bytes("DELETED\r\n");
    static final byte[] TOUCHED = Ascii.bytes("TOUCHED\r\n");
    static final byte[] OK = Ascii.bytes("OK\r\n");
    static final byte[] RESET = Ascii.bytes("RESET\r\n");
    static final byte[] VERSION = Ascii.bytes("VERSION " + KvStats.VERSION + "\r\n");
    static final byte[] BAD_FORMAT = Ascii.bytes("CLIENT_ERROR bad command line format\r\n");
    static final byte[] BAD_DATA_CHUNK = Ascii.bytes("CLIENT_ERROR bad data chunk\r\n");
    static final byte[] BAD_EXPTIME = Ascii.bytes("CLIENT_ERROR invalid exptime argument\r\n");
    static final byte[] BAD_DELTA = Ascii.bytes("CLIENT_ERROR invalid numeric delta argument\r\n");
    static final byte[] NON_NUMERIC = Ascii.bytes("CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
    static final byte[] DELETE_USAGE =
            Ascii.bytes("CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n");
    static final byte[] TOO_LARGE = Ascii.bytes("SERVER_ERROR object too large for cache\r\n");
    static final byte[] NO_MEMORY_STORING = Ascii.bytes("SERVER_ERROR out of memory storing object\r\n");
    static final byte[] NO_MEMORY = Ascii.bytes("SERVER_ERROR out of memory\r\n");
    private static final byte[] VALUE = Ascii.bytes("VALUE ");

    private static final byte[] GET = Ascii.bytes("get");
    private static final byte[] GETS = Ascii.bytes("gets");
    private static final byte[] GAT = Ascii.bytes("gat");
    private static final byte[] GATS = Ascii.bytes("gats");
    private static final byte[] SET = Ascii.bytes("set");
    private static final byte[] STATS = Ascii.bytes("stats");
    private static final byte[] ADD = Ascii.bytes("add");
    private static final byte[] APPEND = Ascii.bytes("append");
    private static final byte[] CAS = Ascii.bytes("cas");
    private static final byte[] INCR = Ascii.bytes("incr");
    private static final byte[] DECR = Ascii.bytes("decr");
    private static final byte[] DELETE = Ascii.bytes("delete");
    private static final byte[] TOUCH = Ascii.bytes("touch");
    private static final byte[] REPLACE = Ascii.bytes("replace");
    private static final byte[] PREPEND = Ascii.bytes("prepend");
    private static final byte[] FLUSH_ALL = Ascii.bytes("flush_all");
    private static final byte[] VERSION_COMMAND = Ascii.bytes("version");
    private static final byte[] QUIT = Ascii.bytes("quit");
    private static final byte[] VERBOSITY = Ascii.bytes("verbosity");
    private static final byte[] ZERO = Ascii.bytes("0");
    private static final byte[] HTTP = Ascii.bytes("HTTP/");
    private static final byte[] RESET_WORD = Ascii.bytes("reset");

    private final KvStore store;
    private final KvStats stats;
    private final KvCounters counters;
    private final Replies replies;
    private final CommandLine line = new CommandLine();
    private final NumberParser numbers = new NumberParser();
    private final KvStore.Outcome outcome = new KvStore.Outcome();
    /** Digits of an incr/decr result: a heap buffer over a small array, never released (nothing to leak). */
    private final ByteBuf scratch = Unpooled.wrappedBuffer(new byte[24]);
    private final MetaCommands meta;
    /** How the {@link #hit} of a get answers. */
    private boolean getWithCas;

    /** Bytes the last {@link #NEED_MORE} needs, counted from its line's start. */
    int needed;
    /** Bytes of a refused data block still to drop after the line just executed. */
    long swallow;

    TextProtocol(KvStore store, KvStats stats, KvCounters counters, Replies replies) {
        this.store = store;
        this.stats = stats;
        this.counters = counters;
        this.replies = replies;
        this.meta = new MetaCommands(store, counters, replies, line, numbers, outcome, scratch);
    }

    /**
     * Executes the command whose line is {@code [start, lineEnd)} ({@code \r} removed) followed by {@code next}.
     *
     * @return the index after the command (after its data block, if any), {@link #NEED_MORE} or {@link #CLOSE}
     */
    int execute(ByteBuf b, int start, int lineEnd, int next) {
        replies.noreply = false;
        line.tokenize(b, start, lineEnd);
        int n = line.count();
        if (n < 2 || line.length(0) < 2) {
            replies.line(ERROR);
            return next;
        }
        byte first = b.getByte(line.start(0));
        if (first == 'm' && line.length(0) == 2) {
            int r = meta.execute(b.getByte(line.start(0) + 1), start, next);
            needed = meta.needed;
            swallow = meta.swallow;
            return r;
        }
        switch (first) {
            case 'g' -> {
                if (n < 3) {
                    replies.line(ERROR);
                } else if (line.is(0, GET)) {
                    get(false, false);
                } else if (line.is(0, GETS)) {
                    get(true, false);
                } else if (line.is(0, GAT)) {
                    get(false, true);
                } else if (line.is(0, GATS)) {
                    get(true, true);
                } else {
                    replies.line(ERROR);
                }
                return next;
            }
            case 's' -> {
                if (line.is(0, SET)) {
                    return update(KvStore.SET, start, next);
                }
                if (line.is(0, STATS)) {
                    stats();
                    return next;
                }
            }
            case 'a' -> {
                if (line.is(0, ADD)) {
                    return update(KvStore.ADD, start, next);
                }
                if (line.is(0, APPEND)) {
                    return update(KvStore.APPEND, start, next);
                }
            }
            case 'c' -> {
                if (line.is(0, CAS)) {
                    return update(KvStore.CAS, start, next);
                }
            }
            case 'i' -> {
                if (line.is(0, INCR)) {
                    arithmetic(true);
                    return next;
                }
            }
            case 'd' -> {
                if (line.is(0, DELETE)) {
                    delete();
                    return next;
                }
                if (line.is(0, DECR)) {
                    arithmetic(false);
                    return next;
                }
            }
            case 't' -> {
                if (line.is(0, TOUCH)) {
                    touch();
                    return next;
                }
            }
            default -> {
                if (line.is(0, REPLACE)) {
                    return update(KvStore.REPLACE, start, next);
                }
                if (line.is(0, PREPEND)) {
                    return update(KvStore.PREPEND, start, next);
                }
                if (line.is(0, FLUSH_ALL)) {
                    flushAll();
                    return next;
                }
                if (line.is(0, VERSION_COMMAND)) {
                    replies.line(VERSION);
                    return next;
                }
                if (line.is(0, QUIT)) {
                    return CLOSE;
                }
                if (line.is(0, VERBOSITY)) {
                    verbosity();
                    return next;
                }
                if (line.startsWith(n - 2, HTTP)) {
                    return CLOSE; // an HTTP request: memcached hangs up
                }
            }
        }
        replies.line(ERROR);
        return next;
    }

    /** get, gets, gat, gats: every key of the line, however many; END after the last. */
    private void get(boolean withCas, boolean touch) {
        ByteBuf b = line.buf();
        long expiresAt = 0;
        int i;
        if (touch) {
            if (!numbers.signed32(b, line.start(1), line.end(1))) {
                replies.line(BAD_EXPTIME);
                return;
            }
            expiresAt = store.expiresAt(numbers.value);
            i = line.end(1);
        } else {
            i = line.end(0);
        }
        getWithCas = withCas;
        long mark = replies.mark();
        int end = line.lineEnd();
        while (true) {
            while (i < end && b.getByte(i) == ' ') {
                i++;
            }
            if (i >= end) {
                break;
            }
            int space = b.indexOf(i, end, (byte) ' ');
            int keyEnd = space < 0 ? end : space;
            int length = keyEnd - i;
            if (length > KEY_MAX_LENGTH) {
                replies.rollBack(mark); // memcached drops the answers for the keys before, too
                replies.line(BAD_FORMAT);
                return;
            }
            boolean hit = store.get(b, i, length, touch, expiresAt, this);
            if (touch) {
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
            i = keyEnd;
        }
        replies.out().writeBytes(END);
    }

    @Override
    public void hit(Item it) {
        ByteBuf out = replies.out(it.valueLength + 2);
        out.writeBytes(VALUE);
        Ascii.copyBytes(it.data, it.offset, it.keyLength, out);
        out.writeByte(' ');
        Ascii.writeUnsigned(out, it.flags & 0xFFFFFFFFL);
        out.writeByte(' ');
        Ascii.writeUnsigned(out, it.valueLength);
        if (getWithCas) {
            out.writeByte(' ');
            Ascii.writeUnsigned(out, it.cas);
        }
        out.writeByte('\r').writeByte('\n');
        Ascii.copyBytes(it.data, it.valueOffset(), it.valueLength + 2, out);
    }

    /** set, add, replace, append, prepend, cas: line, then a data block of the announced length and CRLF. */
    private int update(int mode, int start, int next) {
        int n = line.count();
        boolean cas = mode == KvStore.CAS;
        if (cas ? n != 7 && n != 8 : n != 6 && n != 7) {
            replies.line(ERROR);
            return next;
        }
        replies.noreply = line.noreply();
        ByteBuf b = line.buf();
        int keyLength = line.length(1);
        if (keyLength > KEY_MAX_LENGTH) {
            replies.line(BAD_FORMAT);
            return next;
        }
        if (!numbers.unsigned32(b, line.start(2), line.end(2))) {
            replies.line(BAD_FORMAT);
            return next;
        }
        int flags = (int) numbers.value;
        if (!numbers.signed32(b, line.start(3), line.end(3))) {
            replies.line(BAD_FORMAT);
            return next;
        }
        long exptime = numbers.value;
        if (!numbers.signed32(b, line.start(4), line.end(4))) {
            replies.line(BAD_FORMAT);
            return next;
        }
        int length = (int) numbers.value;
        long compareCas = 0;
        if (cas) {
            if (!numbers.unsigned64(b, line.start(5), line.end(5))) {
                replies.line(BAD_FORMAT);
                return next;
            }
            compareCas = numbers.value;
        }
        if (length < 0 || length > Integer.MAX_VALUE - 2) {
            replies.line(BAD_FORMAT);
            return next;
        }
        if (!store.fits(keyLength, length, flags)) {
            replies.line(TOO_LARGE);
            swallow = length + 2L;
            if (mode == KvStore.SET) {
                // memcached drops the old value rather than keep serving a stale one.
                store.delete(b, line.start(1), keyLength, 0);
            }
            return next;
        }
        long after = (long) next + length + 2;
        if (after > b.writerIndex()) {
            needed = (int) (after - start);
            return NEED_MORE;
        }
        int dataEnd = next + length;
        if (b.getByte(dataEnd) != '\r' || b.getByte(dataEnd + 1) != '\n') {
            replies.line(BAD_DATA_CHUNK);
            return (int) after;
        }
        counters.cmdSet++;
        int r = store.store(mode, b, line.start(1), keyLength, b, next, length, flags, store.expiresAt(exptime),
                compareCas, outcome);
        if (cas) {
            switch (r) {
                case KvStore.STORED -> counters.casHits++;
                case KvStore.EXISTS -> counters.casBadval++;
                case KvStore.NOT_FOUND -> counters.casMisses++;
                default -> {
                }
            }
        }
        replies.line(switch (r) {
            case KvStore.STORED -> STORED;
            case KvStore.EXISTS -> EXISTS;
            case KvStore.NOT_FOUND -> NOT_FOUND;
            case KvStore.NO_MEMORY -> NO_MEMORY_STORING;
            default -> NOT_STORED;
        });
        return (int) after;
    }

    private void arithmetic(boolean incr) {
        int n = line.count();
        if (n != 4 && n != 5) {
            replies.line(ERROR);
            return;
        }
        replies.noreply = line.noreply();
        ByteBuf b = line.buf();
        if (line.length(1) > KEY_MAX_LENGTH) {
            replies.line(BAD_FORMAT);
            return;
        }
        if (!numbers.unsigned64(b, line.start(2), line.end(2))) {
            replies.line(BAD_DELTA);
            return;
        }
        int r = store.arithmetic(b, line.start(1), line.length(1), incr, numbers.value, 0, false, 0, 0, false, 0,
                scratch, outcome);
        switch (r) {
            case KvStore.OK -> {
                if (incr) {
                    counters.incrHits++;
                } else {
                    counters.decrHits++;
                }
                if (!replies.noreply) {
                    ByteBuf out = replies.out();
                    Ascii.writeUnsigned(out, outcome.number);
                    out.writeByte('\r').writeByte('\n');
                }
            }
            case KvStore.NOT_FOUND -> {
                if (incr) {
                    counters.incrMisses++;
                } else {
                    counters.decrMisses++;
                }
                replies.line(NOT_FOUND);
            }
            case KvStore.NON_NUMERIC -> replies.line(NON_NUMERIC);
            default -> replies.line(NO_MEMORY);
        }
    }

    private void delete() {
        int n = line.count();
        if (n < 3 || n > 5) {
            replies.line(ERROR);
            return;
        }
        if (n > 3) {
            boolean holdIsZero = line.is(2, ZERO);
            boolean noreply = line.noreply();
            replies.noreply = noreply;
            boolean valid = (n == 4 && (holdIsZero || noreply)) || (n == 5 && holdIsZero && noreply);
            if (!valid) {
                replies.line(DELETE_USAGE);
                return;
            }
        }
        if (line.length(1) > KEY_MAX_LENGTH) {
            replies.line(BAD_FORMAT);
            return;
        }
        if (store.delete(line.buf(), line.start(1), line.length(1), 0) == KvStore.DELETED) {
            counters.deleteHits++;
            replies.line(DELETED);
        } else {
            counters.deleteMisses++;
            replies.line(NOT_FOUND);
        }
    }

    private void touch() {
        int n = line.count();
        if (n != 4 && n != 5) {
            replies.line(ERROR);
            return;
        }
        replies.noreply = line.noreply();
        if (line.length(1) > KEY_MAX_LENGTH) {
            replies.line(BAD_FORMAT);
            return;
        }
        if (!numbers.signed32(line.buf(), line.start(2), line.end(2))) {
            replies.line(BAD_EXPTIME);
            return;
        }
        counters.cmdTouch++;
        if (store.touch(line.buf(), line.start(1), line.length(1), store.expiresAt(numbers.value))
                == KvStore.TOUCHED) {
            counters.touchHits++;
            replies.line(TOUCHED);
        } else {
            counters.touchMisses++;
            replies.line(NOT_FOUND);
        }
    }

    private void flushAll() {
        int n = line.count();
        if (n < 2 || n > 4) {
            replies.line(ERROR);
            return;
        }
        boolean noreply = line.noreply();
        replies.noreply = noreply;
        counters.cmdFlush++;
        long delay = 0;
        if (n != (noreply ? 3 : 2)) {
            if (!numbers.signed32(line.buf(), line.start(1), line.end(1))) {
                replies.line(BAD_EXPTIME);
                return;
            }
            delay = numbers.value;
        }
        store.flushAll(delay);
        replies.line(OK);
    }

    private void verbosity() {
        int n = line.count();
        if (n != 3 && n != 4) {
            replies.line(ERROR);
            return;
        }
        replies.noreply = line.noreply();
        if (!numbers.unsigned32(line.buf(), line.start(1), line.end(1))) {
            replies.line(BAD_FORMAT);
            return;
        }
        replies.line(OK); // kv logs nothing per command: the level is accepted and has no effect
    }

    private void stats() {
        int n = line.count();
        if (n == 2) {
            stats.render(replies.out(KvStats.MAX_RENDERED));
        } else if (n == 3 && line.is(1, RESET_WORD)) {
            replies.line(RESET);
        } else {
            replies.line(ERROR);
        }
    }
}
