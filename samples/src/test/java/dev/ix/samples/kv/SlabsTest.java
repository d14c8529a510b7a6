package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The items' off-heap slabs: size classes, chunk reuse, pages taken on demand, everything given back at close. */
class SlabsTest {

    @Test
    void chunksOfOneClassDoNotOverlapAndKeepTheirBytes() {
        try (Slabs slabs = new Slabs(1 << 20)) {
            List<Long> chunks = new ArrayList<>();
            int size = 100;
            int chunkSize = slabs.chunkSize(size);
            assertThat(chunkSize).isGreaterThanOrEqualTo(size).isLessThan(size * 5 / 4 + 8);
            // More than a page's worth, so a second page is taken.
            int count = slabs.pageSize() / chunkSize + 10;
            for (int i = 0; i < count; i++) {
                long chunk = slabs.allocate(size);
                ByteBuf page = slabs.page(chunk);
                for (int b = 0; b < size; b++) {
                    page.setByte(Slabs.offset(chunk) + b, i + b);
                }
                chunks.add(chunk);
            }
            assertThat(new HashSet<>(chunks)).hasSize(count);
            assertThat(slabs.pageBytes()).isEqualTo(2L * slabs.pageSize());
            for (int i = 0; i < count; i++) {
                long chunk = chunks.get(i);
                for (int b = 0; b < size; b++) {
                    assertThat(slabs.page(chunk).getByte(Slabs.offset(chunk) + b)).isEqualTo((byte) (i + b));
                }
            }
            assertThat(slabs.liveChunks()).isEqualTo(count);
            for (long chunk : chunks) {
                slabs.free(chunk, size);
            }
            assertThat(slabs.liveChunks()).isZero();
        }
    }

    @Test
    void aFreedChunkIsReusedBeforeANewOneIsCut() {
        try (Slabs slabs = new Slabs(1 << 20)) {
            long a = slabs.allocate(64);
            long b = slabs.allocate(60);
            slabs.free(a, 64);
            assertThat(slabs.allocate(10)).isEqualTo(a);
            Set<Long> seen = Set.of(a, b);
            assertThat(seen).doesNotContain(slabs.allocate(64));
            assertThat(slabs.liveChunks()).isEqualTo(3);
            assertThat(slabs.pageBytes()).isEqualTo(slabs.pageSize());
        }
    }

    @Test
    void classesGrowByAQuarterUpToAWholePage() {
        try (Slabs slabs = new Slabs(1 << 20)) {
            assertThat(slabs.chunkSize(1)).isEqualTo(Slabs.MIN_CHUNK);
            assertThat(slabs.chunkSize(65)).isEqualTo(80);
            assertThat(slabs.chunkSize(slabs.pageSize())).isEqualTo(slabs.pageSize());
            long whole = slabs.allocate(slabs.pageSize());
            assertThat(Slabs.offset(whole)).isZero();
            assertThatThrownBy(() -> slabs.allocate(slabs.pageSize() + 1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        try (Slabs large = new Slabs(3 << 20)) {
            assertThat(large.pageSize()).isEqualTo(4 << 20);
        }
    }

    @Test
    void closeFreesThePagesOnce() {
        Slabs slabs = new Slabs(1 << 20);
        slabs.allocate(1000);
        slabs.close();
        slabs.close();
        assertThat(slabs.pageBytes()).isZero();
        assertThatThrownBy(() -> slabs.allocate(1 << 19)).isInstanceOf(IllegalStateException.class);
    }
}
