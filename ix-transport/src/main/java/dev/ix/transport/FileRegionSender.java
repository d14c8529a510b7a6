package dev.ix.transport;

import dev.ix.transport.uring.Errno;
import dev.ix.transport.uring.LibC;
import dev.ix.transport.uring.NativeIoException;
import dev.ix.transport.uring.Net;
import dev.ix.transport.uring.Uring;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Sends the {@link FileRegion}s of one {@link IxSocketChannel}, one at a time, without copying their bytes through
 * user space wherever the region allows it:
 *
 * <ul>
 *   <li><b>splice</b> — a {@link DefaultFileRegion} built from a {@link File} and not yet opened (and
 *   {@link IxTransportProperties#SPLICE_PROP_NAME} not {@code false}, the kernel having {@code SPLICE}): ix opens the file
 *   itself ({@code open(2)}, {@code O_RDONLY | O_CLOEXEC}, by the path the region would open at its first
 *   {@code transferTo}) and moves each chunk file → pipe → socket with two {@code IORING_OP_SPLICE} SQEs linked by
 *   {@code IOSQE_IO_LINK}: the page-cache pages travel by reference, the CPU copies nothing. The pipe is the
 *   channel's own ({@code pipe2(O_CLOEXEC | O_NONBLOCK)}, made at the first spliced region, closed with the channel).
 *   A chunk is at most the pipe's capacity (64 KiB by default).</li>
 *   <li><b>mapped</b> — any other {@code DefaultFileRegion} (built from a {@link FileChannel}, already opened, or
 *   splice unavailable): the region is mapped read-only ({@link FileChannel#map(FileChannel.MapMode, long, long,
 *   Arena)}) and sent with {@code IORING_OP_SEND} straight from the mapping: the kernel copies page cache to socket
 *   buffer once, user space never. Java code never reads the mapping, so a file truncated under it fails the send
 *   with {@code EFAULT} instead of crashing the JVM with {@code SIGBUS}.</li>
 *   <li><b>copy</b> — any other {@code FileRegion}: {@code transferTo} into a 64 KiB direct buffer, then a send.</li>
 * </ul>
 *
 * <p>Why not splice every {@code DefaultFileRegion}: Java does not give a {@code FileChannel}'s descriptor to
 * code outside {@code java.base} (only with {@code --add-opens}), so ix can only open the file by its path, and only
 * while the region has not opened it: then the region would open that same path now, and nothing can tell the two
 * apart. Once the region holds an open channel, the path may name another file by now (renamed, replaced), so the
 * region's own channel is used, through a mapping. The descriptor ix opens is closed when the region is done, given
 * up or the channel closes; the region itself stays owned and released by Netty's outbound buffer.
 *
 * <p>Splice steps, each a chain of SQEs whose completions are all in before the next step:
 * <pre>
 *   pipe empty, bytes left:   SPLICE file -> pipe (len, IO_LINK)  +  SPLICE pipe -> socket (len, NONBLOCK)
 *   pipe holds bytes:         SPLICE pipe -> socket (bytes in pipe)
 *   ... and the socket was full (EAGAIN or short): POLL_ADD POLLOUT (IO_LINK)  +  SPLICE pipe -> socket
 * </pre>
 * Bytes left in the pipe always go out before anything else of the region; a short file read breaks the link (the
 * socket splice completes with {@code ECANCELED}) and the pipe's bytes go out in the next step. The socket splice is
 * always non-blocking (the socket is); while a close or output shutdown drains the channel, a full socket ends the
 * drain instead of waiting for room (the close rule of {@link IxSocketChannel}), and the pipe's bytes are dropped
 * with the pipe. A region given up with bytes in the pipe closes the pipe, so no stale byte reaches a later region.
 *
 * <p>Allocation: per region (the mapping, the copy buffer, the C string of the path), never per chunk. Loop thread
 * of the channel only.
 */
final class FileRegionSender {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(FileRegionSender.class);

    /** {@code data} of the SQEs, so their completions come back here (0 is a plain send of buffers). */
    static final short COPY = 1;
    static final short MAPPED = 2;
    static final short SPLICE_IN = 3;
    static final short SPLICE_OUT = 4;
    static final short WAIT_ROOM = 5;

    private static final boolean SPLICE_ENABLED = IxTransportProperties.splice();

    private static final int CHUNK = 64 * 1024;
    private static final int MAX_SEND = 1 << 30;
    private static final int SPLICE_F_MOVE = 1;
    private static final int SPLICE_F_NONBLOCK = 2;

    private static final VarHandle REGION_FILE;
    private static final VarHandle REGION_CHANNEL;
    private static final VarHandle REGION_TRANSFERRED;

    static {
        VarHandle file = null;
        VarHandle channel = null;
        VarHandle transferred = null;
        try {
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(DefaultFileRegion.class, MethodHandles.lookup());
            file = l.findVarHandle(DefaultFileRegion.class, "f", File.class);
            channel = l.findVarHandle(DefaultFileRegion.class, "file", FileChannel.class);
            transferred = l.findVarHandle(DefaultFileRegion.class, "transferred", long.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            logger.debug("DefaultFileRegion's fields are out of reach: file regions are copied", e);
            file = null;
        }
        REGION_FILE = file;
        REGION_CHANNEL = file == null ? null : channel;
        REGION_TRANSFERRED = file == null ? null : transferred;
    }

    private enum Mode { SPLICE, MAPPED, COPY }

    private final IxSocketChannel channel;

    private FileRegion region;
    private Mode mode;
    private long position;
    /** The region's {@code transferred()} when it was taken: sending starts there. */
    private long base;
    /** Bytes of the region the socket has taken. */
    private long sent;

    private int fileFd = -1;
    private int pipeIn = -1;
    private int pipeOut = -1;
    private int pipeBytes;
    private boolean waitForRoom;
    private Arena mapping;
    private long mapAddress;
    private ByteBuf chunk;

    /** Completions still to come of the SQEs last submitted, and what they said. */
    private int inFlight;
    private long cancelTarget;
    private int inRequested;
    private int inRes;
    private int outRequested;
    private int outRes;
    private int waitRes;
    private int failure;
    private boolean truncated;

    FileRegionSender(IxSocketChannel channel) {
        this.channel = channel;
    }

    /** @return the region being sent, or {@code null} */
    FileRegion region() {
        return region;
    }

    /** @return whether completions of the last submitted SQEs are still to come */
    boolean inFlight() {
        return inFlight > 0;
    }

    /** @return the {@code user_data} a close or output shutdown cancels: the wait for room, else the last SQE */
    long cancelTarget() {
        return cancelTarget;
    }

    /** @return whether the last step found the socket full (nothing or not all taken) */
    boolean waitingForRoom() {
        return waitForRoom;
    }

    /** @return the negative errno that ended the last step, or 0 */
    int failure() {
        return failure;
    }

    /** @return the exception for {@link #failure()}, naming the step and the region */
    IOException failureCause() {
        if (truncated) {
            return new IOException("the file ends before the region does (truncated?): position " + position
                    + ", count " + region.count() + ", sent " + (base + sent));
        }
        String call = switch (mode) {
            case SPLICE -> "splice(file region)";
            case MAPPED -> "send(mapped file region)";
            case COPY -> "send(file region)";
        };
        return new NativeIoException(call, -failure);
    }

    /**
     * Submits the next step of {@code r}, the outbound buffer's current message, taking it first if it is new.
     *
     * @param sendFlags the channel's flags for a send: {@code MSG_DONTWAIT} while it drains for a close
     * @return false when the region is done (nothing submitted: the caller removes it), true when SQEs went out
     */
    boolean next(FileRegion r, int sendFlags) throws IOException {
        try {
            if (r != region) {
                abandon();
                take(r);
            }
            return switch (mode) {
                case SPLICE -> nextSplice((sendFlags & Net.MSG_DONTWAIT) != 0);
                case MAPPED -> nextMapped(sendFlags);
                case COPY -> nextCopy(sendFlags);
            };
        } catch (IOException | RuntimeException e) {
            abandon();
            throw e;
        }
    }

    private void take(FileRegion r) throws IOException {
        if (r.refCnt() == 0) {
            throw new IllegalReferenceCountException(0);
        }
        region = r;
        sent = 0;
        waitForRoom = false;
        base = r.transferred();
        position = r.position();
        if (!(r instanceof DefaultFileRegion d) || REGION_FILE == null) {
            mode = Mode.COPY;
            return;
        }
        File f = (File) REGION_FILE.get(d);
        if (f != null && REGION_CHANNEL.get(d) == null && SPLICE_ENABLED && IxTransport.spliceSupported()) {
            int fd = LibC.open(f.getPath(), LibC.O_RDONLY | LibC.O_CLOEXEC);
            if (fd >= 0) {
                fileFd = fd;
                mode = Mode.SPLICE;
                return;
            }
            // Not found, not readable...: the region's own open() below fails the same way and says so.
        }
        mapRegion(d);
    }

    private void mapRegion(DefaultFileRegion d) throws IOException {
        mode = Mode.MAPPED;
        long len = d.count() - base;
        if (len <= 0) {
            return;
        }
        d.open();
        FileChannel fc = (FileChannel) REGION_CHANNEL.get(d);
        Arena arena = Arena.ofShared();
        try {
            mapAddress = fc.map(FileChannel.MapMode.READ_ONLY, position + base, len, arena).address();
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
        mapping = arena;
    }

    private void startStep() {
        inFlight = 0;
        cancelTarget = 0;
        inRequested = 0;
        inRes = 0;
        outRequested = 0;
        outRes = 0;
        waitRes = 0;
        failure = 0;
        truncated = false;
    }

    private boolean nextSplice(boolean draining) throws IOException {
        startStep();
        IxIoRegistration reg = channel.reg;
        int socketFd = channel.socket.fd();
        if (pipeBytes > 0) {
            if (waitForRoom && !draining) {
                reg.handler.reserveLinked(2);
                cancelTarget = counted(reg.submit(Uring.IORING_OP_POLL_ADD, Uring.IOSQE_IO_LINK, (short) 0, socketFd,
                        0, 0, 0, Net.POLLOUT, WAIT_ROOM, (short) 0));
            }
            outRequested = pipeBytes;
            long out = counted(reg.submitSplice((byte) 0, socketFd, -1, pipeIn, -1, pipeBytes,
                    SPLICE_F_MOVE | SPLICE_F_NONBLOCK, SPLICE_OUT));
            if (cancelTarget == 0) {
                cancelTarget = out;
            }
            return true;
        }
        long left = region.count() - base - sent;
        if (left <= 0) {
            finish();
            return false;
        }
        if (pipeIn < 0) {
            openPipe();
        }
        int len = (int) Math.min(left, CHUNK);
        inRequested = len;
        outRequested = len;
        reg.handler.reserveLinked(2);
        counted(reg.submitSplice(Uring.IOSQE_IO_LINK, pipeOut, -1, fileFd, position + base + sent, len,
                SPLICE_F_MOVE, SPLICE_IN));
        cancelTarget = counted(reg.submitSplice((byte) 0, socketFd, -1, pipeIn, -1, len,
                SPLICE_F_MOVE | SPLICE_F_NONBLOCK, SPLICE_OUT));
        return true;
    }

    private long counted(long userData) {
        if (userData != 0) {
            inFlight++;
        }
        return userData;
    }

    private void openPipe() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(ValueLayout.JAVA_INT, 2);
            int r = LibC.pipe2(fds, LibC.O_CLOEXEC | LibC.O_NONBLOCK);
            if (r < 0) {
                throw new NativeIoException("pipe2", -r);
            }
            pipeIn = fds.getAtIndex(ValueLayout.JAVA_INT, 0);
            pipeOut = fds.getAtIndex(ValueLayout.JAVA_INT, 1);
        }
    }

    private boolean nextMapped(int sendFlags) {
        startStep();
        long left = region.count() - base - sent;
        if (left <= 0) {
            finish();
            return false;
        }
        waitForRoomFirst(sendFlags);
        cancelTarget = counted(channel.reg.submit(Uring.IORING_OP_SEND, (byte) 0, (short) 0, channel.socket.fd(), 0,
                mapAddress + sent, (int) Math.min(left, MAX_SEND), sendFlags, MAPPED, (short) 0));
        return true;
    }

    private boolean nextCopy(int sendFlags) throws IOException {
        startStep();
        FileRegion r = region;
        boolean chunkSent = chunk == null || !chunk.isReadable();
        if (chunkSent && r.transferred() >= r.count()) {
            finish();
            return false;
        }
        if (chunkSent) {
            if (chunk == null) {
                chunk = channel.alloc().directBuffer(CHUNK);
                if (!chunk.hasMemoryAddress()) {
                    chunk.release();
                    chunk = UnpooledByteBufAllocator.DEFAULT.directBuffer(CHUNK);
                }
            }
            chunk.clear();
            long before = r.transferred();
            long n = r.transferTo(new ChunkChannel(chunk), before);
            if (n <= 0 && r.transferred() < r.count()) {
                throw new IOException("FileRegion.transferTo produced no bytes at position " + before + " of "
                        + r.count() + " (file truncated?)");
            }
        }
        waitForRoomFirst(sendFlags);
        cancelTarget = counted(channel.reg.submit(Uring.IORING_OP_SEND, (byte) 0, (short) 0, channel.socket.fd(), 0,
                chunk.memoryAddress() + chunk.readerIndex(), chunk.readableBytes(), sendFlags, COPY, (short) 0));
        return true;
    }

    /** After a send that found no room: a POLLOUT wait linked before the next send (not while draining). */
    private void waitForRoomFirst(int sendFlags) {
        if (waitForRoom && (sendFlags & Net.MSG_DONTWAIT) == 0) {
            waitForRoom = false;
            channel.reg.handler.reserveLinked(2);
            counted(channel.reg.submit(Uring.IORING_OP_POLL_ADD, Uring.IOSQE_IO_LINK, (short) 0, channel.socket.fd(), 0,
                    0, 0, Net.POLLOUT, WAIT_ROOM, (short) 0));
        }
    }

    /**
     * One completion of an SQE this sender submitted.
     *
     * @return the bytes of the region the socket took with it (0 for the file side of a splice, a wait, a failure)
     */
    int complete(short data, int res) {
        inFlight--;
        int taken = 0;
        switch (data) {
            case SPLICE_IN -> {
                inRes = res;
                if (res > 0) {
                    pipeBytes += res;
                }
            }
            case SPLICE_OUT -> {
                outRes = res;
                if (res > 0) {
                    pipeBytes -= res;
                    taken = res;
                }
            }
            case WAIT_ROOM -> waitRes = res;
            case MAPPED -> taken = Math.max(res, 0);
            case COPY -> {
                if (res > 0) {
                    chunk.skipBytes(res);
                    taken = res;
                }
            }
            default -> throw new IllegalArgumentException("data: " + data);
        }
        if ((data == MAPPED || data == COPY) && res == -Errno.EAGAIN) {
            // io_uring gives up on a send after retrying its poll, e.g. under TCP memory pressure; the socket is
            // non-blocking, so no worker can wait instead. Not a failure: the next step waits for POLLOUT first.
            waitForRoom = true;
        } else if (data != SPLICE_IN && data != WAIT_ROOM && res < 0 && failure == 0) {
            failure = res;
        }
        if (taken > 0) {
            sent += taken;
            if (mode != Mode.COPY && REGION_TRANSFERRED != null) {
                REGION_TRANSFERRED.set((DefaultFileRegion) region, base + sent);
            }
        }
        if (inFlight == 0 && mode == Mode.SPLICE) {
            settleSplice();
        }
        return taken;
    }

    /** All completions of a splice step are in (in whatever order they came): what did the step do? */
    private void settleSplice() {
        failure = 0;
        waitForRoom = false;
        boolean inShort = inRequested > 0 && inRes < inRequested;
        if (inRequested > 0 && inRes < 0) {
            failure = inRes;
        } else if (inRequested > 0 && inRes == 0) {
            truncated = true;
            failure = -Errno.EIO;
        } else if (waitRes < 0) {
            failure = waitRes;
        } else if (outRes == -Errno.EAGAIN) {
            waitForRoom = true;
        } else if (outRes < 0 && !(outRes == -Errno.ECANCELED && inShort)) {
            failure = outRes;
        } else {
            waitForRoom = outRes >= 0 && outRes < outRequested && !inShort;
        }
    }

    /** The region is done: its descriptor and mapping go; the pipe (empty) and the channel stay. */
    private void finish() {
        releaseRegion();
    }

    /** The region is given up (failed, or replaced by another): bytes left in the pipe are dropped with the pipe. */
    void abandon() {
        if (region == null) {
            return;
        }
        releaseRegion();
        if (pipeBytes > 0) {
            closePipe();
        }
    }

    /** The channel is closed and nothing is in flight: every descriptor and buffer this sender holds goes. */
    void close() {
        abandon();
        closePipe();
    }

    private void releaseRegion() {
        region = null;
        waitForRoom = false;
        if (fileFd >= 0) {
            LibC.close(fileFd);
            fileFd = -1;
        }
        if (mapping != null) {
            mapping.close();
            mapping = null;
            mapAddress = 0;
        }
        if (chunk != null) {
            chunk.release();
            chunk = null;
        }
    }

    private void closePipe() {
        if (pipeIn >= 0) {
            LibC.close(pipeIn);
            LibC.close(pipeOut);
            pipeIn = -1;
            pipeOut = -1;
        }
        pipeBytes = 0;
    }

    /** A WritableByteChannel over the free space of a ByteBuf: what FileRegion.transferTo writes into. */
    private record ChunkChannel(ByteBuf target) implements WritableByteChannel {
        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(src.remaining(), target.writableBytes());
            ByteBuffer slice = src.slice();
            slice.limit(n);
            target.writeBytes(slice);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
