package dev.ix.bench.jmh;

import dev.ix.transport.uring.CompletionQueue;
import dev.ix.transport.uring.NativeIoException;
import dev.ix.transport.uring.Ring;
import dev.ix.transport.uring.SubmissionQueue;
import dev.ix.transport.uring.Uring;

/**
 * A ring set up as {@code IxIoHandler} sets up its own ({@code SINGLE_ISSUER | DEFER_TASKRUN | R_DISABLED |
 * SUBMIT_ALL}, enabled on the calling thread, which becomes its only issuer), driven with {@code IORING_OP_NOP}s.
 * Owner thread only.
 *
 * <p>It is its own {@link CompletionQueue.Handler}, so reaping passes no lambda and allocates nothing.
 */
final class NopRing implements CompletionQueue.Handler, AutoCloseable {
    static final int SETUP_FLAGS = Uring.IORING_SETUP_SINGLE_ISSUER | Uring.IORING_SETUP_DEFER_TASKRUN
            | Uring.IORING_SETUP_R_DISABLED | Uring.IORING_SETUP_SUBMIT_ALL;

    private final Ring ring;
    private final SubmissionQueue sq;
    private final CompletionQueue cq;
    private long nextUserData;
    private long completed;
    private long failed;

    private NopRing(Ring ring) {
        this.ring = ring;
        this.sq = ring.submissionQueue();
        this.cq = ring.completionQueue();
    }

    /**
     * Opens and enables a ring on the calling thread.
     *
     * @param sqEntries submission queue size: at least the largest batch, so no SQE is submitted early
     */
    static NopRing open(int sqEntries) throws NativeIoException {
        Ring ring = Ring.open(sqEntries, 2 * sqEntries, SETUP_FLAGS);
        try {
            ring.enable();
        } catch (NativeIoException | RuntimeException e) {
            ring.close();
            throw e;
        }
        return new NopRing(ring);
    }

    /**
     * Queues {@code count} NOPs, submits them with one {@code io_uring_enter} and reaps their completions. A NOP
     * completes while it is submitted, so the same call finds its CQEs; the loop waits only if one is late.
     *
     * @return completions reaped
     */
    int nops(int count) throws NativeIoException {
        for (int i = 0; i < count; i++) {
            sq.enqueue(Uring.IORING_OP_NOP, (byte) 0, (short) 0, -1, 0, 0, 0, 0, nextUserData++, (short) 0);
        }
        ring.submitAndGet(false, 0);
        int reaped = cq.reap(this, count);
        while (reaped < count) {
            ring.submitAndGet(true, 1_000_000L);
            reaped += cq.reap(this, count - reaped);
        }
        return reaped;
    }

    @Override
    public void complete(long userData, int res, int flags) {
        completed++;
        if (res != 0) {
            failed++;
        }
    }

    /** @return NOP completions reaped so far */
    long completed() {
        return completed;
    }

    /** @return completions with a non-zero result (an error) so far */
    long failed() {
        return failed;
    }

    /** @return {@code io_uring_enter} calls so far */
    long enterCalls() {
        return ring.enterCalls();
    }

    @Override
    public void close() {
        ring.close();
    }
}
