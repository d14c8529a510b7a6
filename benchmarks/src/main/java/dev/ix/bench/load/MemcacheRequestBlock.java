package dev.ix.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A run's memcached requests, drawn from a {@link MemcacheWorkload} once and encoded once into one direct buffer:
 * {@value #SEQUENCE} text-protocol requests ({@code get <key>\r\n} or {@code set <key> 0 0 <bytes>\r\n<value>\r\n}),
 * then its first {@code copies - 1} again, so that any {@code n <= copies} consecutive requests of the cyclic sequence
 * are one contiguous slice:
 * <pre>
 *   request: 0 1 2 … SEQUENCE-1 | 0 1 … copies-2
 * </pre>
 * A connection walks the sequence from its own starting point (its number times {@link #STRIDE}), so connections do
 * not send the same keys in step. With {@value #SEQUENCE} requests a 100 000-key workload touches about 73 % of its keys.
 *
 * <p>Thread-safe once built (slices only read it). The buffer belongs to this object until {@link #release()}.
 */
final class MemcacheRequestBlock implements RequestBlock {

    /** Requests in the cyclic sequence. */
    static final int SEQUENCE = 1 << 17;
    /** How far apart consecutive connections start in the sequence: a prime, so starts spread over all of it. */
    static final int STRIDE = 7_919;
    /** The sequence's seed: every run sends the same requests. */
    private static final long SEED = 0x1C5EEDL;

    private final ByteBuf block;
    /** {@code offsets[i]}: where request {@code i} starts; one entry per request of the block, plus its end. */
    private final int[] offsets;
    private final int copies;
    private final int gets;

    private MemcacheRequestBlock(ByteBuf block, int[] offsets, int copies, int gets) {
        this.block = block;
        this.offsets = offsets;
        this.copies = copies;
        this.gets = gets;
    }

    /**
     * @param workload what to request
     * @param copies   the most requests one slice may hold (the pipeline depth), {@code 1..}{@value #SEQUENCE}
     */
    static MemcacheRequestBlock of(MemcacheWorkload workload, int copies) {
        return of(workload, copies, SEQUENCE);
    }

    /** As {@link #of(MemcacheWorkload, int)} with a sequence of {@code sequence} requests (tests use short ones). */
    static MemcacheRequestBlock of(MemcacheWorkload workload, int copies, int sequence) {
        if (copies < 1 || copies > sequence) {
            throw new IllegalArgumentException("copies: " + copies + " (expected: 1.." + sequence + ")");
        }
        byte[][] requests = sequence(workload, sequence);
        int bytes = offsetOf(requests, sequence);
        int gets = 0;
        for (byte[] r : requests) {
            gets += r[0] == 'g' ? 1 : 0;
        }
        int total = sequence + copies - 1;
        int[] offsets = new int[total + 1];
        ByteBuf block = Unpooled.directBuffer(bytes + offsetOf(requests, copies - 1));
        for (int i = 0; i < total; i++) {
            offsets[i] = block.writerIndex();
            block.writeBytes(requests[i % sequence]);
        }
        offsets[total] = block.writerIndex();
        return new MemcacheRequestBlock(block, offsets, copies, gets);
    }

    /** @return the first {@code sequence} requests of the run's cyclic sequence, drawn from {@link #SEED} */
    private static byte[][] sequence(MemcacheWorkload workload, int sequence) {
        SplittableRandom random = new SplittableRandom(SEED);
        byte[][] requests = new byte[sequence][];
        byte[] value = filler(workload.maxValueSize());
        for (int i = 0; i < sequence; i++) {
            byte[] key = workload.key(workload.keyIndex(random));
            requests[i] = workload.isGet(random) ? get(key) : set(key, value, workload.valueSize(random));
        }
        return requests;
    }

    /**
     * Writes the requests the built-in generator sends ({@value #SEQUENCE} of them, in the same order) for a generator
     * in another process ({@link dev.ix.bench.wrk.Mcload}): each as its length, 4 bytes little-endian, then its bytes.
     */
    static void writeRequestFile(MemcacheWorkload workload, Path file) throws IOException {
        byte[][] requests = sequence(workload, SEQUENCE);
        ByteBuffer out = ByteBuffer.allocate(offsetOf(requests, SEQUENCE) + 4 * SEQUENCE)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] r : requests) {
            out.putInt(r.length).put(r);
        }
        Files.write(file, out.array());
    }

    private static int offsetOf(byte[][] requests, int n) {
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            bytes += requests[i].length;
        }
        return bytes;
    }

    /** @return {@code get <key>\r\n} */
    static byte[] get(byte[] key) {
        byte[] r = new byte[4 + key.length + 2];
        System.arraycopy("get ".getBytes(StandardCharsets.US_ASCII), 0, r, 0, 4);
        System.arraycopy(key, 0, r, 4, key.length);
        r[r.length - 2] = '\r';
        r[r.length - 1] = '\n';
        return r;
    }

    /** @return {@code set <key> 0 0 <size>\r\n} and the first {@code size} bytes of {@code value}, then {@code \r\n} */
    static byte[] set(byte[] key, byte[] value, int size) {
        byte[] head = (" 0 0 " + size + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] r = new byte[4 + key.length + head.length + size + 2];
        System.arraycopy("set ".getBytes(StandardCharsets.US_ASCII), 0, r, 0, 4);
        System.arraycopy(key, 0, r, 4, key.length);
        System.arraycopy(head, 0, r, 4 + key.length, head.length);
        System.arraycopy(value, 0, r, 4 + key.length + head.length, size);
        r[r.length - 2] = '\r';
        r[r.length - 1] = '\n';
        return r;
    }

    /** @return {@code size} printable bytes to cut values from */
    static byte[] filler(int size) {
        byte[] value = new byte[size];
        for (int i = 0; i < size; i++) {
            value[i] = (byte) ('a' + i % 26);
        }
        return value;
    }

    @Override
    public ByteBuf requests(int connection, long sequence, int n) {
        if (connection < 0 || sequence < 0 || n < 1 || n > copies) {
            throw new IllegalArgumentException("connection: " + connection + ", sequence: " + sequence + ", n: " + n
                    + " (expected: >= 0, >= 0, 1.." + copies + ")");
        }
        int length = offsets.length - copies;
        int first = (int) ((connection * (long) STRIDE + sequence) % length);
        return block.retainedSlice(offsets[first], offsets[first + n] - offsets[first]);
    }

    /** @return the requests of the cyclic sequence */
    int sequenceLength() {
        return offsets.length - copies;
    }

    /** @return how many requests of the sequence are GETs */
    int gets() {
        return gets;
    }

    @Override
    public void release() {
        block.release();
    }
}
