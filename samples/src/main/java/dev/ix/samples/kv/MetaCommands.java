package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;

/** memcached's meta commands ({@code mg}, {@code ms}, {@code md}, {@code ma}, {@code mn}). Loop thread only. */
final class MetaCommands {
    private static final byte[] MN = Ascii.bytes("MN\r\n");

    private final KvStore store;
    private final KvCounters counters;
    private final Replies replies;
    private final CommandLine line;
    private final NumberParser numbers;
    private final KvStore.Outcome outcome;
    private final ByteBuf scratch;

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
    int execute(byte code, int next) {
        needed = 0;
        swallow = 0;
        switch (code) {
            case 'n' -> replies.line(MN);
            default -> replies.line(TextProtocol.ERROR);
        }
        return next;
    }
}
