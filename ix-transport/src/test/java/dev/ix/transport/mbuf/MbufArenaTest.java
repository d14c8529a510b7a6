package dev.ix.transport.mbuf;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

class MbufArenaTest {

    @Test
    void smallArenaUsesBasePagesAndIsZeroedReadableAndWritable() throws IOException {
        MbufArena arena = MbufArena.map(64 * 1024);
        try {
            assertThat(arena.pageKind()).isEqualTo(MbufArena.SMALL);
            checkUsable(arena);
        } finally {
            assertThat(arena.unmap()).isZero();
        }
        assertThat(arena.isMapped()).isFalse();
        assertThat(arena.unmap()).as("unmap is idempotent").isZero();
    }

    @Test
    void arenaOfHugePageMultipleIsHugePageAlignedWhenItGetsHugePages() throws IOException {
        long size = 2 * MbufArena.HUGE_PAGE_SIZE;
        MbufArena arena = MbufArena.map(size);
        try {
            assertThat(arena.pageKind()).isIn(MbufArena.HUGETLB, MbufArena.TRANSPARENT, MbufArena.SMALL);
            if (!arena.pageKind().equals(MbufArena.SMALL)) {
                // hugetlb pages are aligned by the kernel; for transparent ones the arena trims an aligned window.
                assertThat(arena.address() % MbufArena.HUGE_PAGE_SIZE).isZero();
            }
            checkUsable(arena);
        } finally {
            assertThat(arena.unmap()).isZero();
        }
    }

    private static void checkUsable(MbufArena arena) throws IOException {
        MemorySegment segment = arena.segment();
        assertThat(segment.byteSize()).isEqualTo(arena.size());
        assertThat(segment.address()).isEqualTo(arena.address());
        long last = arena.size() - 8;
        assertThat(segment.get(JAVA_LONG, 0)).isZero();
        assertThat(segment.get(JAVA_LONG, last)).isZero();
        segment.set(JAVA_LONG, 0, 42L);
        segment.set(JAVA_LONG, last, -1L);
        assertThat(segment.get(JAVA_LONG, 0)).isEqualTo(42L);
        assertThat(segment.get(JAVA_LONG, last)).isEqualTo(-1L);
        assertThat(mapsContain(arena.address())).as("/proc/self/maps lists the arena").isTrue();
    }

    private static boolean mapsContain(long address) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] range = line.substring(0, line.indexOf(' ')).split("-");
            long start = Long.parseUnsignedLong(range[0], 16);
            long end = Long.parseUnsignedLong(range[1], 16);
            if (address >= start && address < end) {
                return true;
            }
        }
        return false;
    }
}
