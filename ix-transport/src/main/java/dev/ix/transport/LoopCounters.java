package dev.ix.transport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Event counts of one loop. The loop thread is the only writer of every field but {@link #stalls}, which the
 * {@link LoopMonitor} owns; stores are opaque (no fence on the request path), reads from other threads are opaque
 * and may lag a moment.
 */
final class LoopCounters {
    private static final VarHandle BYTES_RECEIVED;
    private static final VarHandle BYTES_SENT;
    private static final VarHandle CONNECTIONS;
    private static final VarHandle CONNECTIONS_OPENED;
    private static final VarHandle ACCEPT_BACKOFFS;
    private static final VarHandle STALLS;
    private static final VarHandle CQ_OVERFLOW_TURNS;
    private static final VarHandle CQ_DROPPED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            BYTES_RECEIVED = lookup.findVarHandle(LoopCounters.class, "bytesReceived", long.class);
            BYTES_SENT = lookup.findVarHandle(LoopCounters.class, "bytesSent", long.class);
            CONNECTIONS = lookup.findVarHandle(LoopCounters.class, "connections", int.class);
            CONNECTIONS_OPENED = lookup.findVarHandle(LoopCounters.class, "connectionsOpened", long.class);
            ACCEPT_BACKOFFS = lookup.findVarHandle(LoopCounters.class, "acceptBackoffs", long.class);
            STALLS = lookup.findVarHandle(LoopCounters.class, "stalls", long.class);
            CQ_OVERFLOW_TURNS = lookup.findVarHandle(LoopCounters.class, "cqOverflowTurns", long.class);
            CQ_DROPPED = lookup.findVarHandle(LoopCounters.class, "cqDropped", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    private long bytesReceived;
    @SuppressWarnings("unused")
    private long bytesSent;
    @SuppressWarnings("unused")
    private int connections;
    @SuppressWarnings("unused")
    private long connectionsOpened;
    @SuppressWarnings("unused")
    private long acceptBackoffs;
    @SuppressWarnings("unused")
    private long stalls;
    @SuppressWarnings("unused")
    private long cqOverflowTurns;
    @SuppressWarnings("unused")
    private long cqDropped;

    void received(int bytes) {
        BYTES_RECEIVED.setOpaque(this, (long) BYTES_RECEIVED.get(this) + bytes);
    }

    void sent(int bytes) {
        BYTES_SENT.setOpaque(this, (long) BYTES_SENT.get(this) + bytes);
    }

    void connectionOpened() {
        CONNECTIONS.setOpaque(this, (int) CONNECTIONS.get(this) + 1);
        CONNECTIONS_OPENED.setOpaque(this, (long) CONNECTIONS_OPENED.get(this) + 1);
    }

    void connectionClosed() {
        CONNECTIONS.setOpaque(this, (int) CONNECTIONS.get(this) - 1);
    }

    void acceptBackoff() {
        ACCEPT_BACKOFFS.setOpaque(this, (long) ACCEPT_BACKOFFS.get(this) + 1);
    }

    /**
     * Loop thread: a turn found completions waiting in the kernel's overflow list (the CQ was full).
     *
     * @param dropped the kernel's count of completions it had to drop ({@code cq.overflow})
     */
    void cqOverflowTurn(int dropped) {
        CQ_OVERFLOW_TURNS.setOpaque(this, (long) CQ_OVERFLOW_TURNS.get(this) + 1);
        CQ_DROPPED.setOpaque(this, Integer.toUnsignedLong(dropped));
    }

    /** Monitor thread only. */
    void stall() {
        STALLS.setOpaque(this, (long) STALLS.get(this) + 1);
    }

    long bytesReceived() {
        return (long) BYTES_RECEIVED.getOpaque(this);
    }

    long bytesSent() {
        return (long) BYTES_SENT.getOpaque(this);
    }

    int connections() {
        return (int) CONNECTIONS.getOpaque(this);
    }

    long connectionsOpened() {
        return (long) CONNECTIONS_OPENED.getOpaque(this);
    }

    long acceptBackoffs() {
        return (long) ACCEPT_BACKOFFS.getOpaque(this);
    }

    long stalls() {
        return (long) STALLS.getOpaque(this);
    }

    long cqOverflowTurns() {
        return (long) CQ_OVERFLOW_TURNS.getOpaque(this);
    }

    long cqDropped() {
        return (long) CQ_DROPPED.getOpaque(this);
    }
}
