package dev.ix.transport.uring;

import java.util.Arrays;

/**
 * SQEs that found the submission queue full while the kernel took nothing more (it answers {@code io_uring_enter}
 * with {@code EBUSY} while completions overflow its CQ). They wait here, in order, and move into the queue at the
 * next publish; every SQE written after one of them waits too, so the kernel sees SQEs in the order they were
 * queued. A FIFO of packed fields that grows and never shrinks: the backlog is rare and short.
 *
 * <pre>
 * one entry: WORDS longs
 *   0 opcode | flags << 8 | ioprio << 16 | fd << 32     1 off     2 addr
 *   3 len | opFlags << 32                                4 user_data     5 buf_group | splice_fd_in << 32
 * </pre>
 *
 * Owner thread of the ring only.
 */
final class SqeBacklog {
    private static final int WORDS = 6;

    private long[] entries = new long[16 * WORDS];
    private int head;
    private int size;
    private long total;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** @return SQEs ever backlogged */
    long total() {
        return total;
    }

    void add(byte opcode, byte flags, short ioprio, int fd, long off, long addr, int len, int opFlags, long userData,
             short bufGroup, int spliceFdIn) {
        if ((head + size + 1) * WORDS > entries.length) {
            compactOrGrow();
        }
        int e = (head + size) * WORDS;
        long[] a = entries;
        a[e] = Byte.toUnsignedLong(opcode) | Byte.toUnsignedLong(flags) << 8 | Short.toUnsignedLong(ioprio) << 16
                | (long) fd << 32;
        a[e + 1] = off;
        a[e + 2] = addr;
        a[e + 3] = Integer.toUnsignedLong(len) | (long) opFlags << 32;
        a[e + 4] = userData;
        a[e + 5] = Short.toUnsignedLong(bufGroup) | (long) spliceFdIn << 32;
        size++;
        total++;
    }

    /**
     * @return how many entries, from the oldest, form one linked group: each but the last carries
     *         {@code IOSQE_IO_LINK}, and the kernel links only SQEs of the same submission, so they move together
     */
    int firstGroupSize() {
        int n = 1;
        for (int i = head; i < head + size - 1; i++) {
            byte flags = (byte) (entries[i * WORDS] >>> 8);
            if ((flags & Uring.IOSQE_IO_LINK) == 0) {
                break;
            }
            n++;
        }
        return n;
    }

    /** Writes the oldest entry into {@code sq}, which must have room, and forgets it. */
    void moveFirstTo(SubmissionQueue sq) {
        int e = head * WORDS;
        long[] a = entries;
        long w0 = a[e];
        long w3 = a[e + 3];
        long w5 = a[e + 5];
        sq.write((byte) w0, (byte) (w0 >>> 8), (short) (w0 >>> 16), (int) (w0 >>> 32), a[e + 1], a[e + 2], (int) w3,
                (int) (w3 >>> 32), a[e + 4], (short) w5, (int) (w5 >>> 32));
        head++;
        if (--size == 0) {
            head = 0;
        }
    }

    private void compactOrGrow() {
        if (head > 0) {
            System.arraycopy(entries, head * WORDS, entries, 0, size * WORDS);
            head = 0;
        }
        if ((size + 1) * WORDS > entries.length) {
            entries = Arrays.copyOf(entries, entries.length * 2);
        }
    }
}
