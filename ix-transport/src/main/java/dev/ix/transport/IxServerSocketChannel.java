package dev.ix.transport;

import dev.ix.transport.uring.Errno;
import dev.ix.transport.uring.LibC;
import dev.ix.transport.uring.Uring;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A TCP listener on an ix loop. While {@code autoRead} is on a multishot {@code accept} stays armed and each accepted
 * connection becomes an {@link IxSocketChannel} fired through the pipeline; with {@code autoRead} off each
 * {@link #read()} accepts one connection, the rest wait in the kernel's backlog.
 *
 * <p>Accept failures are fired as exceptions and the listener keeps serving. When the process is out of file
 * descriptors or memory ({@code EMFILE}, {@code ENFILE}, {@code ENOMEM}, {@code ENOBUFS}) accepting pauses for
 * {@value #ACCEPT_BACKOFF_MILLIS} ms at a time (pending connections wait in the kernel's backlog), which is logged
 * once per listener and counted ({@link IxLoopStats#acceptBackoffs()}).
 */
public final class IxServerSocketChannel extends AbstractIxChannel implements ServerSocketChannel {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(IxServerSocketChannel.class);
    private static final int ACCEPT_FLAGS = LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC;
    /** How long accepting pauses after the process ran out of file descriptors or memory. */
    static final long ACCEPT_BACKOFF_MILLIS = 100;

    private final IxServerSocketChannelConfig config;
    private long acceptUserData;
    private boolean acceptMultishot;
    private boolean acceptCancelled;
    private boolean readPending;
    private boolean readThisBatch;
    private boolean backoffLogged;

    /** A listener; bind it with {@code ServerBootstrap}. */
    public IxServerSocketChannel() {
        super(null, IxSocket.newStream(), false);
        config = new IxServerSocketChannelConfig(this, socket);
    }

    @Override
    public IxServerSocketChannelConfig config() {
        return config;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new ServerUnsafe();
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        super.doBind(localAddress);
        socket.listen(config.getBacklog());
        active = true;
    }

    @Override
    protected void doBeginRead() {
        if (!active) {
            return;
        }
        if (acceptUserData != 0) {
            readPending |= !acceptMultishot || acceptCancelled;
            return;
        }
        readPending = false;
        acceptCancelled = false;
        acceptMultishot = config.isAutoRead();
        acceptUserData = reg.submit(Uring.IORING_OP_ACCEPT, (byte) 0,
                acceptMultishot ? Uring.IORING_ACCEPT_MULTISHOT : 0, socket.fd(), 0, 0, 0, ACCEPT_FLAGS, (short) 0,
                (short) 0);
    }

    @Override
    void autoReadCleared() {
        if (reg == null) {
            return;
        }
        if (!eventLoop().inEventLoop()) {
            eventLoop().execute(this::autoReadCleared);
            return;
        }
        if (acceptUserData != 0 && acceptMultishot && !acceptCancelled && !config.isAutoRead()) {
            acceptCancelled = true;
            reg.cancelOp(acceptUserData);
        }
    }

    @Override
    void complete(byte opcode, int res, int flags, short data) {
        if (opcode != Uring.IORING_OP_ACCEPT) {
            logUnexpected("unexpected completion opcode " + opcode, null);
            return;
        }
        boolean more = (flags & Uring.IORING_CQE_F_MORE) != 0;
        if (!more) {
            acceptUserData = 0;
        }
        if (res >= 0) {
            if (!isOpen()) {
                LibC.close(res);
                return;
            }
            IxSocketChannel child;
            try {
                child = IxSocketChannel.accepted(this, res);
            } catch (Throwable t) {
                LibC.close(res);
                pipeline().fireExceptionCaught(t);
                return;
            }
            if (!readThisBatch) {
                readThisBatch = true;
                readCompleteLater();
            }
            pipeline().fireChannelRead(child);
        } else if (res != -Errno.ECANCELED && isOpen()) {
            boolean outOfResources = res == -Errno.EMFILE || res == -Errno.ENFILE || res == -Errno.ENOMEM
                    || res == -Errno.ENOBUFS;
            if (outOfResources) {
                reg.handler.acceptBackoff();
                if (!backoffLogged) {
                    backoffLogged = true;
                    logger.warn("{}: accept failed with {}: the process is out of file descriptors or memory."
                            + " Accepting pauses {} ms at a time and pending connections wait in the backlog; raise"
                            + " the limit (ulimit -n, fs.file-max) or shed connections. Logged once per listener,"
                            + " counted in ix.transport.accept.backoffs", this, Errno.name(-res),
                            ACCEPT_BACKOFF_MILLIS);
                }
            }
            pipeline().fireExceptionCaught(errnoException("accept", res));
            if (!more && outOfResources) {
                // Retrying at once would spin; pending connections wait in the backlog until there is room again.
                eventLoop().schedule(this::resumeAccept, ACCEPT_BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
        }
        if (!more) {
            resumeAccept();
        }
    }

    private void resumeAccept() {
        if (isOpen() && (config.isAutoRead() || readPending)) {
            doBeginRead();
        }
    }

    @Override
    void batchEnd() {
        if (readThisBatch) {
            readThisBatch = false;
            pipeline().fireChannelReadComplete();
        }
    }

    @Override
    protected void doClose() throws Exception {
        if (active && socket.isOpen()) {
            // The fd itself closes through the ring a turn later; shutdown(SHUT_RD) takes the listener out of its
            // SO_REUSEPORT group now, so no new connection is routed to a socket about to go (IxListeners.park).
            LibC.shutdown(socket.fd(), LibC.SHUT_RD);
        }
        super.doClose();
    }

    @Override
    void cancelOperations() {
        if (acceptUserData != 0 && reg != null) {
            reg.cancelOp(acceptUserData);
        }
    }

    @Override
    boolean closeMustWait() {
        return false;
    }

    @Override
    protected void doDisconnect() {
        throw new UnsupportedOperationException("a server channel cannot disconnect");
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        throw new UnsupportedOperationException("a server channel cannot write");
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        throw new UnsupportedOperationException("a server channel cannot write");
    }

    private final class ServerUnsafe extends IxUnsafe {
        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("a server channel cannot connect"));
        }
    }
}
