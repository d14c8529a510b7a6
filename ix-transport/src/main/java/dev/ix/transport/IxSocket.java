package dev.ix.transport;

import dev.ix.transport.uring.Errno;
import dev.ix.transport.uring.LibC;
import dev.ix.transport.uring.NativeIoException;
import dev.ix.transport.uring.SockAddr;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A non-blocking TCP socket fd and the plain (non-io_uring) calls made on it: create, options, bind, listen,
 * addresses, shutdown, close. These happen at set-up and tear-down, never per request.
 *
 * <p>Sockets are {@code AF_INET6} dual-stack when the machine has IPv6 (IPv4 peers appear as IPv4 addresses),
 * else {@code AF_INET}. Loop thread or the thread that owns the channel before registration.
 */
final class IxSocket {
    static final boolean IPV6 = Files.exists(Path.of("/proc/net/if_inet6"));

    private final int fd;
    private final boolean ipv6;
    // Written on the loop (or by the owner before registration), read from any thread through Channel.isOpen(),
    // isActive(), isInputShutdown() and isOutputShutdown(): volatile, so a reader sees a close or shutdown once it
    // has happened. Writes are rare (tear-down); a volatile read costs a plain load on x86 and aarch64's ldar.
    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;
    private volatile boolean closed;

    private IxSocket(int fd, boolean ipv6) {
        this.fd = fd;
        this.ipv6 = ipv6;
    }

    static IxSocket newStream() {
        boolean v6 = IPV6;
        int fd = LibC.socket(v6 ? LibC.AF_INET6 : LibC.AF_INET,
                LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0 && v6) {
            v6 = false;
            fd = LibC.socket(LibC.AF_INET, LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC, 0);
        }
        if (fd < 0) {
            throw new IllegalStateException(new NativeIoException("socket(SOCK_STREAM)", -fd));
        }
        IxSocket s = new IxSocket(fd, v6);
        if (v6) {
            s.setInt(LibC.IPPROTO_IPV6, LibC.IPV6_V6ONLY, 0, "IPV6_V6ONLY");
        }
        return s;
    }

    /** Wraps an fd returned by accept; {@code ipv6} is the listener's family. */
    static IxSocket accepted(int fd, boolean ipv6) {
        return new IxSocket(fd, ipv6);
    }

    int fd() {
        return fd;
    }

    boolean isIpv6() {
        return ipv6;
    }

    boolean isOpen() {
        return !closed;
    }

    void bind(InetSocketAddress local) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = a.allocate(SockAddr.MAX_SIZE, 8);
            int len = SockAddr.encode(addr, local, ipv6);
            int r = LibC.bind(fd, addr, len);
            if (r < 0) {
                if (-r == Errno.EADDRINUSE) {
                    BindException e = new BindException("bind(" + local + ") failed: address already in use");
                    e.initCause(new NativeIoException("bind(" + local + ")", -r));
                    throw e;
                }
                throw new NativeIoException("bind(" + local + ")", -r);
            }
        }
    }

    void listen(int backlog) throws IOException {
        int r = LibC.listen(fd, backlog);
        if (r < 0) {
            throw new NativeIoException("listen(backlog=" + backlog + ")", -r);
        }
    }

    InetSocketAddress localAddress() {
        return address(true);
    }

    InetSocketAddress remoteAddress() {
        return address(false);
    }

    private InetSocketAddress address(boolean local) {
        if (closed) {
            return null;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = a.allocate(SockAddr.MAX_SIZE, 8);
            MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, SockAddr.MAX_SIZE);
            int r = local ? LibC.getsockname(fd, addr, len) : LibC.getpeername(fd, addr, len);
            return r < 0 ? null : SockAddr.decode(addr, len.get(ValueLayout.JAVA_INT, 0));
        }
    }

    void setInt(int level, int name, int value, String optionName) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, value);
            int r = LibC.setsockopt(fd, level, name, v, 4);
            if (r < 0) {
                throw new IllegalStateException(new NativeIoException("setsockopt(" + optionName + "=" + value + ")",
                        -r));
            }
        }
    }

    int getInt(int level, int name, String optionName) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, 4);
            int r = LibC.getsockopt(fd, level, name, v, len);
            if (r < 0) {
                throw new IllegalStateException(new NativeIoException("getsockopt(" + optionName + ")", -r));
            }
            return v.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** {@code SO_LINGER}: -1 disables it, otherwise the linger time in seconds. */
    void setLinger(int seconds) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(8, 4);
            v.set(ValueLayout.JAVA_INT, 0, seconds < 0 ? 0 : 1);
            v.set(ValueLayout.JAVA_INT, 4, Math.max(seconds, 0));
            int r = LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_LINGER, v, 8);
            if (r < 0) {
                throw new IllegalStateException(new NativeIoException("setsockopt(SO_LINGER=" + seconds + ")", -r));
            }
        }
    }

    int getLinger() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(8, 4);
            MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, 8);
            int r = LibC.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_LINGER, v, len);
            if (r < 0) {
                throw new IllegalStateException(new NativeIoException("getsockopt(SO_LINGER)", -r));
            }
            return v.get(ValueLayout.JAVA_INT, 0) == 0 ? -1 : v.get(ValueLayout.JAVA_INT, 4);
        }
    }

    /** @return the pending socket error ({@code SO_ERROR}), 0 when none */
    int soError() {
        return getInt(LibC.SOL_SOCKET, LibC.SO_ERROR, "SO_ERROR");
    }

    /**
     * @throws ClosedChannelException when the socket is closed
     * @throws NotYetConnectedException when it is not connected ({@code ENOTCONN})
     */
    void shutdown(boolean input, boolean output) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        int how;
        if (input && output) {
            how = LibC.SHUT_RDWR;
        } else if (input) {
            how = LibC.SHUT_RD;
        } else {
            how = LibC.SHUT_WR;
        }
        int r = LibC.shutdown(fd, how);
        if (r == -Errno.ENOTCONN) {
            throw new NotYetConnectedException();
        }
        if (r < 0) {
            throw new NativeIoException("shutdown(" + (input ? "RD" : "") + (output ? "WR" : "") + ")", -r);
        }
        inputShutdown |= input;
        outputShutdown |= output;
    }

    /** @return whether input was shut down or the socket closed (as Netty's native transports report it) */
    boolean isInputShutdown() {
        return inputShutdown || closed;
    }

    /** @return whether output was shut down or the socket closed */
    boolean isOutputShutdown() {
        return outputShutdown || closed;
    }

    void markInputShutdown() {
        inputShutdown = true;
    }

    /**
     * Marks the socket closed and hands its fd to the caller, who closes it through the ring
     * ({@code IORING_OP_CLOSE}) so that it is closed only after every SQE queued before it in the same submission.
     *
     * @return the fd, or -1 when already closed
     */
    int closeLater() {
        if (closed) {
            return -1;
        }
        closed = true;
        return fd;
    }

    void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        int r = LibC.close(fd);
        if (r < 0) {
            throw new NativeIoException("close", -r);
        }
    }

    @Override
    public String toString() {
        return "IxSocket(fd=" + fd + (closed ? ", closed" : "") + ')';
    }
}
