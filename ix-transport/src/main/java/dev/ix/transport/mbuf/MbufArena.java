package dev.ix.transport.mbuf;

import dev.ix.transport.uring.LibC;
import dev.ix.transport.uring.NativeIoException;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One anonymous private mapping that holds every slot of an {@link MbufPool}, in the largest pages the machine gives.
 *
 * <pre>
 *   address (2 MiB aligned when huge pages are used)
 *   |
 *   v
 *   +-----------+-----------+-----   ---+-----------+
 *   |  slot 0   |  slot 1   |    ...    | slot n-1  |   size = slotSize * slotCount bytes
 *   +-----------+-----------+-----   ---+-----------+
 * </pre>
 *
 * <p>Pages, in order of preference (only for arenas of at least {@value #HUGE_PAGE_SIZE} bytes; smaller ones could
 * not fill one huge page and take 4 KiB pages directly):
 * <ol>
 *   <li>{@code mmap(MAP_HUGETLB | MAP_HUGE_2MB)}: pages from the reserved hugetlb pool ({@code vm.nr_hugepages}).
 *       Fails with {@code ENOMEM} when none are reserved, which is the common case and not an error.</li>
 *   <li>a plain anonymous mapping, aligned to 2 MiB, with {@code madvise(MADV_HUGEPAGE)}: transparent huge pages,
 *       when {@code /sys/kernel/mm/transparent_hugepage/enabled} is not {@code never}.</li>
 *   <li>the same mapping in 4 KiB pages.</li>
 * </ol>
 *
 * <p>Not thread-safe: created and unmapped by the pool's owner.
 */
final class MbufArena {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(MbufArena.class);

    /** Bytes in one huge page; the only huge page size this class asks for. */
    static final long HUGE_PAGE_SIZE = 2L * 1024 * 1024;
    /** {@code pageKind} when the arena sits in reserved hugetlb pages. */
    static final String HUGETLB = "hugetlb 2 MiB pages";
    /** {@code pageKind} when the kernel was asked to back the arena with transparent huge pages. */
    static final String TRANSPARENT = "transparent huge pages (madvise)";
    /** {@code pageKind} when the arena uses the base page size. */
    static final String SMALL = "4 KiB pages";

    // <linux/mman.h>: MAP_HUGE_SHIFT 26, MAP_HUGE_2MB = 21 << MAP_HUGE_SHIFT (log2 of the page size in the flags).
    private static final int MAP_HUGE_2MB = 21 << 26;
    private static final Path THP_ENABLED = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    private final long address;
    private final long size;
    private final MemorySegment segment;
    private final String pageKind;
    private boolean mapped = true;

    @SuppressWarnings("restricted") // the mapping is ours and exactly size bytes long
    private MbufArena(long address, long size, String pageKind) {
        this.address = address;
        this.size = size;
        this.pageKind = pageKind;
        this.segment = MemorySegment.ofAddress(address).reinterpret(size);
    }

    /**
     * Maps {@code size} bytes of zeroed, readable and writable memory.
     *
     * @param size bytes, positive; a multiple of {@value #HUGE_PAGE_SIZE} when huge pages are wanted
     * @throws UncheckedIOException wrapping a {@link NativeIoException} when even a plain mapping fails
     */
    static MbufArena map(long size) {
        int prot = LibC.PROT_READ | LibC.PROT_WRITE;
        int flags = LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS;
        boolean huge = size >= HUGE_PAGE_SIZE && size % HUGE_PAGE_SIZE == 0;
        if (huge) {
            long r = LibC.mmap(0, size, prot, flags | LibC.MAP_HUGETLB | MAP_HUGE_2MB, -1, 0);
            if (r >= 0) {
                return new MbufArena(r, size, HUGETLB);
            }
            // ENOMEM: no hugetlb pages reserved; EINVAL: no 2 MiB hugetlb support. Both normal.
            logger.debug("mmap(length={}, MAP_HUGETLB|MAP_HUGE_2MB) failed with error({}): falling back", size, -r);

            // Map 2 MiB more, then cut the unaligned head and tail so that every 2 MiB of the arena can be one THP.
            long raw = LibC.mmap(0, size + HUGE_PAGE_SIZE, prot, flags, -1, 0);
            if (raw >= 0) {
                long aligned = (raw + HUGE_PAGE_SIZE - 1) & -HUGE_PAGE_SIZE;
                if (aligned > raw) {
                    LibC.munmap(raw, aligned - raw);
                }
                long tail = raw + HUGE_PAGE_SIZE - aligned; // bytes mapped past aligned + size
                if (tail > 0) {
                    LibC.munmap(aligned + size, tail);
                }
                int m = LibC.madvise(aligned, size, LibC.MADV_HUGEPAGE);
                if (m < 0) {
                    logger.debug("madvise(MADV_HUGEPAGE) failed with error({}): using 4 KiB pages", -m);
                }
                return new MbufArena(aligned, size, m == 0 && !transparentHugePagesDisabled() ? TRANSPARENT : SMALL);
            }
            logger.debug("mmap(length={}) failed with error({}): mapping without alignment", size + HUGE_PAGE_SIZE,
                    -raw);
        }
        long r = LibC.mmap(0, size, prot, flags, -1, 0);
        if (r < 0) {
            throw failure("mmap(length=" + size + ", MAP_PRIVATE|MAP_ANONYMOUS)", r);
        }
        return new MbufArena(r, size, SMALL);
    }

    private static UncheckedIOException failure(String call, long negativeErrno) {
        NativeIoException e = new NativeIoException(call, (int) -negativeErrno);
        return new UncheckedIOException(e.getMessage(), e);
    }

    /** {@code madvise} succeeds even when the system setting is {@code [never]}; then no huge page will come. */
    private static boolean transparentHugePagesDisabled() {
        try {
            return Files.readString(THP_ENABLED).contains("[never]");
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** @return the first byte of the arena */
    long address() {
        return address;
    }

    /** @return bytes in the arena */
    long size() {
        return size;
    }

    /** @return the arena as a segment of {@link #size()} bytes in the global scope: valid until {@link #unmap()} */
    MemorySegment segment() {
        return segment;
    }

    /** @return which pages back the arena, for people: {@link #HUGETLB}, {@link #TRANSPARENT} or {@link #SMALL} */
    String pageKind() {
        return pageKind;
    }

    /** @return {@code true} until {@link #unmap()} */
    boolean isMapped() {
        return mapped;
    }

    /**
     * Gives the memory back to the kernel. Idempotent. Nothing may read the arena afterwards: the address may be
     * mapped again by anything in the process.
     *
     * @return 0, or {@code -errno} when {@code munmap} failed (the memory then stays mapped)
     */
    int unmap() {
        if (!mapped) {
            return 0;
        }
        mapped = false;
        return LibC.munmap(address, size);
    }

    @Override
    public String toString() {
        return "MbufArena(address: 0x" + Long.toHexString(address) + ", size: " + size + ", " + pageKind
                + (mapped ? ")" : ", unmapped)");
    }
}
