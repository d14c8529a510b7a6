package dev.ix.transport;

import dev.ix.transport.uring.Errno;
import dev.ix.transport.uring.Net;
import dev.ix.transport.uring.SockAddr;
import dev.ix.transport.uring.Uring;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.FileRegion;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.util.concurrent.TimeUnit;

/**
 * A TCP connection on an ix loop.
 *
 * <p>Receive: a multishot {@code recv} with buffer select stays armed while {@code autoRead} is on; each completion
 * is one mbuf handed to the pipeline as a read-only {@link ByteBuf} that the handler owns and must release (Netty's
 * usual rule). With {@code autoRead} off, each {@link #read()} runs one Netty read loop of single-shot
 * {@code recv}s (as many as the channel's {@link io.netty.channel.RecvByteBufAllocator} continues; one with Netty's
 * default), and a {@code POLLRDHUP} watch notices the peer's shutdown without a read pending. An allocator other than
 * {@link io.netty.channel.AdaptiveRecvByteBufAllocator} whose {@code guess()} is below the mbuf size caps each
 * receive at that many bytes (read loops then serve {@code autoRead} too). When the pool is empty
 * ({@code ENOBUFS}) receiving pauses until mbufs are released; the data waits in the kernel. {@link StreamReceiver}
 * holds the receive side as one state machine. A channel deregistered while open first lets its cancelled receive
 * complete on the loop it leaves: what the receive had already taken from the socket reaches the pipeline before
 * {@code channelUnregistered}, and later data stay in the socket for the next loop.
 *
 * <p>Send: flushed buffers go out with one {@code send} (one buffer) or {@code sendmsg} (many, gathered), one write
 * in flight at a time; buffers stay in the outbound buffer, owned by Netty, until the kernel reports them written.
 * A direct buffer of several parts (a {@link io.netty.buffer.CompositeByteBuf} of direct buffers) is gathered part by
 * part into the {@code sendmsg}, not copied ({@link IovecGather}); heap buffers, and composites with a heap part,
 * are copied to direct memory when written ({@link #filterOutboundMessage}). A {@link FileRegion} goes out without a
 * user-space copy when it is a {@link io.netty.channel.DefaultFileRegion}: spliced file → pipe → socket
 * ({@code IORING_OP_SPLICE}) when built from a {@link java.io.File}, sent from a read-only mapping of the file when
 * built from a {@link java.nio.channels.FileChannel}; other regions through a 64 KiB buffer ({@link FileRegionSender}
 * says why and how). The close rule below holds for regions too: a splice never waits for room while draining.
 *
 * <p><b>What a close delivers.</b> A write's promise succeeds when the kernel has taken every byte of it into the
 * socket's send buffer; from then on the kernel delivers those bytes before the FIN of any later close or output
 * shutdown, in order, as with every Netty transport. A {@code close()} (explicit, or the one that follows the
 * peer's FIN when {@link io.netty.channel.ChannelOption#ALLOW_HALF_CLOSURE} is off) and a {@link #shutdownOutput()}
 * first hand the flushed messages to the kernel for as long as it takes them without waiting for the peer: the
 * send in flight completes (one that waits for room in a full send buffer is cancelled, keeping what it wrote), then
 * the rest goes out with {@code MSG_DONTWAIT} sends until the outbound buffer is empty or the kernel takes no more.
 * That is what Netty's epoll transport has written by the time its {@code close()} runs, since epoll writes at
 * flush time. Flushed messages the kernel did not take fail with {@link ClosedChannelException} (close) or
 * {@link ChannelOutputShutdownException} (output shutdown); unflushed ones fail as on every transport, and so does a
 * write issued after the close or shutdown was asked. To deliver everything whatever the peer's pace, close when
 * the last write completes: {@code ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE)}. Data received
 * after {@code close()} was asked are released, not passed to the pipeline.
 */
public final class IxSocketChannel extends AbstractIxChannel implements SocketChannel {

    private final IxSocketChannelConfig config;

    /** The {@code data} of a buffer send's wait for POLLOUT; file regions use their own values (1..5). */
    private static final short SEND_WAIT_ROOM = 16;

    private final StreamReceiver receiver = new StreamReceiver(this);

    private long writeUserData;
    /** A {@link #shutdownOutput()} waiting for the flushed data to be handed to the kernel. */
    private ChannelPromise outputShutdown;
    private FileRegionSender fileSender;
    /** A buffer that may need several iovec entries was written since the outbound buffer was last empty. */
    private boolean multiPartWritten;
    private long connectUserData;
    private ChannelPromise connectPromise;
    private Future<?> connectTimeout;
    private InetSocketAddress requestedRemote;

    /** A client channel; connect it with {@code Bootstrap}. */
    public IxSocketChannel() {
        this(null, IxSocket.newStream(), false);
    }

    IxSocketChannel(Channel parent, IxSocket socket, boolean active) {
        super(parent, socket, active);
        config = new IxSocketChannelConfig(this, socket);
    }

    @Override
    public ServerSocketChannel parent() {
        return (ServerSocketChannel) super.parent();
    }

    @Override
    public IxSocketChannelConfig config() {
        return config;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new SocketUnsafe();
    }

    // ---------------------------------------------------------------- receive (see StreamReceiver)

    @Override
    protected void doBeginRead() {
        receiver.beginRead();
    }

    /** @return where the receive side is; loop thread (tests read it through a task) */
    StreamReceiver.State receiveState() {
        return receiver.state();
    }

    /** @return multishot recvs cancelled because autoRead went off (tests, diagnostics); loop thread */
    long streamStops() {
        return receiver.streamStops();
    }

    @Override
    void registered() {
        receiver.attached();
        receiver.watchPeerClose();
        ChannelOutboundBuffer in = unsafe().outboundBuffer();
        if (in != null && !in.isEmpty() && active) {
            ((SocketUnsafe) unsafe()).continueFlush(); // data flushed on the loop this channel left go on from here
        }
    }

    @Override
    void detached() {
        receiver.detached();
    }

    @Override
    void autoReadCleared() {
        if (reg == null) {
            return;
        }
        if (!eventLoop().inEventLoop()) {
            // The SQ belongs to the loop thread; setAutoRead(false) may come from any thread (proxies do this).
            eventLoop().execute(this::autoReadCleared);
            return;
        }
        if (!config.isAutoRead()) {
            receiver.autoReadCleared();
        }
    }

    @Override
    void batchEnd() {
        receiver.fireReadCompleteNow();
    }

    /** @return whether a close waits for flushed data: received data are then dropped, not read */
    boolean closePending() {
        return ((SocketUnsafe) unsafe()).closePending();
    }

    /** The receive failed with {@code -errno} {@code res}: the pipeline hears of it and the channel closes. */
    void receiveFailed(int res) {
        ((SocketUnsafe) unsafe()).failAndClose(errnoException("recv", res));
    }

    /** The peer's FIN was read: half-close or close, as {@code ALLOW_HALF_CLOSURE} says. */
    void inputEnded() {
        shutdownInput(true);
    }

    private void shutdownInput(boolean allDataRead) {
        if (!socket.isInputShutdown()) {
            if (config.isAllowHalfClosure()) {
                try {
                    socket.shutdown(true, false);
                } catch (IOException | NotYetConnectedException e) {
                    pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                    unsafe().close(voidPromise());
                    return;
                }
                pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            } else {
                unsafe().close(voidPromise());
                return;
            }
        }
        if (allDataRead) {
            pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
        }
    }

    // ---------------------------------------------------------------- send

    @Override
    protected Object filterOutboundMessage(Object msg) throws IOException {
        if (outputShutdown != null) {
            throw new ChannelOutputShutdownException("write after shutdownOutput(): " + this);
        }
        if (closePending()) {
            throw new ClosedChannelException();
        }
        if (msg instanceof ByteBuf buf) {
            if (IovecGather.isSendable(buf)) {
                multiPartWritten |= IovecGather.isMultiPart(buf);
                return buf; // sent from where it is, a direct composite part by part
            }
            return copyToDirect(buf);
        }
        if (msg instanceof FileRegion) {
            return msg;
        }
        throw new UnsupportedOperationException("unsupported message type: " + msg.getClass().getName()
                + " (expected: ByteBuf or FileRegion)");
    }

    private ByteBuf copyToDirect(ByteBuf buf) {
        int readable = buf.readableBytes();
        ByteBufAllocator alloc = alloc();
        ByteBuf direct = alloc.isDirectBufferPooled() ? alloc.directBuffer(readable)
                : ByteBufUtil.threadLocalDirectBuffer();
        if (direct == null) {
            direct = alloc.directBuffer(readable);
        }
        if (!direct.hasMemoryAddress()) {
            direct.release();
            direct = UnpooledByteBufAllocator.DEFAULT.directBuffer(readable);
        }
        direct.writeBytes(buf, buf.readerIndex(), readable);
        ReferenceCountUtil.safeRelease(buf);
        return direct;
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        if (writeUserData != 0) {
            return; // its completion continues the flush
        }
        while (true) {
            Object msg = in.current();
            if (msg == null) {
                return;
            }
            if (msg instanceof FileRegion region) {
                if (writeFileRegion(in, region)) {
                    return;
                }
                continue;
            }
            if (writeBuffers(in)) {
                return;
            }
        }
    }

    /** @return true when a send was submitted, false when there was nothing to send (empty buffers removed) */
    private boolean writeBuffers(ChannelOutboundBuffer in) {
        IxIoHandler h = reg.handler;
        IovecGather g = gather;
        // The iovec array and the msghdr come from one scratch allocation, sized by the flushed message count, or,
        // when a multi-part buffer was written since the outbound buffer was last empty, by the parts they need.
        int size = Math.max(1, multiPartWritten ? g.entriesNeeded(in) : Math.min(in.size(), Net.IOV_MAX));
        long off = h.scratch((long) size * Net.IOVEC_SIZE + Net.MSGHDR_SIZE);
        MemorySegment mem = h.scratchMemory();
        long iovOff = off + Net.MSGHDR_SIZE;
        g.gather(in, mem, iovOff, size);
        int count = g.count();
        long total = g.total();
        if (total == 0) {
            in.removeBytes(0);
            return false;
        }
        int len = (int) Math.min(total, Integer.MAX_VALUE);
        int sendFlags = sendFlags();
        if (count == 1) {
            writeUserData = reg.submit(Uring.IORING_OP_SEND, (byte) 0, (short) 0, socket.fd(), 0, g.firstAddress(),
                    len, sendFlags, (short) 0, (short) 0);
        } else {
            // Field by field, not asSlice(..).fill(0): a slice is an object per SENDMSG that escape analysis keeps.
            for (long at = off; at < off + Net.MSGHDR_SIZE; at += Long.BYTES) {
                mem.set(ValueLayout.JAVA_LONG_UNALIGNED, at, 0L);
            }
            mem.set(ValueLayout.JAVA_LONG, off + Net.MSGHDR_IOV, h.scratchAddress(iovOff));
            mem.set(ValueLayout.JAVA_LONG, off + Net.MSGHDR_IOVLEN, count);
            writeUserData = reg.submit(Uring.IORING_OP_SENDMSG, (byte) 0, (short) 0, socket.fd(), 0,
                    h.scratchAddress(off), 1, sendFlags, (short) 0, (short) 0);
        }
        return true;
    }

    private final IovecGather gather = new IovecGather();

    /** Sends the next step of a file region (see {@link FileRegionSender}). @return true when SQEs were submitted */
    private boolean writeFileRegion(ChannelOutboundBuffer in, FileRegion region) throws IOException {
        FileRegionSender s = fileSender;
        if (s == null) {
            s = fileSender = new FileRegionSender(this);
        }
        if (!s.next(region, sendFlags())) {
            in.remove();
            return false;
        }
        writeUserData = s.cancelTarget();
        return true;
    }

    /**
     * A completion of a file region's SQE. The write stays in flight ({@link #writeUserData} set) until every
     * completion of the step is in: a splice step is two linked SQEs.
     */
    private void fileRegionComplete(int res, short data) {
        FileRegionSender s = fileSender;
        FileRegion region = s.region();
        int taken = s.complete(data, res);
        ChannelOutboundBuffer in = unsafe().outboundBuffer();
        if (taken > 0) {
            reg.handler.sent(taken);
            if (in != null && isOpen() && in.current() == region) {
                in.progress(taken);
            }
        }
        if (s.inFlight()) {
            return;
        }
        if (!isOpen()) {
            // The channel closed while the step was in flight; deregistration left the sender to us.
            writeUserData = 0;
            s.close();
            return;
        }
        int failure = s.failure();
        if (failure != 0 || s.waitingForRoom() && draining()) {
            writeUserData = 0;
            if (draining()) {
                // The kernel takes no more now (or the wait for room was cancelled): the drain ends, and the close
                // or shutdown fails the region with what is left (bytes in the pipe go with it).
                s.abandon();
                drained();
            } else if (failure != -Errno.ECANCELED) {
                IOException cause = s.failureCause();
                s.abandon();
                if (in != null) {
                    ((SocketUnsafe) unsafe()).writeFailed(cause);
                }
            } // ECANCELED without a close: deregistered; the region goes on where it stopped when flushed again
            return;
        }
        writeUserData = 0;
        if (in != null && !in.isEmpty()) {
            ((SocketUnsafe) unsafe()).continueFlush();
        }
        if (writeUserData == 0 && draining()) {
            drained();
        }
    }

    /**
     * Flags of the next send. While a close or an output shutdown waits for the flushed data, sends never wait for
     * the peer: the kernel takes what fits now ({@code EAGAIN} ends the drain), as a close on Netty's epoll
     * transport keeps what its writes had handed to the kernel and fails the rest.
     */
    private int sendFlags() {
        return draining() ? Net.MSG_NOSIGNAL | Net.MSG_DONTWAIT : Net.MSG_NOSIGNAL;
    }

    /** @return whether a close or an output shutdown waits for the flushed data to be handed to the kernel */
    private boolean draining() {
        return closePending() || outputShutdown != null;
    }

    private void sendComplete(int res, short data) {
        if (data != 0) {
            fileRegionComplete(res, data);
            return;
        }
        ChannelOutboundBuffer in = unsafe().outboundBuffer();
        if (res > 0) {
            reg.handler.sent(res);
        }
        if (res < 0) {
            writeUserData = 0;
            if (draining()) {
                // ECANCELED (the close stopped a send that waited for the peer), EAGAIN (the kernel takes no more
                // now) or an error: the drain ends and the close or shutdown fails what is left.
                drained();
                return;
            }
            if (res == -Errno.ECANCELED) {
                return;
            }
            if (res == -Errno.EAGAIN) {
                // io_uring gave up on the send after retrying its poll (e.g. under TCP memory pressure) and the
                // socket is non-blocking, so no worker waits instead: nothing was sent, and nothing is wrong.
                waitForRoom();
                return;
            }
            IOException cause = errnoException("send", res);
            if (in != null) {
                ((SocketUnsafe) unsafe()).writeFailed(cause);
            }
            return;
        }
        // writeUserData stays set while the outbound buffer is updated: removing a message completes its promise,
        // and a listener that writes and flushes must not start a send before all of these bytes are removed (it
        // would send some of them twice, and point the kernel at buffers about to be released).
        if (in != null) {
            in.removeBytes(res);
            if (in.isEmpty() && in.totalPendingWriteBytes() == 0) {
                multiPartWritten = false;
            }
        }
        writeUserData = 0;
        if (in != null && !in.isEmpty() && isOpen() && (res > 0 || !draining())) {
            ((SocketUnsafe) unsafe()).continueFlush();
        }
        if (writeUserData == 0 && draining()) {
            drained();
        }
    }

    /**
     * The flushed data went to the kernel as far as it would take them: a waiting output shutdown happens now (a
     * waiting close happens when this completion's handling ends, see {@link IxUnsafe#handle}).
     */
    private void drained() {
        ChannelPromise p = outputShutdown;
        if (p != null) {
            outputShutdown = null;
            ((AbstractUnsafe) unsafe()).shutdownOutput(p);
        }
    }

    // ---------------------------------------------------------------- connect

    /** Binds if asked, then queues the connect; {@link #connectComplete} finishes it. */
    private void doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (localAddress != null) {
            doBind(localAddress);
        }
        InetSocketAddress target = checkAddress(remoteAddress);
        requestedRemote = target;
        IxIoHandler h = reg.handler;
        long off = h.scratch(SockAddr.MAX_SIZE);
        int len = SockAddr.encode(h.scratchMemory().asSlice(off, SockAddr.MAX_SIZE), target, socket.isIpv6());
        connectUserData = reg.submit(Uring.IORING_OP_CONNECT, (byte) 0, (short) 0, socket.fd(), len,
                h.scratchAddress(off), 0, 0, (short) 0, (short) 0);
    }

    private void connectComplete(int res) {
        connectUserData = 0;
        ChannelPromise promise = connectPromise;
        connectPromise = null;
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
            connectTimeout = null;
        }
        if (promise == null) {
            return; // timed out or closed meanwhile
        }
        if (res < 0) {
            ConnectException e = new ConnectException(connectMessage(res));
            e.initCause(errnoException("connect(" + requestedRemote + ")", res));
            promise.tryFailure(e);
            ((SocketUnsafe) unsafe()).closeIfClosedAfterConnect();
            return;
        }
        boolean wasActive = active;
        active = true;
        local = socket.localAddress();
        remote = socket.remoteAddress();
        if (remote == null) {
            remote = requestedRemote;
        }
        boolean promiseSet = promise.trySuccess();
        if (!wasActive) {
            pipeline().fireChannelActive();
        }
        receiver.watchPeerClose();
        if (!promiseSet) {
            unsafe().close(voidPromise());
        }
    }

    private String connectMessage(int res) {
        String reason = switch (-res) {
            case Errno.ECONNREFUSED -> "connection refused";
            case Errno.ETIMEDOUT -> "connection timed out";
            case Errno.EHOSTUNREACH -> "no route to host";
            case Errno.ENETUNREACH -> "network unreachable";
            default -> Errno.name(-res);
        };
        return reason + ": " + requestedRemote;
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    void cancelOperations() {
        IxIoRegistration r = reg;
        if (r == null) {
            return;
        }
        receiver.cancel();
        if (connectUserData != 0) {
            r.cancelOp(connectUserData);
        }
        if (writeUserData != 0) {
            r.cancelOp(writeUserData);
        }
    }

    @Override
    boolean closeMustWait() {
        return writeUserData != 0;
    }

    @Override
    protected void doClose() throws Exception {
        ChannelPromise promise = connectPromise;
        if (promise != null) {
            promise.tryFailure(new ClosedChannelException());
            connectPromise = null;
        }
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
            connectTimeout = null;
        }
        if (fileSender != null && writeUserData == 0) {
            // Here, not only at deregistration: a loop that is stopping runs no more tasks, and Netty deregisters
            // a closed channel in a task. Nothing of the sender is in flight, so its pipe, file and mapping go now.
            fileSender.close();
        }
        super.doClose();
    }

    @Override
    protected void doDeregister() {
        super.doDeregister();
        if (fileSender != null && writeUserData == 0 && !isOpen()) {
            fileSender.close(); // else the completion of the step in flight closes it
        }
    }

    /** Waits for POLLOUT before the flush goes on; the wait stands for the write in flight. */
    private void waitForRoom() {
        writeUserData = reg.submit(Uring.IORING_OP_POLL_ADD, (byte) 0, (short) 0, socket.fd(), 0, 0, 0, Net.POLLOUT,
                SEND_WAIT_ROOM, (short) 0);
    }

    /** The POLLOUT wait of {@link #waitForRoom} completed (or was cancelled by a close or a deregistration). */
    private void roomComplete() {
        writeUserData = 0;
        ChannelOutboundBuffer in = unsafe().outboundBuffer();
        if (in != null && !in.isEmpty() && isOpen() && !draining()) {
            ((SocketUnsafe) unsafe()).continueFlush();
        }
        if (writeUserData == 0 && draining()) {
            drained();
        }
    }

    @Override
    void complete(byte opcode, int res, int flags, short data) {
        switch (opcode) {
            case Uring.IORING_OP_RECV -> receiver.recvComplete(res, flags);
            case Uring.IORING_OP_SEND, Uring.IORING_OP_SENDMSG -> sendComplete(res, data);
            case Uring.IORING_OP_SPLICE -> fileRegionComplete(res, data);
            case Uring.IORING_OP_CONNECT -> connectComplete(res);
            case Uring.IORING_OP_POLL_ADD -> {
                if (data == 0) {
                    receiver.peerClosed(res);
                } else if (data == SEND_WAIT_ROOM) {
                    roomComplete();
                } else {
                    fileRegionComplete(res, data); // a file region's wait for room in the socket
                }
            }
            default -> logUnexpected("unexpected completion opcode " + opcode, null);
        }
    }

    @Override
    protected void doShutdownOutput() throws Exception {
        socket.shutdown(false, true);
    }

    /**
     * Shuts the output down once the flushed data have been handed to the kernel: a send in flight completes first
     * (the kernel may be reading its buffers), then what is still flushed goes out as far as the kernel takes it
     * without waiting; what it did not take fails, as on Netty's epoll transport. FIN follows the last byte taken.
     */
    private void shutdownOutput0(ChannelPromise promise) {
        if (writeUserData == 0 || !isOpen()) {
            ((AbstractUnsafe) unsafe()).shutdownOutput(promise);
            return;
        }
        if (outputShutdown == null) {
            outputShutdown = promise;
            reg.cancelOp(writeUserData); // a send that waits for the peer stops; one that can go on completes
        } else {
            outputShutdown.addListener(f -> {
                if (f.isSuccess()) {
                    promise.trySuccess();
                } else {
                    promise.tryFailure(f.cause());
                }
            });
        }
    }

    @Override
    public boolean isInputShutdown() {
        return socket.isInputShutdown() || receiver.atEof();
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            shutdownInput0(promise);
        } else {
            loop.execute(() -> shutdownInput0(promise));
        }
        return promise;
    }

    private void shutdownInput0(ChannelPromise promise) {
        try {
            socket.shutdown(true, false);
            promise.setSuccess();
        } catch (Throwable t) {
            promise.setFailure(t);
        }
    }

    @Override
    public boolean isOutputShutdown() {
        return socket.isOutputShutdown();
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            shutdownOutput0(promise);
        } else {
            loop.execute(() -> shutdownOutput0(promise));
        }
        return promise;
    }

    @Override
    public boolean isShutdown() {
        return isInputShutdown() && isOutputShutdown();
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        ChannelFuture output = shutdownOutput();
        output.addListener(f -> {
            ChannelFuture input = shutdownInput();
            input.addListener(f2 -> {
                Throwable cause = f.cause() != null ? f.cause() : f2.cause();
                if (cause != null) {
                    promise.tryFailure(cause);
                } else {
                    promise.trySuccess();
                }
            });
        });
        return promise;
    }

    private final class SocketUnsafe extends IxUnsafe {
        @Override
        public boolean isConnection() {
            return true;
        }

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            // Not setUncancellable(): a pending non-blocking connect can be cancelled (the listener below closes).
            if (promise.isDone() || !ensureOpen(promise)) {
                return;
            }
            if (connectPromise != null) {
                promise.setFailure(new ConnectionPendingException());
                return;
            }
            if (active) {
                promise.setFailure(new AlreadyConnectedException());
                return;
            }
            try {
                doConnect(remoteAddress, localAddress);
            } catch (Throwable t) {
                promise.tryFailure(annotateConnectException(t, remoteAddress));
                closeIfClosed();
                return;
            }
            connectPromise = promise;
            int timeoutMillis = config.getConnectTimeoutMillis();
            if (timeoutMillis > 0) {
                connectTimeout = eventLoop().schedule(() -> {
                    ChannelPromise p = connectPromise;
                    if (p != null && !p.isDone()
                            && p.tryFailure(new ConnectTimeoutException("connection timed out after "
                            + timeoutMillis + " ms: " + remoteAddress))) {
                        connectPromise = null;
                        close(voidPromise());
                    }
                }, timeoutMillis, TimeUnit.MILLISECONDS);
            }
            promise.addListener(f -> {
                if (f.isCancelled()) {
                    if (connectTimeout != null) {
                        connectTimeout.cancel(false);
                    }
                    connectPromise = null;
                    close(voidPromise());
                }
            });
        }

        void closeIfClosedAfterConnect() {
            close(voidPromise());
        }

        void continueFlush() {
            flush0();
        }

        void writeFailed(IOException cause) {
            handleWriteError(cause);
        }
    }

    static IxSocketChannel accepted(IxServerSocketChannel parent, int fd) {
        return new IxSocketChannel(parent, IxSocket.accepted(fd, parent.socket.isIpv6()), true);
    }
}
