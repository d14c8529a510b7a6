package dev.ix.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feeds inputs to a fresh {@link RequestParser} in pieces, as a connection would receive them, from a pooled direct
 * buffer (leak-tracked).
 */
final class Parsing {
    private Parsing() {
    }

    static byte[] bytes(String input) {
        return input.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** @return the events of {@code input} received in one piece */
    static List<String> whole(HttpLimits limits, byte[] input) {
        return split(limits, input, new int[0]);
    }

    /**
     * @param cuts increasing offsets where a new piece starts
     * @return the events of {@code input} received in pieces cut at {@code cuts}
     */
    static List<String> split(HttpLimits limits, byte[] input, int[] cuts) {
        RecordingListener listener = new RecordingListener();
        RequestParser parser = new RequestParser(limits, listener);
        // One buffer refilled for each piece: the listener has released its slices of the previous piece by then,
        // and leak tracking every piece of a byte-by-byte run would make the fuzz tests slow.
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer(input.length);
        try {
            int from = 0;
            for (int i = 0; i <= cuts.length; i++) {
                int to = i < cuts.length ? cuts[i] : input.length;
                in.clear().writeBytes(input, from, to - from);
                parser.parse(in);
                if (in.isReadable()) {
                    throw new AssertionError(in.readableBytes() + " bytes left after parse, cut at " + to);
                }
                from = to;
            }
        } finally {
            in.release();
        }
        return listener.events();
    }

    /** @return the events of {@code input} received one byte at a time */
    static List<String> byteByByte(HttpLimits limits, byte[] input) {
        int[] cuts = new int[Math.max(input.length - 1, 0)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        return split(limits, input, cuts);
    }

    /**
     * Parses {@code input} whole, byte by byte and cut in two at every offset, and checks that every way gives the
     * same events.
     *
     * @return those events
     */
    static List<String> everySplit(HttpLimits limits, String input) {
        byte[] bytes = bytes(input);
        List<String> whole = whole(limits, bytes);
        assertThat(byteByByte(limits, bytes)).as("byte by byte").isEqualTo(whole);
        for (int cut = 1; cut < bytes.length; cut++) {
            assertThat(split(limits, bytes, new int[] {cut})).as("cut at %d", cut).isEqualTo(whole);
        }
        return whole;
    }

    static List<String> everySplit(String input) {
        return everySplit(HttpLimits.DEFAULT, input);
    }
}
