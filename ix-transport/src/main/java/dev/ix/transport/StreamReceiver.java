package dev.ix.transport;

import dev.ix.transport.uring.Errno;
import dev.ix.transport.uring.Net;
import dev.ix.transport.uring.Uring;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;

/**
 * The receive side of one {@link IxSocketChannel}: which receive is armed, and what each of its completions does.
 *
 * <p>Streaming (autoRead on, the usual case): one multishot {@code recv} stays armed and hands every filled mbuf to
 * the pipeline; {@code channelReadComplete} fires at the end of the loop's batch.
 *
 * <p>Read loops (autoRead off, or a {@link RecvByteBufAllocator} that asks for reads smaller than an mbuf): Netty's
 * read loop, one single-shot {@code recv} at a time, each capped at the allocator's {@code guess()}; while
 * {@code continueReading()} says so the next {@code recv} goes out with {@code MSG_DONTWAIT} ({@code EAGAIN} ends the
 * loop instead of waiting), and the loop ends with {@code channelReadComplete}. A {@code read()} during a loop is
 * served by the loop's next read, as in Netty's epoll transport.
 *
 * <p>With autoRead off no {@code recv} may be armed, so a one-shot {@code POLLRDHUP} watch notices the peer's
 * shutdown: Netty's native transports then read what is left up to the end of stream, whether or not a
 * {@code read()} is pending.
 *
 * <p>The receive is always in exactly one {@link State}; every change goes through {@link #moveTo}, and only along
 * these transitions (anything else is a bug and throws):
 * <pre>
 * from       to          when
 * IDLE       STREAMING   read wanted with autoRead on and whole-mbuf reads: multishot recv armed
 * IDLE       READING     read wanted otherwise, or the peer shut down: a read loop's first recv armed
 * STREAMING  STOPPING    autoRead went off and was still off before the loop's next io_uring_enter: the
 *                        multishot recv is being cancelled
 * STREAMING  IDLE        the multishot recv ended (cancelled, or no F_MORE after data)
 * STOPPING   IDLE        the cancelled multishot recv's last completion
 * READING    READING     the loop goes on: the next recv, MSG_DONTWAIT
 * READING    IDLE        the loop ended (allocator says stop, EAGAIN, channel closed or cancelled)
 * STREAMING,
 * STOPPING,
 * READING    STARVED     ENOBUFS: the loop's mbufs are all held; waits until some come back
 * STARVED    IDLE        mbufs came back (or the channel left the loop)
 * any        EOF         the peer's FIN was read (recv returned 0): nothing is armed again
 * </pre>
 * A request ({@link #readPending}: a {@code read()} that found the receive busy) and a fact ({@link #peerShutdown}:
 * {@code POLLRDHUP} seen) are kept beside the state, not in it: each holds in any state.
 *
 * <p>Loop thread only, except where a method says otherwise.
 */
final class StreamReceiver {
    /** Where the receive is; see the class comment for the transitions. */
    enum State {
        /** Nothing armed: waiting for a read to be wanted. */
        IDLE,
        /** A multishot recv is armed (autoRead on). */
        STREAMING,
        /** The multishot recv is being cancelled; its last completion has not come yet. */
        STOPPING,
        /** A read loop: one of its single-shot recvs is armed or being handled. */
        READING,
        /** ENOBUFS: waiting for mbufs to come back to the kernel. */
        STARVED,
        /** The peer's FIN was read; terminal. */
        EOF
    }

    private final IxSocketChannel ch;
    private State state = State.IDLE;
    private long recvUserData;
    /** A read() not yet served: it arrived while a receive was armed, paused or a read loop ran. */
    private boolean readPending;
    private int loopReads;
    private long rdHupUserData;
    /** The peer shut its output down (POLLRDHUP): read to the end of stream whatever autoRead says. */
    private boolean peerShutdown;
    /** A channelReadComplete is owed for reads delivered in this batch. */
    private boolean readThisBatch;
    /** {@link #stopIfStillOff} waits for the loop's next io_uring_enter. */
    private boolean stopQueued;
    /** The registration whose loop runs the queued stop: a channel that moved meanwhile is left alone. */
    private IxIoRegistration stopRegistration;
    private final Runnable stopIfStillOff = this::stopIfStillOff;
    /** Multishot recvs cancelled because autoRead went off, for tests and diagnostics. */
    private long streamStops;

    StreamReceiver(IxSocketChannel ch) {
        this.ch = ch;
    }

    State state() {
        return state;
    }

    boolean atEof() {
        return state == State.EOF;
    }

    /** Moves along one of the transitions of the class comment. */
    void moveTo(State next) {
        State s = state;
        boolean allowed = switch (next) {
            case IDLE -> s == State.STREAMING || s == State.STOPPING || s == State.READING || s == State.STARVED;
            case STREAMING -> s == State.IDLE;
            case STOPPING -> s == State.STREAMING;
            case READING -> s == State.IDLE || s == State.READING;
            case STARVED -> s == State.STREAMING || s == State.STOPPING || s == State.READING;
            case EOF -> true;
        };
        if (!allowed) {
            throw new IllegalStateException("receive of " + ch + ": " + s + " -> " + next + " (not a transition)");
        }
        state = next;
    }

    /** Netty's {@code doBeginRead}: a read is wanted. */
    void beginRead() {
        if (!ch.active || state == State.EOF || ch.socket.isInputShutdown() || !ch.reg.isValid()) {
            return;
        }
        switch (state) {
            case STREAMING -> {
                return; // it keeps receiving
            }
            case STOPPING, READING, STARVED -> {
                readPending = true;
                return;
            }
            default -> {
            }
        }
        readPending = false;
        int cap = recvCap();
        if (ch.config().isAutoRead() && cap == 0) {
            moveTo(State.STREAMING);
            armRecv(true, 0, 0);
        } else {
            beginReadLoop(cap);
        }
    }

    /** @return the byte cap the channel's allocator puts on one receive, 0 for a whole mbuf */
    private int recvCap() {
        if (ch.config().getRecvByteBufAllocator() instanceof AdaptiveRecvByteBufAllocator) {
            return 0; // its guesses size heap buffers to save memory; an mbuf is already allocated
        }
        int guess = ch.unsafe().recvBufAllocHandle().guess();
        return guess > 0 && guess < ch.reg.handler.mbufSize() ? guess : 0;
    }

    private void beginReadLoop(int cap) {
        RecvByteBufAllocator.Handle handle = ch.unsafe().recvBufAllocHandle();
        handle.reset(ch.config());
        moveTo(State.READING);
        loopReads = 0;
        armRecv(false, cap, 0);
        watchPeerClose();
    }

    private void armRecv(boolean multishot, int cap, int msgFlags) {
        short ioprio = multishot ? Uring.IORING_RECV_MULTISHOT : 0;
        recvUserData = ch.reg.submit(Uring.IORING_OP_RECV, Uring.IOSQE_BUFFER_SELECT, ioprio, ch.socket.fd(), 0, 0,
                cap, msgFlags, (short) 0, ch.reg.handler.bufferGroup());
    }

    /** Back in IDLE: arm the next receive if autoRead is on, a read() is waiting or the peer shut down. */
    private void receiveEnded() {
        if (!ch.isOpen() || state != State.IDLE || !ch.reg.isValid()) {
            return;
        }
        if (ch.config().isAutoRead() || readPending) {
            beginRead();
        } else if (peerShutdown && ch.active && !ch.socket.isInputShutdown()) {
            beginReadLoop(recvCap());
        }
    }

    private void endReadLoop() {
        moveTo(State.IDLE);
        ch.unsafe().recvBufAllocHandle().readComplete();
        fireReadCompleteNow();
        if (ch.isOpen()) {
            receiveEnded();
            watchPeerClose();
        }
    }

    /** Arms the POLLRDHUP watch when nothing else would notice the peer's shutdown (autoRead off). */
    void watchPeerClose() {
        if (ch.reg == null || !ch.reg.isValid() || !ch.active || ch.config().isAutoRead() || state == State.EOF
                || peerShutdown || rdHupUserData != 0 || !ch.isOpen()) {
            return;
        }
        rdHupUserData = ch.reg.submit(Uring.IORING_OP_POLL_ADD, (byte) 0, (short) 0, ch.socket.fd(), 0, 0, 0,
                Net.POLLRDHUP, (short) 0, (short) 0);
    }

    /** The POLLRDHUP watch completed. */
    void peerClosed(int res) {
        rdHupUserData = 0;
        if (res < 0 || !ch.isOpen() || state == State.EOF) {
            return; // cancelled (close) or already at end of stream
        }
        peerShutdown = true;
        receiveEnded();
    }

    /**
     * autoRead was switched off; on the loop thread. A streaming receive is not cancelled at once: frameworks switch
     * autoRead off and on again around each request (Reactor Netty does, for every HTTP request), and a cancel plus
     * a new multishot recv per request cost more than the request. The decision waits for the loop's next
     * {@code io_uring_enter}; data that arrive meanwhile are delivered, as they are while a cancel is in flight.
     */
    void autoReadCleared() {
        if (state == State.STREAMING) {
            if (!stopQueued) {
                stopQueued = true;
                stopRegistration = ch.reg;
                ch.reg.handler.beforeNextEnter(stopIfStillOff);
            }
            return; // the armed recv sees the end of stream itself: no POLLRDHUP watch yet
        }
        watchPeerClose();
    }

    /** Before the loop's io_uring_enter after autoRead went off: cancel the multishot recv if it is still off. */
    private void stopIfStillOff() {
        stopQueued = false;
        IxIoRegistration r = stopRegistration;
        stopRegistration = null;
        if (state != State.STREAMING || ch.config().isAutoRead() || !ch.isOpen() || ch.reg != r || !r.isValid()) {
            return;
        }
        moveTo(State.STOPPING);
        streamStops++;
        ch.reg.cancelOp(recvUserData);
        watchPeerClose();
    }

    long streamStops() {
        return streamStops;
    }

    /** One completion of the armed recv. */
    void recvComplete(int res, int flags) {
        boolean ended = (flags & Uring.IORING_CQE_F_MORE) == 0;
        if (ended) {
            recvUserData = 0;
        }
        int bid = flags >>> Uring.IORING_CQE_BUFFER_SHIFT;
        if (state == State.IDLE || state == State.STARVED || state == State.EOF) {
            // No recv is armed in these states: a late completion of one cancelled by a close or a deregistration.
            if (res > 0) {
                ch.reg.handler.receivedBuffer(bid, res).release();
            } else if ((flags & Uring.IORING_CQE_F_BUFFER) != 0) {
                ch.reg.handler.returnUnusedBuffer(bid);
            }
            return;
        }
        if (res > 0) {
            ByteBuf buf = ch.reg.handler.receivedBuffer(bid, res);
            if (state == State.READING) {
                loopRead(buf, res);
                return;
            }
            if (ended && (state == State.STREAMING || state == State.STOPPING)) {
                moveTo(State.IDLE);
            }
            if (!ch.isOpen() || ch.closePending()) {
                buf.release();
                return;
            }
            if (!readThisBatch) {
                readThisBatch = true;
                ch.readCompleteLater();
            }
            ch.pipeline().fireChannelRead(buf);
            if (ended) {
                receiveEnded();
            }
            return;
        }
        if ((flags & Uring.IORING_CQE_F_BUFFER) != 0) {
            ch.reg.handler.returnUnusedBuffer(bid);
        }
        boolean loop = state == State.READING;
        if (res == -Errno.EAGAIN && loop) {
            endReadLoop(); // a continuation found nothing more to read
            return;
        }
        if (res == 0) {
            moveTo(State.EOF);
            fireReadCompleteNow();
            ch.inputEnded();
        } else if (res == -Errno.ENOBUFS) {
            fireReadCompleteNow();
            moveTo(State.STARVED);
            // A read() that got nothing still counts as requested, with autoRead off too.
            readPending |= loop && loopReads == 0;
            IxIoRegistration r = ch.reg;
            r.handler.whenBuffersReturn(() -> buffersReturned(r));
        } else {
            moveTo(State.IDLE);
            if (res != -Errno.ECANCELED) {
                fireReadCompleteNow();
                ch.receiveFailed(res);
            } else {
                // Cancelled because autoRead went off (autoRead may be back on, or a read() may have come meanwhile),
                // or because the channel leaves its loop: a read() this loop had not served yet stays wanted.
                readPending |= loop && loopReads == 0;
                receiveEnded();
            }
        }
    }

    /** One read of a read loop: deliver it, then continue the loop or end it. */
    private void loopRead(ByteBuf buf, int bytes) {
        if (!ch.isOpen() || ch.closePending()) {
            buf.release();
            moveTo(State.IDLE);
            return;
        }
        RecvByteBufAllocator.Handle handle = ch.unsafe().recvBufAllocHandle();
        handle.lastBytesRead(bytes);
        handle.incMessagesRead(1);
        loopReads++;
        readPending = false;
        readThisBatch = true;
        ch.pipeline().fireChannelRead(buf);
        if (state != State.READING) {
            return; // the channel left the loop or closed from inside the handler
        }
        if (!ch.isOpen() || ch.socket.isInputShutdown() || !ch.reg.isValid()) {
            moveTo(State.IDLE);
            fireReadCompleteNow();
        } else if (handle.continueReading() || peerShutdown) {
            moveTo(State.READING);
            armRecv(false, recvCap(), Net.MSG_DONTWAIT);
        } else {
            endReadLoop();
        }
    }

    private void buffersReturned(IxIoRegistration r) {
        if (state != State.STARVED || r != ch.reg) {
            return; // the channel left this loop meanwhile: its new loop's receive owes nothing to this one
        }
        moveTo(State.IDLE);
        receiveEnded();
    }

    void fireReadCompleteNow() {
        if (readThisBatch) {
            readThisBatch = false;
            ch.pipeline().fireChannelReadComplete();
        }
    }

    /** Queues cancellation of the armed recv and the POLLRDHUP watch (their completions still arrive). */
    void cancel() {
        IxIoRegistration r = ch.reg;
        if (recvUserData != 0) {
            r.cancelOp(recvUserData);
        }
        if (rdHupUserData != 0) {
            r.cancelOp(rdHupUserData);
        }
    }

    /** The channel is registered with a (new) loop: a read() that the loop it left had not served is served now. */
    void attached() {
        if (state == State.IDLE && readPending) {
            beginRead();
        }
    }

    /**
     * The channel left its loop and every completion of its receive has come: nothing is armed any more, so the next
     * registration starts from IDLE (unless the stream has ended) and arms what it needs.
     */
    void detached() {
        recvUserData = 0;
        rdHupUserData = 0;
        if (state != State.EOF && state != State.IDLE) {
            state = State.IDLE; // the one move outside the table: the loop that owned the armed op is gone
        }
    }
}
