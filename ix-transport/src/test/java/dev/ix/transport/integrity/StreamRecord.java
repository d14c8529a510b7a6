package dev.ix.transport.integrity;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What both ends of one checked stream report, for the test thread to judge: the digest of the stream the sender
 * generated, the bytes of the final sender's writes whose promise succeeded, and the receiver's {@link StreamSink}
 * once its channel closed. Written by event loops, read by the test thread after {@link #awaitReceived}.
 */
final class StreamRecord {
    private final Flow.Header header;
    private final AtomicLong acked = new AtomicLong();
    private final CountDownLatch received = new CountDownLatch(1);
    private volatile byte[] sentDigest;
    private volatile StreamSink sink;

    StreamRecord(Flow.Header header) {
        this.header = header;
    }

    Flow.Header header() {
        return header;
    }

    /** The sender generated the whole stream; {@code digest} is its SHA-256. */
    void sent(byte[] digest) {
        sentDigest = digest;
    }

    /** The final sender's write of {@code bytes} succeeded (echo: the server's echo, not the client's upload). */
    void acked(long bytes) {
        acked.addAndGet(bytes);
    }

    /** The receiver reached the end of the stream (its channel closed); {@code sink} is finished. */
    void received(StreamSink sink) {
        this.sink = sink;
        received.countDown();
    }

    boolean awaitReceived(long timeout, TimeUnit unit) throws InterruptedException {
        return received.await(timeout, unit);
    }

    /** @return bytes received so far, or -1 before the receiver finished */
    long receivedBytes() {
        StreamSink s = sink;
        return s == null ? -1 : s.bytes();
    }

    /**
     * @param whole true: every byte must have arrived (contracts a, c, e and the loopback case of d, f); false: a
     *              clean prefix of the stream that holds at least every acknowledged write (contract d, f)
     * @return null when the stream passes, else what went wrong, with the figures
     */
    String problem(boolean whole) {
        StreamSink s = sink;
        byte[] sent = sentDigest;
        long length = header.length();
        String name = "stream " + header.id() + " " + header.flow() + " (" + length + " B, seed " + header.seed()
                + ")";
        if (sent == null) {
            return name + ": the sender never reached the end of the stream";
        }
        if (s == null) {
            return name + ": the receiver never saw the end of the stream";
        }
        StreamSink.Verdict verdict = s.verdict(header.seed(), length);
        String figures = ": " + s.bytes() + " of " + length + " B arrived (" + verdict + "), " + acked.get()
                + " B acknowledged by the sender";
        if (whole) {
            boolean same = s.bytes() == length && Arrays.equals(s.digest(), sent);
            return same ? null : name + figures;
        }
        if (verdict == StreamSink.Verdict.MISMATCHED) {
            return name + figures + ": not a prefix of the stream";
        }
        if (s.bytes() < acked.get()) {
            return name + figures + ": less than the acknowledged writes";
        }
        return null;
    }
}
