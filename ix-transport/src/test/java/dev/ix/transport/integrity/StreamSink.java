package dev.ix.transport.integrity;

import io.netty.buffer.ByteBuf;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The receiving end of a checked stream: counts and digests (SHA-256) what arrives, in order. Used on one event
 * loop; {@link #finish()} freezes it and the result may then be read from any thread (the future or latch that
 * publishes it orders the reads).
 */
final class StreamSink {
    private final MessageDigest digest = StreamSource.sha256();
    private long bytes;
    private byte[] result;

    /** Digests the readable bytes of {@code buf} without moving its reader index or releasing it. */
    void update(ByteBuf buf) {
        if (result != null) {
            throw new IllegalStateException("bytes after the end of the stream: " + buf.readableBytes());
        }
        int n = buf.readableBytes();
        if (buf.nioBufferCount() == 1) {
            digest.update(buf.nioBuffer(buf.readerIndex(), n));
        } else {
            byte[] copy = new byte[n];
            buf.getBytes(buf.readerIndex(), copy);
            digest.update(copy);
        }
        bytes += n;
    }

    long bytes() {
        return bytes;
    }

    /** Ends the stream (idempotent). */
    void finish() {
        if (result == null) {
            result = digest.digest();
        }
    }

    /** @return the SHA-256 of everything received; only after {@link #finish()} */
    byte[] digest() {
        if (result == null) {
            throw new IllegalStateException("stream not finished");
        }
        return result.clone();
    }

    /**
     * How a received stream compares with the stream sent.
     *
     * @param seed     the sent stream's seed
     * @param expected the sent stream's length
     * @return {@link Verdict#INTACT} when all of it arrived unchanged; {@link Verdict#SHORT} when fewer bytes arrived
     *         but they are the stream's beginning; {@link Verdict#MISMATCHED} otherwise
     */
    Verdict verdict(long seed, long expected) {
        byte[] got = digest();
        if (bytes > expected || !Arrays.equals(got, StreamSource.digestOfPrefix(seed, bytes))) {
            return Verdict.MISMATCHED;
        }
        return bytes == expected ? Verdict.INTACT : Verdict.SHORT;
    }

    /** The three outcomes the issue counts: intact, short (a clean prefix), mismatched. */
    enum Verdict {
        INTACT, SHORT, MISMATCHED
    }
}
