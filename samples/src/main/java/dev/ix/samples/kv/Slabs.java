package dev.ix.samples.kv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The items' memory, off-heap, as memcached's slabs: pages of {@link #pageSize()} bytes from one shared FFM
 * {@link Arena}, each cut into chunks of one size class (64 bytes, then each class {@value #FACTOR}× the one before,
 * rounded to 8, up to half a page; the last class is a whole page). A chunk is named by a {@code long}, its page's
 * index in the high 32 bits and its offset in the page in the low 32; its bytes are read and written through its
 * page's {@link ByteBuf} ({@link #page}), a view made once per page, so storing and reading an item allocates
 * nothing on the heap (Netty's pooled buffers make a buffer object, and on first bulk use a {@code ByteBuffer}, per
 * item). Free chunks of a class form a list threaded through their first 8 bytes.
 *
 * <pre>
 *   page (pageSize bytes, one class): | chunk | chunk | chunk | ... | unused tail |
 *   free chunk:                       | next free chunk (8 bytes, -1: none) | ... |
 * </pre>
 *
 * <p>Pages are taken as a class needs them and kept until {@link #close()} (memcached without its slab rebalancer
 * does the same): the store bounds the bytes its items are charged, the pages follow what each class held at its
 * peak. Thread-safe: each class has its own lock, held for a pop or a push; a page view is shared by every thread
 * and is only used with absolute indices (never its reader or writer index, nor its internal NIO buffer), so
 * threads that work on different chunks of one page do not meet. The bytes of a chunk belong to whoever holds it
 * (the store, under its stripe lock).
 */
final class Slabs implements AutoCloseable {
    static final int MIN_CHUNK = 64;
    static final double FACTOR = 1.25;
    private static final int MIN_PAGE = 1 << 20;
    private static final long NONE = -1;

    private final Arena arena = Arena.ofShared();
    private final int pageSize;
    private final int[] chunkSizes;
    private final SizeClass[] classes;
    private final Object pagesLock = new Object();
    /** Replaced, never changed in place, when it grows: a reader's copy stays valid for the pages it names. */
    private volatile ByteBuf[] pages = new ByteBuf[16];
    private int pageCount;
    private boolean closed;

    /** One size class; its fields only under its own lock. */
    private static final class SizeClass {
        final int chunkSize;
        long freeHead = NONE;
        /** The page chunks are cut from when the free list is empty, and where the next one starts. */
        int bumpPage = -1;
        int bumpOffset;
        long live;

        SizeClass(int chunkSize) {
            this.chunkSize = chunkSize;
        }
    }

    /** @param largestChunk the largest chunk asked for (an item's key, value and CRLF at the store's item limit) */
    Slabs(int largestChunk) {
        this.pageSize = Math.max(MIN_PAGE, Integer.highestOneBit(Math.max(1, largestChunk - 1)) << 1);
        int[] sizes = new int[64];
        int n = 0;
        for (long size = MIN_CHUNK; size <= pageSize / 2; size = (long) Math.ceil(size * FACTOR / 8) * 8) {
            sizes[n++] = (int) size;
        }
        sizes[n++] = pageSize;
        this.chunkSizes = Arrays.copyOf(sizes, n);
        this.classes = new SizeClass[n];
        for (int i = 0; i < n; i++) {
            classes[i] = new SizeClass(chunkSizes[i]);
        }
    }

    int pageSize() {
        return pageSize;
    }

    /** @return the chunk size that holds {@code size} bytes */
    int chunkSize(int size) {
        return chunkSizes[classOf(size)];
    }

    /**
     * @param size bytes needed, at most {@link #pageSize()}
     * @return a chunk of at least {@code size} bytes, its contents undefined
     */
    long allocate(int size) {
        SizeClass c = classes[classOf(size)];
        synchronized (c) {
            long chunk = c.freeHead;
            if (chunk != NONE) {
                c.freeHead = page(chunk).getLong(offset(chunk));
            } else {
                if (c.bumpPage < 0 || c.bumpOffset > pageSize - c.chunkSize) {
                    c.bumpPage = newPage();
                    c.bumpOffset = 0;
                }
                chunk = (long) c.bumpPage << 32 | c.bumpOffset;
                c.bumpOffset += c.chunkSize;
            }
            c.live++;
            return chunk;
        }
    }

    /** Gives back a chunk {@link #allocate}d with the same {@code size}. */
    void free(long chunk, int size) {
        SizeClass c = classes[classOf(size)];
        synchronized (c) {
            page(chunk).setLong(offset(chunk), c.freeHead);
            c.freeHead = chunk;
            c.live--;
        }
    }

    /** The view of the chunk's page: its bytes start at {@link #offset} there. Absolute indices only. */
    ByteBuf page(long chunk) {
        return pages[(int) (chunk >>> 32)];
    }

    static int offset(long chunk) {
        return (int) chunk;
    }

    /** Chunks allocated and not freed. */
    long liveChunks() {
        long n = 0;
        for (SizeClass c : classes) {
            synchronized (c) {
                n += c.live;
            }
        }
        return n;
    }

    /** Bytes of the pages taken so far. */
    long pageBytes() {
        synchronized (pagesLock) {
            return (long) pageCount * pageSize;
        }
    }

    /** Frees every page; no chunk may be used after. Idempotent. */
    @Override
    public void close() {
        synchronized (pagesLock) {
            if (closed) {
                return;
            }
            closed = true;
            pages = new ByteBuf[0];
            pageCount = 0;
        }
        arena.close();
    }

    private int classOf(int size) {
        int i = Arrays.binarySearch(chunkSizes, size);
        if (i < 0) {
            i = -i - 1;
        }
        if (i >= chunkSizes.length || size < 0) {
            throw new IllegalArgumentException("size: " + size + " (expected: 0.." + pageSize + ")");
        }
        return i;
    }

    private int newPage() {
        synchronized (pagesLock) {
            if (closed) {
                throw new IllegalStateException("slabs closed");
            }
            MemorySegment memory = arena.allocate(pageSize, 4096);
            ByteBuf view = Unpooled.wrappedBuffer(memory.asByteBuffer());
            ByteBuf[] p = pages;
            if (pageCount == p.length) {
                p = Arrays.copyOf(p, p.length * 2);
            } else {
                p = p.clone();
            }
            p[pageCount] = view;
            pages = p;
            return pageCount++;
        }
    }
}
