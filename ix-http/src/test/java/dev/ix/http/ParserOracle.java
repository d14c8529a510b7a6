package dev.ix.http;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The checks the fuzz tests make of any input: parsing it never throws out of the parser (every fault is an
 * {@code onError}), the events keep the listener contract ({@link RecordingListener} checks it: head, content, end
 * per request; at most one error, 4xx or 5xx, and nothing after it), and the events are the same whole, byte by
 * byte, and cut at a few offsets chosen from the input itself. Run with the default limits and with small ones, so
 * inputs of a few hundred bytes reach every limit.
 */
final class ParserOracle {
    static final HttpLimits SMALL = new HttpLimits(40, 120, 6, 64, 12);

    private ParserOracle() {
    }

    /** @throws AssertionError when the parser breaks a promise on {@code input} */
    static void check(byte[] input) {
        check(HttpLimits.DEFAULT, input);
        check(SMALL, input);
    }

    private static void check(HttpLimits limits, byte[] input) {
        List<String> whole = Parsing.whole(limits, input);
        long errors = whole.stream().filter(e -> e.startsWith("error ")).count();
        if (errors > 1 || errors == 1 && !whole.getLast().startsWith("error ")) {
            throw new AssertionError("events after an error: " + whole);
        }
        same(whole, Parsing.byteByByte(limits, input), "byte by byte");
        SplittableRandom random = new SplittableRandom(java.util.Arrays.hashCode(input));
        for (int round = 0; round < 3 && input.length > 1; round++) {
            int[] cuts = random.ints(1 + random.nextInt(4), 1, input.length).sorted().distinct().toArray();
            same(whole, Parsing.split(limits, input, cuts), "cut at " + java.util.Arrays.toString(cuts));
        }
    }

    private static void same(List<String> whole, List<String> split, String how) {
        if (!whole.equals(split)) {
            throw new AssertionError("parsed " + how + ": " + split + "\nwhole: " + whole);
        }
    }
}
