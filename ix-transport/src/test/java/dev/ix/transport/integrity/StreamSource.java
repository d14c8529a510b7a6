package dev.ix.transport.integrity;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * One checked stream: {@code length} pseudo-random bytes cut into chunks of random size ({@value #MIN_CHUNK} B to
 * {@value #MAX_CHUNK} B), with a running SHA-256 of everything handed out.
 *
 * <p>The content depends only on the seed and the position (byte {@code i} is byte {@code i & 7} of a mix of the
 * seed and {@code i >>> 3}), not on how the stream is cut: any prefix can be regenerated without the chunking, so a
 * receiver that got fewer bytes can still tell whether what it got is a prefix of the stream
 * ({@link #digestOfPrefix(long, long)}). The chunk sizes come from a second generator on the same seed.
 *
 * <p>Not thread-safe: one writer (an event loop) uses it.
 */
final class StreamSource {
    static final int MIN_CHUNK = 1;
    static final int MAX_CHUNK = 256 * 1024;

    private final long seed;
    private final long length;
    private final SplittableRandom chunks;
    private final MessageDigest digest = sha256();
    private final byte[] scratch;
    private long position;

    StreamSource(long seed, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
        }
        this.seed = seed;
        this.length = length;
        this.chunks = new SplittableRandom(seed ^ 0x5DEECE66DL);
        this.scratch = new byte[(int) Math.min(MAX_CHUNK, Math.max(length, 1))];
    }

    long length() {
        return length;
    }

    /** @return bytes handed out so far */
    long position() {
        return position;
    }

    boolean hasNext() {
        return position < length;
    }

    /** @return the next chunk in a new direct buffer the caller owns (for a write) */
    ByteBuf next(ByteBufAllocator alloc) {
        int size = nextSize();
        ByteBuf buf = alloc.directBuffer(size);
        buf.writeBytes(scratch, 0, size);
        return buf;
    }

    /** @return the size of the next chunk, whose bytes are now in {@code scratch[0..size)} */
    int nextSize() {
        if (!hasNext()) {
            throw new IllegalStateException("stream of " + length + " byte(s) exhausted");
        }
        int size = (int) Math.min(length - position, chunks.nextInt(MIN_CHUNK, scratch.length + 1));
        fill(seed, position, scratch, size);
        digest.update(scratch, 0, size);
        position += size;
        return size;
    }

    /** @return the bytes of the last {@link #nextSize()} (valid until the next call) */
    byte[] scratch() {
        return scratch;
    }

    /** @return SHA-256 of every byte handed out so far (call once, at the end) */
    byte[] digest() {
        return digest.digest();
    }

    /** @return SHA-256 of the first {@code n} bytes of the stream of {@code seed}, whatever its chunking */
    static byte[] digestOfPrefix(long seed, long n) {
        MessageDigest d = sha256();
        byte[] block = new byte[64 * 1024];
        for (long at = 0; at < n; ) {
            int size = (int) Math.min(block.length, n - at);
            fill(seed, at, block, size);
            d.update(block, 0, size);
            at += size;
        }
        return d.digest();
    }

    /** Writes bytes {@code from .. from + size} of the stream of {@code seed} into {@code out[0..size)}. */
    static void fill(long seed, long from, byte[] out, int size) {
        long word = mix(seed, from >>> 3);
        for (int i = 0; i < size; i++) {
            long at = from + i;
            int shift = (int) (at & 7);
            if (shift == 0 && i > 0) {
                word = mix(seed, at >>> 3);
            }
            out[i] = (byte) (word >>> (shift << 3));
        }
    }

    /** SplitMix64's finalizer over seed and block number: cheap, and no two nearby blocks look alike. */
    private static long mix(long seed, long block) {
        long z = seed + (block + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
