package dev.ix.samples;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Checks an echo server end to end, the experiment of issue 9, with nothing but the JDK (no Netty, so the client
 * cannot share a bug with the server): opens N connections at once; on each, sends B pseudo-random bytes in chunks
 * of random size (1 B to 256 KiB) while reading the echo, half-closes ({@code SHUT_WR}), reads until end of stream
 * and compares the SHA-256 of what came back with what was sent. Prints one line:
 *
 * <pre>
 *   intact X/N, short Y (min bytes M), mismatched Z
 * </pre>
 *
 * (short: a clean beginning of the stream, cut; mismatched: bytes that were not sent, or not in that order), then
 * the line of a {@code hello} + {@code SHUT_WR} exchange. Exit status 0 when everything came back intact.
 *
 * <pre>
 *   ./ix echo --transport ix &amp;      (or epoll, io_uring)
 *   ./ix echo-check --connections 200 --bytes 1.3M [--host 127.0.0.1 --port 8007] [--runs 3]
 * </pre>
 */
public final class EchoCheck {
    private static final int MAX_CHUNK = 256 * 1024;

    private EchoCheck() {
    }

    /** Runs the check; see the class comment for {@code args}. */
    public static void main(String[] args) throws Exception {
        EchoCheckOptions options;
        try {
            options = EchoCheckOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("echo-check: " + e.getMessage());
            System.err.print(EchoCheckOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(EchoCheckOptions.USAGE);
            return;
        }
        InetSocketAddress target = new InetSocketAddress(options.host(), options.port());
        boolean allIntact = true;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int run = 0; run < options.runs(); run++) {
                List<Future<Long>> results = new ArrayList<>();
                long base = System.nanoTime();
                for (int i = 0; i < options.connections(); i++) {
                    long seed = base + i;
                    results.add(threads.submit(() -> echo(threads, target, seed, options.bytes())));
                }
                int intact = 0;
                int shortStreams = 0;
                int mismatched = 0;
                long minBytes = Long.MAX_VALUE;
                for (Future<Long> f : results) {
                    long got = f.get();
                    if (got == options.bytes()) {
                        intact++;
                    } else if (got >= 0) {
                        shortStreams++;
                        minBytes = Math.min(minBytes, got);
                    } else {
                        mismatched++;
                    }
                }
                allIntact &= intact == options.connections();
                System.out.printf("intact %d/%d, short %d%s, mismatched %d%n", intact, options.connections(),
                        shortStreams, shortStreams == 0 ? "" : " (min bytes " + minBytes + ")", mismatched);
            }
        }
        allIntact &= hello(target);
        System.exit(allIntact ? 0 : 1);
    }

    /**
     * One connection: sends {@code length} bytes of the stream of {@code seed} while another thread reads the echo.
     *
     * @return bytes that came back when they are the stream's beginning and the digests agree on them (so
     *         {@code length} means intact), or -1 when something came back that was not sent
     */
    private static long echo(ExecutorService threads, InetSocketAddress target, long seed, long length)
            throws Exception {
        try (SocketChannel ch = SocketChannel.open(target)) {
            Future<byte[]> sent = threads.submit(() -> send(ch, seed, length));
            MessageDigest digest = sha256();
            byte[] expected = new byte[64 * 1024];
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            long received = 0;
            boolean mismatch = false;
            try {
                for (int n; (n = ch.read(in.clear())) >= 0; ) {
                    fill(seed, received, expected, n);
                    mismatch |= received + n > length || !Arrays.equals(in.array(), 0, n, expected, 0, n);
                    digest.update(in.array(), 0, n);
                    received += n;
                }
            } catch (IOException reset) {
                // A reset ends the stream as an early EOF would: what arrived is counted, short.
            }
            byte[] sentDigest = sent.get();
            boolean intact = received == length && Arrays.equals(digest.digest(), sentDigest);
            return mismatch || (received == length && !intact) ? -1 : received;
        }
    }

    /** Sends the stream in random chunks, then half-closes; @return the SHA-256 of what was sent */
    private static byte[] send(SocketChannel ch, long seed, long length) throws IOException {
        SplittableRandom chunks = new SplittableRandom(~seed);
        MessageDigest digest = sha256();
        byte[] chunk = new byte[MAX_CHUNK];
        for (long at = 0; at < length; ) {
            int size = (int) Math.min(length - at, chunks.nextInt(1, MAX_CHUNK + 1));
            fill(seed, at, chunk, size);
            digest.update(chunk, 0, size);
            ByteBuffer out = ByteBuffer.wrap(chunk, 0, size);
            while (out.hasRemaining()) {
                ch.write(out);
            }
            at += size;
        }
        ch.shutdownOutput();
        return digest.digest();
    }

    /** {@code hello} + {@code SHUT_WR}: the echo must be {@code hello}, then end of stream. */
    private static boolean hello(InetSocketAddress target) throws IOException {
        try (SocketChannel ch = SocketChannel.open(target)) {
            ch.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
            ch.shutdownOutput();
            ByteBuffer in = ByteBuffer.allocate(64);
            while (ch.read(in) >= 0 && in.hasRemaining()) {
                // read to end of stream
            }
            String echo = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
            boolean ok = echo.equals("hello");
            System.out.println("hello + SHUT_WR: " + (ok ? "hello, then EOF" : "got \"" + echo + "\" (expected: hello)"));
            return ok;
        }
    }

    /** Bytes {@code from .. from + size} of the stream of {@code seed}: position-based, so any prefix can be checked. */
    private static void fill(long seed, long from, byte[] out, int size) {
        long word = mix(seed, from >>> 3);
        for (int i = 0; i < size; i++) {
            long at = from + i;
            if ((at & 7) == 0 && i > 0) {
                word = mix(seed, at >>> 3);
            }
            out[i] = (byte) (word >>> ((at & 7) << 3));
        }
    }

    private static long mix(long seed, long block) {
        long z = seed + (block + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
