package dev.ix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemcacheRequestBlockTest {

    @Test
    void encodesGetsAndSets() {
        byte[] key = "usr:1-xxxxx".getBytes(StandardCharsets.US_ASCII);

        assertThat(text(MemcacheRequestBlock.get(key))).isEqualTo("get usr:1-xxxxx\r\n");
        assertThat(text(MemcacheRequestBlock.set(key, MemcacheRequestBlock.filler(10), 3)))
                .isEqualTo("set usr:1-xxxxx 0 0 3\r\nabc\r\n");
    }

    @Test
    void everySliceIsWholeRequestsOfTheCyclicSequence() {
        int sequence = 50;
        MemcacheRequestBlock block = MemcacheRequestBlock.of(MemcacheWorkload.of("etc", 1000), 4, sequence);
        try {
            List<String> all = all(block);
            assertThat(all).hasSize(sequence);
            for (long s = 0; s < 3L * sequence; s++) {
                for (int n = 1; n <= 4; n++) {
                    List<String> slice = requests(block, 0, s, n);
                    assertThat(slice).hasSize(n);
                    for (int k = 0; k < n; k++) {
                        assertThat(slice.get(k)).isEqualTo(all.get((int) ((s + k) % sequence)));
                    }
                }
            }
            // Connection c starts STRIDE requests after connection c - 1.
            assertThat(requests(block, 1, 0, 1).getFirst())
                    .isEqualTo(all.get(MemcacheRequestBlock.STRIDE % sequence));
        } finally {
            block.release();
        }
    }

    @Test
    void sameRequestsEveryRun() {
        MemcacheWorkload usr = MemcacheWorkload.of("usr", 100);
        MemcacheRequestBlock a = MemcacheRequestBlock.of(usr, 2, 100);
        MemcacheRequestBlock b = MemcacheRequestBlock.of(usr, 2, 100);
        try {
            assertThat(all(a)).isEqualTo(all(b));
        } finally {
            a.release();
            b.release();
        }
    }

    @Test
    void refusesSlicesOutsideItsBounds() {
        MemcacheRequestBlock block = MemcacheRequestBlock.of(MemcacheWorkload.of("usr", 10), 3, 20);
        try {
            assertThatThrownBy(() -> block.requests(0, 0, 4)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> block.requests(0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> block.requests(-1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> block.requests(0, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        } finally {
            block.release();
        }
        assertThatThrownBy(() -> MemcacheRequestBlock.of(MemcacheWorkload.of("usr", 10), 21, 20))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** @return connection 0's requests, one cycle of the sequence */
    static List<String> all(MemcacheRequestBlock block) {
        List<String> all = new ArrayList<>();
        for (int s = 0; s < block.sequenceLength(); s++) {
            all.addAll(requests(block, 0, s, 1));
        }
        return all;
    }

    /** @return the requests of one slice, each as text, split where each ends */
    static List<String> requests(MemcacheRequestBlock block, int connection, long sequence, int n) {
        ByteBuf slice = block.requests(connection, sequence, n);
        try {
            return split(slice.toString(StandardCharsets.US_ASCII));
        } finally {
            slice.release();
        }
    }

    /** Splits a run of get and set requests, a set's value being the line after its own. */
    static List<String> split(String text) {
        List<String> requests = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int end = text.indexOf("\r\n", i) + 2;
            if (text.startsWith("set ", i)) {
                end = text.indexOf("\r\n", end) + 2;
            }
            requests.add(text.substring(i, end));
            i = end;
        }
        return requests;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
