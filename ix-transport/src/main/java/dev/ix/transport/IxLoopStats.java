package dev.ix.transport;

/**
 * A snapshot of one ix loop's counters, taken by {@link IxLoop#stats()} from any thread. Counts are totals since
 * the loop started; values are read without stopping the loop, so two fields may be a moment apart.
 *
 * @param index              the loop's index in its group, from 0
 * @param thread             the loop thread's name ({@code ""} before the loop started)
 * @param alive              false once the loop stopped (shut down, or died: see {@link IxLoop#deathCause()})
 * @param turns              loop turns (one {@code io_uring_enter} each, at most)
 * @param completions        completions handled
 * @param completionsPerTurn histogram of completions per turn: bucket 0 counts turns with none, bucket
 *                           {@code i >= 1} turns with {@code 2^(i-1)} to {@code 2^i - 1}, the last one everything
 *                           above; a fresh array the caller may keep
 * @param enterCalls         {@code io_uring_enter} system calls
 * @param sqFull             times the submission queue was full in the middle of a turn (an extra
 *                           {@code io_uring_enter} made room)
 * @param cqOverflows        turns that found the completion queue overflowed: completions waited in the kernel's
 *                           overflow list because the CQ was full (raise {@code cqEntries} if this grows)
 * @param cqDropped          completions the kernel dropped because it could not even keep them in its overflow
 *                           list (the kernel's {@code cq.overflow}); anything but 0 means lost completions
 * @param mbufsInUse         receive mbufs held by the application now
 * @param mbufsHighWater     the most mbufs held at once
 * @param mbufCount          mbufs in the loop's pool
 * @param mbufEnobufs        times receive paused because every mbuf was held ({@code ENOBUFS})
 * @param mbufLeaksReclaimed mbufs the application dropped without releasing them, found by the garbage collector
 *                           (only those Netty's leak detector tracked: see {@code MbufPool}) and taken back
 * @param bytesReceived      bytes received on the loop's connections
 * @param bytesSent          bytes sent on the loop's connections
 * @param connections        connections registered on the loop now
 * @param connectionsOpened  connections registered on the loop so far
 * @param acceptBackoffs     times a listener on this loop paused accepting because the process ran out of file
 *                           descriptors or memory ({@code EMFILE}, {@code ENFILE}, {@code ENOMEM}, {@code ENOBUFS})
 * @param stalls             loop turns that ran past the stall budget (a handler blocked the loop)
 * @param busyNanos          nanoseconds the loop spent working rather than waiting for completions
 * @param timers             timers scheduled on the loop's timer wheel
 */
public record IxLoopStats(
        int index,
        String thread,
        boolean alive,
        long turns,
        long completions,
        long[] completionsPerTurn,
        long enterCalls,
        long sqFull,
        long cqOverflows,
        long cqDropped,
        int mbufsInUse,
        int mbufsHighWater,
        int mbufCount,
        long mbufEnobufs,
        long mbufLeaksReclaimed,
        long bytesReceived,
        long bytesSent,
        int connections,
        long connectionsOpened,
        long acceptBackoffs,
        long stalls,
        long busyNanos,
        int timers) {
}
