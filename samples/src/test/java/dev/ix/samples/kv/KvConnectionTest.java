package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Framing and answers of one connection, without a network: commands split anywhere give the same answers. */
class KvConnectionTest {
    private static final int ITEM_MAX = 4096;

    /**
     * Every command kind, data blocks, noreply, errors and a refused value that must be swallowed. The answers are
     * memcached 1.6.18's to the same script (CAS values counted from a fresh server; the value refused there was
     * larger, as its item limit is), except that memcached drops the unsent answers before a get whose key is too
     * long (its {@code conn_release_items}); kv keeps them.
     */
    private static final String SCRIPT = "set a 1 0 3\r\nabc\r\n"
            + "get a b\r\n"
            + "gets a\r\n"
            + "add a 0 0 1\r\nx\r\n"
            + "add b 2 0 2\r\nbb\r\n"
            + "replace c 0 0 1\r\nx\r\n"
            + "append a 0 0 2\r\nde\r\n"
            + "prepend a 0 0 2\r\n12\r\n"
            + "get a\r\n"
            + "cas a 0 0 1 999\r\nz\r\n"
            + "cas a 0 0 1 4\r\nz\r\n"
            + "cas nope 0 0 1 5\r\nz\r\n"
            + "set n 0 0 3\r\n100\r\n"
            + "decr n 95\r\n"
            + "get n\r\n"
            + "incr n 18446744073709551615\r\n"
            + "incr a 1\r\n"
            + "incr n abc\r\n"
            + "touch a 100\r\n"
            + "touch zz 100\r\n"
            + "gat 0 a b\r\n"
            + "delete b\r\n"
            + "delete b\r\n"
            + "delete a 1\r\n"
            + "set q 0 0 1 noreply\r\nq\r\n"
            + "set big 0 0 5000\r\n" + "v".repeat(5000) + "\r\n"
            + "set d 0 0 3\r\nabcd\r\n"
            + "bogus\r\n"
            + "get " + "k".repeat(251) + "\r\n"
            + "set k 0 0 abc\r\n"
            + "verbosity 1\r\n"
            + "version\r\n"
            + "mn\r\n"
            + "ms m 2 F5 T0 c\r\nhi\r\n"
            + "mg m v f s k O42 c\r\n"
            + "mg missing v\r\n"
            + "mg missing v q\r\n"
            + "ma n D2 v\r\n"
            + "md m q\r\n"
            + "md m\r\n"
            + "flush_all\r\n"
            + "get q n\r\n";

    private static final String EXPECTED = "STORED\r\n"
            + "VALUE a 1 3\r\nabc\r\nEND\r\n"
            + "VALUE a 1 3 1\r\nabc\r\nEND\r\n"
            + "NOT_STORED\r\n"
            + "STORED\r\n"
            + "NOT_STORED\r\n"
            + "STORED\r\n"
            + "STORED\r\n"
            + "VALUE a 1 7\r\n12abcde\r\nEND\r\n"
            + "EXISTS\r\n"
            + "STORED\r\n"
            + "NOT_FOUND\r\n"
            + "STORED\r\n"
            + "5\r\n"
            + "VALUE n 0 3\r\n5  \r\nEND\r\n"
            + "4\r\n"
            + "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n"
            + "CLIENT_ERROR invalid numeric delta argument\r\n"
            + "TOUCHED\r\n"
            + "NOT_FOUND\r\n"
            + "VALUE a 0 1\r\nz\r\nVALUE b 2 2\r\nbb\r\nEND\r\n"
            + "DELETED\r\n"
            + "NOT_FOUND\r\n"
            + "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n"
            + "SERVER_ERROR object too large for cache\r\n"
            + "CLIENT_ERROR bad data chunk\r\nERROR\r\n"
            + "ERROR\r\n"
            + "CLIENT_ERROR bad command line format\r\n"
            + "CLIENT_ERROR bad command line format\r\n"
            + "OK\r\n"
            + "VERSION " + KvStats.VERSION + "\r\n"
            + "MN\r\n"
            + "HD c10\r\n"
            + "VA 2 f5 s2 km O42 c10\r\nhi\r\n"
            + "EN\r\n"
            + "VA 1\r\n6\r\n"
            + "NF\r\n"
            + "OK\r\n"
            + "END\r\n";

    @Test
    void answersEveryCommandAsMemcachedDoes() {
        try (KvSession s = new KvSession(1 << 20, ITEM_MAX)) {
            assertThat(s.send(SCRIPT)).isEqualTo(EXPECTED);
        }
    }

    @Test
    void answersTheSameWhenEveryByteArrivesAlone() {
        try (KvSession s = new KvSession(1 << 20, ITEM_MAX)) {
            assertThat(s.send(SCRIPT.getBytes(StandardCharsets.ISO_8859_1), 1, null)).isEqualTo(EXPECTED);
        }
    }

    @Test
    void answersTheSameWhateverTheReadSizes() {
        for (int seed = 0; seed < 20; seed++) {
            try (KvSession s = new KvSession(1 << 20, ITEM_MAX)) {
                assertThat(s.send(SCRIPT.getBytes(StandardCharsets.ISO_8859_1), 0, new Random(seed)))
                        .as("seed %d", seed).isEqualTo(EXPECTED);
            }
        }
    }

    @Test
    void waitsForTheWholeDataBlockBeforeStoring() {
        try (KvSession s = new KvSession(1 << 20, ITEM_MAX)) {
            assertThat(s.send("set k 0 0 10\r\n01234")).isEmpty();
            assertThat(s.send("56789")).isEmpty();
            assertThat(s.send("\r")).isEmpty();
            assertThat(s.send("\nget k\r\n")).isEqualTo("STORED\r\nVALUE k 0 10\r\n0123456789\r\nEND\r\n");
        }
    }

    @Test
    void swallowsARefusedValueAndStaysUsable() {
        try (KvSession s = new KvSession(1 << 20, ITEM_MAX)) {
            s.send("set k 0 0 1\r\nx\r\n");
            assertThat(s.send("set k 0 0 100000\r\n")).isEqualTo("SERVER_ERROR object too large for cache\r\n");
            // The old value is gone (memcached drops it rather than serve a stale one); the data block is dropped.
            assertThat(s.send("x".repeat(50_000))).isEmpty();
            assertThat(s.send("get k\r\n".repeat(3))).isEmpty(); // still inside the swallowed block
            assertThat(s.send("x".repeat(50_000 - 21) + "\r\nget k\r\n")).isEqualTo("END\r\n");
        }
    }

    @Test
    void closesAfterQuitAndOnALineWithoutEnd() {
        try (KvSession s = new KvSession(1 << 20, ITEM_MAX)) {
            assertThat(s.send("version\r\nquit\r\nversion\r\n")).isEqualTo("VERSION " + KvStats.VERSION + "\r\n");
            assertThat(s.channel.isActive()).isFalse();
        }
        try (KvSession s = new KvSession(1 << 20, ITEM_MAX)) {
            s.send("x".repeat(KvConnection.MAX_LINE + 1));
            assertThat(s.channel.isActive()).as("a line over 16 KiB that is no get").isFalse();
        }
        try (KvSession s = new KvSession(1 << 20, ITEM_MAX)) {
            s.send("get " + "k ".repeat(10_000));
            assertThat(s.channel.isActive()).as("a long get line waits for its end").isTrue();
            assertThat(s.send("\r\n")).isEqualTo("END\r\n");
        }
    }

    /**
     * A turn's answers leave as the gathering buffer itself, never as a slice of a long-lived one (a slice of a buffer
     * the leak detector sampled is tracked, with two stack traces, every turn): the next turn, once the first was
     * sent, gathers into that same buffer again.
     */
    @Test
    void answersLeaveAsWholeBuffersReusedOnceSent() {
        try (KvSession s = new KvSession(1 << 20, ITEM_MAX)) {
            s.channel.writeInbound(Unpooled.copiedBuffer("version\r\n", StandardCharsets.US_ASCII));
            ByteBuf first = s.channel.readOutbound();
            assertThat(first.toString(StandardCharsets.US_ASCII)).startsWith("VERSION ");
            assertThat(first.unwrap()).as("not a slice: a whole buffer (or the leak detector's wrapper of one)")
                    .satisfiesAnyOf(inner -> assertThat(inner).isNull(), inner -> assertThat(inner.unwrap()).isNull());
            first.release(); // sent

            s.channel.writeInbound(Unpooled.copiedBuffer("mn\r\n", StandardCharsets.US_ASCII));
            ByteBuf second = s.channel.readOutbound();
            try {
                assertThat(second).isSameAs(first);
                assertThat(second.toString(StandardCharsets.US_ASCII)).isEqualTo("MN\r\n");
            } finally {
                second.release();
            }
        }
    }

    @Test
    void closingMidCommandLeaksNothing() {
        // The leak detector (paranoid, LeakDetectionExtension) fails the class if the cumulation is not released.
        for (String partial : new String[] {"set k 0 0 100\r\nabc", "get k", "ms k 5 T0\r\nab"}) {
            try (KvSession s = new KvSession(1 << 20, ITEM_MAX)) {
                assertThat(s.send(partial)).isEmpty();
                s.channel.close();
            }
        }
    }
}
