package dev.ix.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Stores every key of a {@link MemcacheWorkload} in a memcached-protocol server before it is measured, then checks
 * that the server has them: a sample of GETs must all hit. Plain JDK sockets on the calling thread, SETs pipelined
 * {@value #BATCH} at a time (each batch's answers read before the next is sent, so neither side's buffers fill), the
 * answers parsed by the generator's own {@link MemcacheResponseParser}.
 */
public final class MemcachePreload {

    /** Requests written before their answers are read. */
    static final int BATCH = 256;
    /** GETs of random keys that must hit after the preload. */
    public static final int SAMPLE = 1_000;
    private static final long SAMPLE_SEED = 0x5A3913L;

    /**
     * What a preload did.
     *
     * @param stored  SETs answered STORED: every key
     * @param sampled GETs sent after the preload
     * @param hits    of those, how many found their key
     * @param seconds how long it took
     */
    public record Result(int stored, int sampled, long hits, double seconds) {
    }

    private MemcachePreload() {
    }

    /**
     * @param timeout for connecting, and for each read
     * @return what was stored and found
     * @throws IOException if the server cannot be reached, answers a SET with anything but STORED, answers in a way
     *                     the parser refuses, or misses a sampled key
     */
    public static Result run(String host, int port, MemcacheWorkload workload, Duration timeout) throws IOException {
        long start = System.nanoTime();
        int millis = Math.toIntExact(Math.max(1, timeout.toMillis()));
        SplittableRandom sizes = new SplittableRandom(workload.keys());
        byte[] value = MemcacheRequestBlock.filler(workload.maxValueSize());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            socket.setTcpNoDelay(true);
            Answers answers = new Answers(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            ByteBuf batch = Unpooled.buffer(BATCH * 64);
            for (int first = 0; first < workload.keys(); first += BATCH) {
                int n = Math.min(BATCH, workload.keys() - first);
                batch.clear();
                for (int k = first; k < first + n; k++) {
                    batch.writeBytes(MemcacheRequestBlock.set(workload.key(k), value, workload.valueSize(sizes)));
                }
                out.write(batch.array(), batch.arrayOffset(), batch.readableBytes());
                answers.await(n);
                if (answers.notOk > 0) {
                    throw new IOException("a SET of key " + first + ".." + (first + n - 1) + " was not STORED"
                            + " (status " + answers.lastStatus + ")");
                }
            }
            SplittableRandom picks = new SplittableRandom(SAMPLE_SEED);
            long missesBefore = answers.parser.misses();
            int notOkBefore = answers.notOk;
            for (int sent = 0; sent < SAMPLE; sent += BATCH) {
                int n = Math.min(BATCH, SAMPLE - sent);
                batch.clear();
                for (int k = 0; k < n; k++) {
                    batch.writeBytes(MemcacheRequestBlock.get(workload.key(workload.keyIndex(picks))));
                }
                out.write(batch.array(), batch.arrayOffset(), batch.readableBytes());
                answers.await(n);
            }
            long misses = answers.parser.misses() - missesBefore;
            long failed = answers.notOk - notOkBefore - misses;
            Result result = new Result(workload.keys(), SAMPLE, SAMPLE - misses, (System.nanoTime() - start) / 1e9);
            if (misses > 0 || failed > 0) {
                throw new IOException("after storing " + workload.keys() + " keys, " + misses + " of " + SAMPLE
                        + " sampled GETs missed and " + failed + " failed (the server must hold every key:"
                        + " is its memory, -m, large enough?)");
            }
            return result;
        }
    }

    /** Reads answers from the connection until as many as asked for have come. */
    private static final class Answers implements ResponseDecoder.Listener {
        final MemcacheResponseParser parser = new MemcacheResponseParser();
        private final InputStream in;
        private final byte[] buffer = new byte[64 * 1024];
        private final ByteBuf wrapped = Unpooled.wrappedBuffer(buffer);
        private int count;
        int notOk;
        int lastStatus;

        Answers(InputStream in) {
            this.in = in;
        }

        void await(int n) throws IOException {
            count = 0;
            while (count < n) {
                int r = in.read(buffer);
                if (r < 0) {
                    throw new IOException("the server closed the connection after " + count + " of " + n + " answers");
                }
                wrapped.setIndex(0, r);
                if (!parser.feed(wrapped, this)) {
                    throw new IOException("bad answer: " + parser.error());
                }
            }
            if (count > n) {
                throw new IOException(count + " answers to " + n + " requests");
            }
        }

        @Override
        public void response(int status, boolean keepAlive) {
            count++;
            lastStatus = status;
            if (status != MemcacheResponseParser.OK_STATUS) {
                notOk++;
            }
        }
    }
}
