package dev.ix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.offset;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MemcacheWorkloadTest {

    private static final int KEYS = 20_000;

    @Test
    void usrKeysAreShorterThan20BytesAndValues2Bytes() {
        MemcacheWorkload usr = MemcacheWorkload.of("usr", KEYS);
        int[] lengths = lengths(usr);

        assertThat(Arrays.stream(lengths).min().orElseThrow()).isEqualTo(MemcacheWorkload.USR_MIN_KEY);
        assertThat(Arrays.stream(lengths).max().orElseThrow()).isEqualTo(MemcacheWorkload.USR_MAX_KEY).isLessThan(20);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 1000; i++) {
            assertThat(usr.valueSize(random)).isEqualTo(2);
        }
        assertThat(usr.getShare()).isEqualTo(0.99);
    }

    @Test
    void etcKeysAre20To70BytesAroundTheFittedMode() {
        int[] lengths = lengths(MemcacheWorkload.of("etc", KEYS));

        assertThat(Arrays.stream(lengths).min().orElseThrow()).isGreaterThanOrEqualTo(20);
        assertThat(Arrays.stream(lengths).max().orElseThrow()).isLessThanOrEqualTo(70);
        Arrays.sort(lengths);
        // The GEV fit's median is about 34 bytes, its mean about 36.
        assertThat(lengths[lengths.length / 2]).isBetween(31, 37);
        assertThat(Arrays.stream(lengths).average().orElseThrow()).isBetween(33.0, 39.0);
    }

    @Test
    void etcValuesAre1To1024BytesMostlySmall() {
        MemcacheWorkload etc = MemcacheWorkload.of("etc", KEYS);
        SplittableRandom random = new SplittableRandom(7);
        int[] sizes = new int[100_000];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = etc.valueSize(random);
        }
        Arrays.sort(sizes);

        assertThat(sizes[0]).isGreaterThanOrEqualTo(1);
        assertThat(sizes[sizes.length - 1]).isEqualTo(1024);
        // The generalized Pareto fit: median about 168 B, a quarter under 64 B, about 6 % cut to 1 KiB.
        assertThat(sizes[sizes.length / 2]).isBetween(150, 185);
        assertThat(sizes[sizes.length / 4]).isBetween(55, 75);
        long capped = Arrays.stream(sizes).filter(s -> s == 1024).count();
        assertThat(capped / (double) sizes.length).isBetween(0.05, 0.07);
        assertThat(etc.getShare()).isEqualTo(0.75);
    }

    @Test
    void keysAreDistinctPrintableAndTheSameEveryTime() {
        for (String name : List.of("usr", "etc")) {
            MemcacheWorkload w = MemcacheWorkload.of(name, KEYS);
            Set<String> keys = new HashSet<>();
            for (int i = 0; i < KEYS; i++) {
                String key = new String(w.key(i), StandardCharsets.US_ASCII);
                if (!key.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
                    fail("key " + i + " is not printable without spaces: " + key);
                }
                keys.add(key);
            }
            assertThat(keys).hasSize(KEYS);
            assertThat(w.key(123)).isEqualTo(MemcacheWorkload.of(name, KEYS).key(123));
        }
    }

    @Test
    void requestBlockHasTheGetShareAndKeysOfTheWorkload() {
        for (String name : List.of("usr", "etc")) {
            MemcacheWorkload w = MemcacheWorkload.of(name, 1000);
            MemcacheRequestBlock block = MemcacheRequestBlock.of(w, 1, 20_000);
            try {
                double share = block.gets() / (double) block.sequenceLength();
                assertThat(share).as(name).isCloseTo(w.getShare(), offset(0.01));
                Set<String> known = new HashSet<>();
                for (int i = 0; i < w.keys(); i++) {
                    known.add(new String(w.key(i)));
                }
                for (String request : MemcacheRequestBlockTest.all(block)) {
                    assertThat(known).contains(request.split(" ")[1].strip());
                }
            } finally {
                block.release();
            }
        }
    }

    @Test
    void namedByTheUriPath() {
        assertThat(MemcacheWorkload.of(URI.create("memcache://h:1/etc?keys=5"))).isEqualTo(
                MemcacheWorkload.of("etc", 5));
        assertThat(MemcacheWorkload.of(URI.create("memcache://h:1")).name()).isEqualTo("usr");
        assertThat(MemcacheWorkload.of(URI.create("memcache://h:1/USR")).keys())
                .isEqualTo(MemcacheWorkload.DEFAULT_KEYS);
        assertThatThrownBy(() -> MemcacheWorkload.of(URI.create("memcache://h:1/app")))
                .hasMessageContaining("usr or etc");
        assertThatThrownBy(() -> MemcacheWorkload.of(URI.create("memcache://h:1/usr?keys=0")))
                .hasMessageContaining("keys");
        assertThatThrownBy(() -> MemcacheWorkload.of(URI.create("memcache://h:1/usr?size=3")))
                .hasMessageContaining("keys=N");
        assertThatThrownBy(() -> Target.of(URI.create("memcache://h/usr"))).hasMessageContaining("memcache://");
    }

    private static int[] lengths(MemcacheWorkload w) {
        int[] lengths = new int[w.keys()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = w.key(i).length;
        }
        return lengths;
    }
}
