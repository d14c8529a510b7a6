package dev.ix.transport;

import dev.ix.transport.uring.Errno;
import dev.ix.transport.uring.LibC;
import dev.ix.transport.uring.NativeIoException;
import dev.ix.transport.uring.Uring;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;

/**
 * What the ix server and client channels share: the socket, the registration with an {@link IxIoHandler}, the
 * dispatch of completions to the channel's own loop thread, and a close that waits for in-flight writes (the kernel
 * may still read their buffers) before Netty releases them.
 */
abstract class AbstractIxChannel extends AbstractChannel {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AbstractIxChannel.class);
    static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    final IxSocket socket;
    /** Netty's wrapper, used to cancel (it counts registrations for the loop). */
    private IoRegistration registration;
    /** Ours, for submitting SQEs without allocating. */
    IxIoRegistration reg;
    volatile boolean active;
    InetSocketAddress local;
    InetSocketAddress remote;

    AbstractIxChannel(Channel parent, IxSocket socket, boolean active) {
        super(parent);
        this.socket = socket;
        this.active = active;
        if (active) {
            local = socket.localAddress();
            remote = socket.remoteAddress();
        }
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop l && l.isCompatible(IxUnsafe.class);
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((IxUnsafe) unsafe()).addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                reg = registration.attachment();
                registered();
                promise.setSuccess();
            } else {
                promise.setFailure(f.cause());
            }
        });
    }

    /**
     * Leaves the loop. A channel that stays open (to be registered with another loop) first lets every operation it
     * has in flight complete on this loop: data its receive already took from the socket reach the pipeline before
     * {@code channelUnregistered}, and what arrives later stays in the socket for the next loop, as with epoll.
     */
    @Override
    protected void doDeregister() {
        IoRegistration r = registration;
        if (r != null) {
            cancelOperations();
            r.cancel();
            IxIoRegistration ours = reg;
            if (isOpen() && ours != null) {
                if (ours.handler.awaitCompletions(ours)) {
                    detached();
                } else {
                    logger.warn("{} left its loop with operations still in flight; data they receive are dropped",
                            this);
                }
            }
        }
    }

    /**
     * The channel left its loop while open (see {@link #doDeregister}) and every completion of what it had armed
     * there has come: nothing is armed any more. Not called for a closed channel, whose cancelled operations may
     * still complete.
     */
    void detached() {
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(checkAddress(localAddress));
        local = socket.localAddress();
    }

    static InetSocketAddress checkAddress(SocketAddress address) {
        if (!(address instanceof InetSocketAddress inet)) {
            throw new IllegalArgumentException("address: " + address + " (expected: an InetSocketAddress)");
        }
        return inet;
    }

    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    @Override
    protected void doClose() throws Exception {
        active = false;
        cancelOperations();
        IxIoRegistration r = reg;
        if (r != null && r.isValid() && r.handler.inLoop()) {
            // Not close(2) now: an SQE queued earlier in this turn still names the fd by number, and the number
            // could be reused by an accept before that SQE is submitted. The ring closes it in order instead.
            int fd = socket.closeLater();
            if (fd >= 0 && r.submit(Uring.IORING_OP_CLOSE, (byte) 0, (short) 0, fd, 0, 0, 0, 0, (short) 0,
                    (short) 0) == 0) {
                LibC.close(fd);
            }
        } else {
            socket.close();
        }
    }

    /** Queues cancellation of every operation this channel has in flight (their completions still arrive). */
    abstract void cancelOperations();

    /** Whether an operation is in flight whose memory Netty would free on close (a write). */
    abstract boolean closeMustWait();

    /** One completion of an operation this channel submitted, on its loop thread. */
    abstract void complete(byte opcode, int res, int flags, short data);

    /** Called when the last completion of the batch has been handled, if {@link #readCompleteLater} asked. */
    abstract void batchEnd();

    void readCompleteLater() {
        reg.handler.atBatchEnd(reg);
    }

    /** The channel is registered with its loop: {@link #reg} is set. */
    void registered() {
    }

    /** Autoread was switched off: stop receiving beyond what the kernel has already delivered. */
    abstract void autoReadCleared();

    /** The handle registered with the loop: receives completions and runs the (possibly delayed) close. */
    abstract class IxUnsafe extends AbstractUnsafe implements IxIoHandle {
        private DelayedClose delayedClose;

        @Override
        public final void batchEnd() {
            AbstractIxChannel.this.batchEnd();
        }

        @Override
        public final void handle(IoRegistration registration, IoEvent ioEvent) {
            IxIoEvent e = (IxIoEvent) ioEvent;
            if (registration != reg) {
                staleCompletion((IxIoRegistration) registration, e);
                return;
            }
            if (e.opcode() == Uring.IORING_OP_CLOSE) {
                if (e.res() < 0) {
                    logger.debug("{}: close failed with {}", AbstractIxChannel.this, Errno.name(-e.res()));
                }
            } else {
                complete(e.opcode(), e.res(), e.flags(), e.data());
            }
            if (delayedClose != null && !closeMustWait()) {
                DelayedClose d = delayedClose;
                delayedClose = null;
                super.close(d.promise, d.cause, d.closeCause);
            }
        }

        @Override
        public final void close() {
            close(voidPromise());
        }

        @Override
        protected void close(ChannelPromise promise, Throwable cause, ClosedChannelException closeCause) {
            if (closeMustWait()) {
                if (delayedClose == null) {
                    delayedClose = new DelayedClose(promise.isVoid() ? newPromise() : promise, cause, closeCause);
                    cancelOperations();
                } else if (!promise.isVoid()) {
                    delayedClose.promise.addListener(f -> {
                        if (f.isSuccess()) {
                            promise.trySuccess();
                        } else {
                            promise.tryFailure(f.cause());
                        }
                    });
                }
                return;
            }
            super.close(promise, cause, closeCause);
        }

        /** @return true while a close waits for an in-flight write: no new write may start */
        final boolean closePending() {
            return delayedClose != null;
        }

        void failAndClose(Throwable cause) {
            if (isOpen()) {
                pipeline().fireExceptionCaught(cause);
                close(voidPromise());
            }
        }
    }

    /**
     * A completion of an operation submitted before the channel was deregistered from that loop: it must not run
     * the pipeline (which now belongs to another loop, or to none), but a selected mbuf must go back to its pool.
     */
    private void staleCompletion(IxIoRegistration old, IxIoEvent e) {
        if ((e.flags() & Uring.IORING_CQE_F_BUFFER) != 0) {
            old.handler.returnUnusedBuffer(e.flags() >>> Uring.IORING_CQE_BUFFER_SHIFT);
            if (e.res() > 0) {
                logger.warn("{}: {} byte(s) received after the channel left its loop were dropped: its receive did"
                        + " not answer the cancellation while the channel waited (see the warning when it left)",
                        this, e.res());
            }
        }
    }

    private record DelayedClose(ChannelPromise promise, Throwable cause, ClosedChannelException closeCause) {
    }

    static IOException errnoException(String call, int negativeErrno) {
        return new NativeIoException(call, -negativeErrno);
    }

    static void logUnexpected(String what, Throwable t) {
        logger.debug(what, t);
    }
}
