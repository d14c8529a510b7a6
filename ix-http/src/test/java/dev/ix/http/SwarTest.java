package dev.ix.http;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The word-at-a-time searches against their byte-at-a-time definitions: every byte value at every position of a
 * word, ranges of every length up to three words from unaligned starts, and bytes past the range that must not count.
 */
class SwarTest {
    /** Bytes where the tricks can go wrong: the classes' edges, the high bit, and what a borrow could fake. */
    private static final byte[] EDGES = {
        0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x2C, 0x3A, 0x3F, 0x40, 0x41, 0x5A, 0x61,
        0x7A, 0x7E, 0x7F, (byte) 0x80, (byte) 0x81, (byte) 0xA0, (byte) 0xFE, (byte) 0xFF,
    };
    private static final int MAX_LENGTH = 3 * Long.BYTES + 1;

    @Test
    void indexOfLfFindsLfAtEveryPositionAndNoOtherByte() {
        for (int v = 0; v < 256; v++) {
            int value = v;
            byte b = (byte) value;
            forEachPlacement(b, (byte) 'a', (bytes, from, to, at) ->
                    assertThat(Swar.indexOfLf(bytes, from, to)).as("0x%02x at %d of [%d, %d)", value, at, from, to)
                            .isEqualTo(b == HttpChars.LF && at < to ? at : -1));
        }
    }

    @Test
    void indexOfLfFindsTheFirstOfSeveral() {
        byte[] bytes = ascii("ab\ncd\nef\n\n\nxyz\n");
        assertThat(Swar.indexOfLf(bytes, 0, bytes.length)).isEqualTo(2);
        assertThat(Swar.indexOfLf(bytes, 3, bytes.length)).isEqualTo(5);
        assertThat(Swar.indexOfLf(bytes, 11, bytes.length)).isEqualTo(14);
        assertThat(Swar.indexOfLf(bytes, 11, 14)).isEqualTo(-1);
    }

    @Test
    void indexOfInAWordFindsTheFirstOfTheByteAtEveryPositionAndNoOtherByte() {
        for (int v = 0; v < 256; v++) {
            for (int at = 0; at <= Long.BYTES; at++) {
                byte[] bytes = new byte[Long.BYTES];
                // Bytes one below and one above the one sought, where a borrow or a carry would fake a match.
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) (i < at ? v + 1 + (i & 1) * -2 : v);
                }
                assertThat(Swar.indexOf(Swar.word(bytes, 0), (byte) v)).as("0x%02x first at %d", v, at).isEqualTo(at);
            }
        }
    }

    @Test
    void indexOfControlFindsEveryCtlAndDelAndNothingElse() {
        for (int v = 0; v < 256; v++) {
            int value = v;
            byte b = (byte) value;
            boolean control = value < 0x20 || value == 0x7F;
            forEachPlacement(b, (byte) 'a', (bytes, from, to, at) ->
                    assertThat(Swar.indexOfControl(bytes, from, to)).as("0x%02x at %d of [%d, %d)", value, at, from, to)
                            .isEqualTo(control && at < to ? at : to));
        }
    }

    @Test
    void indexOfNonPathCharFindsEveryByteAPathCannotHoldAndNothingElse() {
        for (int v = 0; v < 256; v++) {
            int value = v;
            byte b = (byte) value;
            boolean outside = !HttpChars.isPathChar(b);
            forEachPlacement(b, (byte) '/', (bytes, from, to, at) ->
                    assertThat(Swar.indexOfNonPathChar(bytes, from, to))
                            .as("0x%02x at %d of [%d, %d)", value, at, from, to)
                            .isEqualTo(outside && at < to ? at : to));
        }
    }

    @Test
    void searchesAgreeWithTheirDefinitionsOnMixedEdgeBytes() {
        SplittableRandom random = new SplittableRandom(12);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[random.nextInt(MAX_LENGTH + 8)];
            for (int i = 0; i < bytes.length; i++) {
                // Mostly harmless bytes, so first matches land anywhere in a word, after flagged neighbours too.
                bytes[i] = random.nextInt(4) == 0 ? EDGES[random.nextInt(EDGES.length)] : (byte) 'x';
            }
            int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
            int to = from + random.nextInt(bytes.length - from + 1);
            String what = Arrays.toString(bytes) + " [" + from + ", " + to + ")";
            assertThat(Swar.indexOfLf(bytes, from, to)).as(what).isEqualTo(first(bytes, from, to, HttpChars.LF));
            assertThat(Swar.indexOfControl(bytes, from, to)).as(what).isEqualTo(firstControl(bytes, from, to));
            assertThat(Swar.indexOfNonPathChar(bytes, from, to)).as(what).isEqualTo(firstNonPathChar(bytes, from, to));
        }
    }

    @Test
    void wordHoldsTheRangeLowestByteFirstAndZerosAfterIt() {
        byte[] bytes = new byte[20];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (0xF0 + i); // high bit set: a sign extension would show
        }
        for (int index = 0; index <= bytes.length; index++) {
            for (int end = index; end <= bytes.length; end++) {
                long expected = 0;
                for (int i = Math.min(end, index + Long.BYTES) - 1; i >= index; i--) {
                    expected = expected << 8 | bytes[i] & 0xFF;
                }
                assertThat(Swar.word(bytes, index, end)).as("[%d, %d)", index, end).isEqualTo(expected);
            }
        }
        assertThat(Swar.word(ascii("GET /"), 0, 3)).isEqualTo(Swar.word("GET"));
    }

    /**
     * Runs {@code check} with {@code b} at each position of ranges of each length, in arrays of {@code filler} that end
     * with the range or go on past it holding {@code b} (read in the range's last word, and not to be found).
     */
    private static void forEachPlacement(byte b, byte filler, Placement check) {
        for (int length = 0; length <= MAX_LENGTH; length++) {
            for (int from = 0; from < Long.BYTES; from++) {
                int to = from + length;
                for (int room = 0; room <= Long.BYTES; room++) {
                    byte[] bytes = new byte[to + room];
                    for (int at = from; at <= to; at++) {
                        Arrays.fill(bytes, filler);
                        Arrays.fill(bytes, to, bytes.length, b);
                        if (at < bytes.length) {
                            bytes[at] = b;
                        }
                        check.at(bytes, from, to, at);
                    }
                }
            }
        }
    }

    @FunctionalInterface
    private interface Placement {
        void at(byte[] bytes, int from, int to, int at);
    }

    private static int first(byte[] bytes, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int firstControl(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            int b = bytes[i] & 0xFF;
            if (b < 0x20 || b == 0x7F) {
                return i;
            }
        }
        return to;
    }

    private static int firstNonPathChar(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!HttpChars.isPathChar(bytes[i])) {
                return i;
            }
        }
        return to;
    }

    private static byte[] ascii(String s) {
        return HttpChars.ascii(s);
    }
}
