package dev.ix.transport;

import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;

/**
 * The registration of one {@link IxIoHandle} with its loop. Tracks the operations in flight so the handle is
 * released only after the kernel has answered all of them: a completion never reaches a recycled registration id.
 *
 * <p>{@link #attachment()} is this object itself, so a channel holding Netty's wrapper can reach the fast
 * {@link #submit(byte, byte, short, int, long, long, int, int, short, short)} without allocating an {@link IoOps}.
 * Everything except {@link #isValid()} and {@link #cancel()} must be called on the loop thread.
 */
final class IxIoRegistration implements IoRegistration {
    final IxIoHandler handler;
    final IxIoHandle handle;
    final int id;
    int inFlight;
    private volatile boolean cancelled;
    boolean removed;

    IxIoRegistration(IxIoHandler handler, IxIoHandle handle, int id) {
        this.handler = handler;
        this.handle = handle;
        this.id = id;
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T attachment() {
        return (T) this;
    }

    @Override
    public long submit(IoOps ops) {
        if (!(ops instanceof IxIoOps o)) {
            throw new IllegalArgumentException("ops: " + ops + " (expected: " + IxIoOps.class.getName() + ")");
        }
        return submit(o.opcode(), o.flags(), o.ioprio(), o.fd(), o.off(), o.addr(), o.len(), o.opFlags(), o.data(),
                o.bufGroup());
    }

    /**
     * Queues one SQE for this handle; it reaches the kernel at the end of the loop turn.
     *
     * @return the {@code user_data} of the SQE (to cancel it), or 0 when the registration is no longer valid
     */
    long submit(byte opcode, byte flags, short ioprio, int fd, long off, long addr, int len, int opFlags, short data,
                short bufGroup) {
        if (cancelled) {
            return 0;
        }
        long userData = handler.enqueue(this, opcode, flags, ioprio, fd, off, addr, len, opFlags, data, bufGroup);
        inFlight++;
        return userData;
    }

    /**
     * Queues one {@code IORING_OP_SPLICE} of {@code len} bytes from {@code fdIn} (at {@code offIn}, -1 for a pipe)
     * to {@code fdOut} (at {@code offOut}, -1 for a pipe or socket).
     *
     * @return the {@code user_data} of the SQE, or 0 when the registration is no longer valid
     */
    long submitSplice(byte flags, int fdOut, long offOut, int fdIn, long offIn, int len, int spliceFlags,
                      short data) {
        if (cancelled) {
            return 0;
        }
        long userData = handler.enqueueSplice(this, flags, fdOut, offOut, fdIn, offIn, len, spliceFlags, data);
        inFlight++;
        return userData;
    }

    /** Queues an {@code ASYNC_CANCEL} of the operation whose SQE carried {@code userData}; allowed after cancel. */
    void cancelOp(long userData) {
        if (!removed && userData != 0) {
            handler.enqueueCancel(userData);
        }
    }

    @Override
    public boolean isValid() {
        return !cancelled;
    }

    @Override
    public boolean cancel() {
        if (cancelled) {
            return false;
        }
        cancelled = true;
        if (handler.inLoop()) {
            handler.releaseIfIdle(this);
        } else {
            handler.executeOnLoop(() -> handler.releaseIfIdle(this));
        }
        return true;
    }

    boolean isCancelled() {
        return cancelled;
    }
}
