package dev.ix.transport.uring;

import dev.ix.transport.test.RequiresIoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@RequiresIoUring
class RingTest {
    private static final int FLAGS = Uring.IORING_SETUP_SINGLE_ISSUER | Uring.IORING_SETUP_DEFER_TASKRUN
            | Uring.IORING_SETUP_SUBMIT_ALL;

    private Ring ring;

    @BeforeEach
    void open() throws NativeIoException {
        ring = Ring.open(8, 16, FLAGS);
    }

    @AfterEach
    void close() {
        if (ring != null) {
            ring.close();
        }
    }

    private void nop(long userData) throws NativeIoException {
        ring.submissionQueue().enqueue(Uring.IORING_OP_NOP, (byte) 0, (short) 0, -1, 0, 0, 0, 0, userData, (short) 0);
    }

    private List<Long> reapAll(int limit) {
        List<Long> seen = new ArrayList<>();
        ring.completionQueue().reap((userData, res, flags) -> {
            assertThat(res).isZero();
            seen.add(userData);
        }, limit);
        return seen;
    }

    @Test
    void queuesWrapAroundManyTimesInOrder() throws NativeIoException {
        List<Long> seen = new ArrayList<>();
        long next = 0;
        // 8-entry SQ and 16-entry CQ: 1000 operations wrap both rings over a hundred times.
        while (next < 1000) {
            for (int i = 0; i < 5; i++) {
                nop(next++);
            }
            ring.submitAndGet(false, 0);
            seen.addAll(reapAll(Integer.MAX_VALUE));
        }
        while (seen.size() < 1000) {
            ring.submitAndGet(true, 100_000_000L);
            seen.addAll(reapAll(Integer.MAX_VALUE));
        }
        assertThat(seen).hasSize(1000);
        for (int i = 0; i < seen.size(); i++) {
            assertThat(seen.get(i)).isEqualTo(i);
        }
    }

    @Test
    void fullSubmissionQueueIsSubmittedEarlyAndNothingIsLost() throws NativeIoException {
        // 100 SQEs into an 8-entry SQ without a turn in between: the SQ submits early; 100 completions exceed the
        // 16-entry CQ, which the kernel's no-drop overflow list must hold until we reap.
        for (long i = 0; i < 100; i++) {
            nop(i);
        }
        assertThat(ring.submissionQueue().earlySubmits()).isGreaterThan(0);
        List<Long> seen = new ArrayList<>();
        while (seen.size() < 100) {
            ring.submitAndGet(seen.isEmpty() && ring.completionQueue().ready() == 0, 100_000_000L);
            seen.addAll(reapAll(Integer.MAX_VALUE));
        }
        assertThat(seen).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(seen.get(i)).isEqualTo(i);
        }
    }

    @Test
    void sqesTheKernelRefusesWaitInTheBacklogAndGoOutInOrder() throws NativeIoException {
        // A ring that is not enabled yet refuses io_uring_enter (EBADFD), as a kernel pushing back would: the SQEs
        // past the 8 the queue holds must wait, in order, instead of failing the caller or being dropped.
        ring.close();
        ring = Ring.open(8, 16, FLAGS | Uring.IORING_SETUP_R_DISABLED);
        for (long i = 0; i < 20; i++) {
            nop(i);
        }
        SubmissionQueue sq = ring.submissionQueue();
        assertThat(sq.backlogged()).isEqualTo(12);
        assertThat(sq.pending()).isEqualTo(20);
        assertThat(sq.allConsumed()).isFalse();
        ring.enable();
        nop(20); // queued behind the backlog, not ahead of it
        List<Long> seen = new ArrayList<>();
        for (int round = 0; round < 1000 && seen.size() < 21; round++) {
            ring.submitAndGet(ring.completionQueue().ready() == 0 && sq.pending() == 0, 100_000_000L);
            seen.addAll(reapAll(Integer.MAX_VALUE));
        }
        assertThat(seen).hasSize(21);
        for (int i = 0; i < seen.size(); i++) {
            assertThat(seen.get(i)).isEqualTo(i);
        }
        assertThat(sq.allConsumed()).isTrue();
    }

    @Test
    void aLinkedGroupThatDoesNotFitWaitsWholeInTheBacklog() throws NativeIoException {
        // 7 of 8 entries taken and the kernel refusing (ring not enabled): a group of two linked SQEs must not put
        // its first half in the last free entry, where a submission could take it without its partner.
        ring.close();
        ring = Ring.open(8, 16, FLAGS | Uring.IORING_SETUP_R_DISABLED);
        SubmissionQueue sq = ring.submissionQueue();
        for (long i = 0; i < 7; i++) {
            nop(i);
        }
        sq.reserve(2);
        sq.enqueue(Uring.IORING_OP_NOP, Uring.IOSQE_IO_LINK, (short) 0, -1, 0, 0, 0, 0, 7, (short) 0);
        nop(8);
        nop(9);
        assertThat(sq.backlogged()).as("the group and what follows it").isEqualTo(3);
        ring.enable();
        List<Long> seen = new ArrayList<>();
        for (int round = 0; round < 1000 && seen.size() < 10; round++) {
            ring.submitAndGet(ring.completionQueue().ready() == 0 && sq.pending() == 0, 100_000_000L);
            seen.addAll(reapAll(Integer.MAX_VALUE));
        }
        // A linked SQE starts when the one before it completes, so 9 (not linked) may overtake 8.
        assertThat(seen).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(seen.subList(0, 7)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(seen.indexOf(7L)).isLessThan(seen.indexOf(8L));
    }

    @Test
    void reapHonoursTheBatchLimitAndKeepsTheRestForLater() throws NativeIoException {
        for (long i = 0; i < 7; i++) {
            nop(i);
        }
        ring.submitAndGet(false, 0);
        while (ring.completionQueue().ready() < 7) {
            ring.submitAndGet(true, 100_000_000L);
        }
        assertThat(reapAll(3)).containsExactly(0L, 1L, 2L);
        assertThat(ring.completionQueue().ready()).isEqualTo(4);
        assertThat(reapAll(3)).containsExactly(3L, 4L, 5L);
        assertThat(reapAll(3)).containsExactly(6L);
        assertThat(ring.completionQueue().ready()).isZero();
    }

    @Test
    void timedWaitReturnsWhenNothingCompletes() throws NativeIoException {
        assertThat(ring.submitAndGet(true, 1_000_000L)).isZero();
        assertThat(ring.completionQueue().ready()).isZero();
    }

    @Test
    void probeReportsTheOpcodesIxNeeds() throws NativeIoException {
        Probe probe = Probe.of(ring.fd());
        assertThat(probe.supports(Uring.IORING_OP_ACCEPT)).isTrue();
        assertThat(probe.supports(Uring.IORING_OP_RECV)).isTrue();
        assertThat(probe.supports(Uring.IORING_OP_SENDMSG)).isTrue();
        assertThat(probe.supports(255)).isFalse();
    }

    @Test
    void setupErrorsNameTheCallAndErrno() {
        try {
            Ring.open(0, 0, FLAGS);
        } catch (NativeIoException e) {
            assertThat(e.errno()).isEqualTo(Errno.EINVAL);
            assertThat(e.getMessage()).contains("io_uring_setup(entries=0").contains("EINVAL");
            return;
        }
        throw new AssertionError("io_uring_setup with 0 entries must fail");
    }
}
