package dev.ix.http;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fuzz test's checks ({@link ParserOracle}) on a few thousand mutations of the fuzz test's seed requests, with a
 * fixed random seed: every build exercises the parser on malformed input, not only on the seeds that Jazzer's
 * regression mode runs.
 */
class RequestParserMutationTest {
    private static final int MUTANTS = 3000;
    private static final byte[] INTERESTING = Parsing.bytes("\r\n \t:;,=\"\\0aF-\u0000\u007f\u00ff/?#");

    @Test
    void keepsItsPromisesOnMutatedRequests() throws IOException, URISyntaxException {
        List<byte[]> seeds = seeds();
        assertThat(seeds).hasSizeGreaterThanOrEqualTo(5);
        SplittableRandom random = new SplittableRandom(12);
        int errors = 0;
        for (int i = 0; i < MUTANTS; i++) {
            byte[] mutant = mutate(random, seeds);
            try {
                ParserOracle.check(mutant);
            } catch (AssertionError e) {
                throw new AssertionError("mutant " + i + ": " + printable(mutant), e);
            }
            errors += Parsing.whole(HttpLimits.DEFAULT, mutant).stream().anyMatch(s -> s.startsWith("error")) ? 1 : 0;
        }
        // The mutations should reach both sides: enough valid and enough rejected inputs.
        assertThat(errors).isBetween(MUTANTS / 10, MUTANTS * 9 / 10);
    }

    static List<byte[]> seeds() throws IOException, URISyntaxException {
        Path dir = Path.of(RequestParserMutationTest.class
                .getResource("RequestParserFuzzTestInputs/parsesAnyInputConsistently").toURI());
        List<byte[]> seeds = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir).sorted()) {
            for (Path file : (Iterable<Path>) files::iterator) {
                seeds.add(Files.readAllBytes(file));
            }
        }
        return seeds;
    }

    /** One to four edits of a seed, or of two seeds spliced. */
    private static byte[] mutate(SplittableRandom random, List<byte[]> seeds) {
        byte[] bytes = seeds.get(random.nextInt(seeds.size())).clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && bytes.length > 0; e++) {
            int at = random.nextInt(bytes.length);
            bytes = switch (random.nextInt(6)) {
                case 0 -> set(bytes, at, INTERESTING[random.nextInt(INTERESTING.length)]);
                case 1 -> set(bytes, at, (byte) random.nextInt(256));
                case 2 -> insert(bytes, at, INTERESTING[random.nextInt(INTERESTING.length)]);
                case 3 -> remove(bytes, at);
                case 4 -> java.util.Arrays.copyOf(bytes, at);
                default -> splice(bytes, at, seeds.get(random.nextInt(seeds.size())));
            };
        }
        return bytes;
    }

    private static byte[] set(byte[] bytes, int at, byte value) {
        bytes[at] = value;
        return bytes;
    }

    private static byte[] insert(byte[] bytes, int at, byte value) {
        byte[] result = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, result, 0, at);
        result[at] = value;
        System.arraycopy(bytes, at, result, at + 1, bytes.length - at);
        return result;
    }

    private static byte[] remove(byte[] bytes, int at) {
        byte[] result = new byte[bytes.length - 1];
        System.arraycopy(bytes, 0, result, 0, at);
        System.arraycopy(bytes, at + 1, result, at, bytes.length - at - 1);
        return result;
    }

    private static byte[] splice(byte[] bytes, int at, byte[] other) {
        byte[] result = java.util.Arrays.copyOf(bytes, at + other.length);
        System.arraycopy(other, 0, result, at, other.length);
        return result;
    }

    private static String printable(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xFF;
            s.append(c >= 0x20 && c < 0x7F && c != '\\' ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return s.toString();
    }
}
