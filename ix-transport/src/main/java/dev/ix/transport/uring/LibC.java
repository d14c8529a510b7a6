package dev.ix.transport.uring;

import io.netty.util.concurrent.FastThreadLocal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcalls into the C library through FFM: the io_uring system calls (through {@code syscall(2)}, glibc has no
 * wrappers) and the socket, memory and scheduling calls the transport needs.
 *
 * <p>Every method returns what the C function returns when it succeeds and {@code -errno} when it fails, the
 * kernel's own convention, so a caller tests {@code r < 0} and never reads a thread-local errno afterwards. The
 * errno is captured by the linker ({@link Linker.Option#captureCallState}) into a per-thread segment, so the calls
 * are safe from any thread. None of these allocate on the Java heap.
 *
 * <p>Internal API: public only so the transport's packages can share it.
 */
public final class LibC {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final FastThreadLocal<MemorySegment> CAPTURE = new FastThreadLocal<>() {
        @Override
        protected MemorySegment initialValue() {
            return Arena.ofAuto().allocate(CAPTURE_LAYOUT);
        }
    };

    // x86-64 and aarch64 (asm-generic) system call numbers of io_uring; the same on both since 5.1.
    static final long SYS_IO_URING_SETUP = 425;
    static final long SYS_IO_URING_ENTER = 426;
    static final long SYS_IO_URING_REGISTER = 427;

    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_IPV6 = 41;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_LINGER = 13;
    public static final int SO_REUSEPORT = 15;
    public static final int SO_ERROR = 4;
    public static final int SO_ATTACH_REUSEPORT_CBPF = 51;
    public static final int TCP_NODELAY = 1;
    public static final int IPV6_V6ONLY = 26;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;
    public static final int O_RDONLY = 0;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_POPULATE = 0x8000;
    public static final int MAP_HUGETLB = 0x40000;
    public static final int MADV_HUGEPAGE = 14;
    public static final int RLIMIT_MEMLOCK = 8;
    public static final int RLIMIT_NOFILE = 7;
    static final long MAP_FAILED = -1L;

    private static final MethodHandle SYSCALL = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                    JAVA_LONG),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SOCKET = downcall("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle BIND = downcall("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle LISTEN = downcall("listen",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle SETSOCKOPT = downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle GETSOCKOPT = downcall("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle GETSOCKNAME = downcall("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle GETPEERNAME = downcall("getpeername",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle SHUTDOWN = downcall("shutdown",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle PIPE2 = downcall("pipe2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle EVENTFD = downcall("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
            CAPTURE_ERRNO);
    private static final MethodHandle MUNMAP = downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle MADVISE = downcall("madvise",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle SCHED_GETAFFINITY = downcall("sched_getaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle SCHED_SETAFFINITY = downcall("sched_setaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle GETRLIMIT = downcall("getrlimit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle SETRLIMIT = downcall("setrlimit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle STRERROR = downcall("strerror",
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private LibC() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LOOKUP.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("C library has no symbol '" + name + "'"));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    private static MemorySegment capture() {
        return CAPTURE.get();
    }

    private static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    private static int result(int r, MemorySegment capture) {
        return r < 0 ? -errno(capture) : r;
    }

    private static long result(long r, MemorySegment capture) {
        return r < 0 ? -errno(capture) : r;
    }

    private static Error rethrow(Throwable t) {
        if (t instanceof Error e) {
            return e;
        }
        return new AssertionError("downcall failed unexpectedly", t);
    }

    /** {@code io_uring_setup(entries, params)}: the ring fd or {@code -errno}. */
    public static int ioUringSetup(int entries, MemorySegment params) {
        return (int) syscall(SYS_IO_URING_SETUP, entries, params.address(), 0, 0, 0, 0);
    }

    /**
     * {@code io_uring_enter(fd, toSubmit, minComplete, flags, arg, argSize)}: SQEs consumed or {@code -errno}.
     * May block (when {@code minComplete > 0} and {@code IORING_ENTER_GETEVENTS} is set).
     */
    public static int ioUringEnter(int fd, int toSubmit, int minComplete, int flags, long arg, long argSize) {
        return (int) syscall(SYS_IO_URING_ENTER, fd, toSubmit, minComplete, flags, arg, argSize);
    }

    /** {@code io_uring_register(fd, opcode, arg, nrArgs)}: result or {@code -errno}. */
    public static int ioUringRegister(int fd, int opcode, long arg, int nrArgs) {
        return (int) syscall(SYS_IO_URING_REGISTER, fd, opcode, arg, nrArgs, 0, 0);
    }

    private static long syscall(long number, long a0, long a1, long a2, long a3, long a4, long a5) {
        MemorySegment capture = capture();
        try {
            return result((long) SYSCALL.invokeExact(capture, number, a0, a1, a2, a3, a4, a5), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int socket(int domain, int type, int protocol) {
        MemorySegment capture = capture();
        try {
            return result((int) SOCKET.invokeExact(capture, domain, type, protocol), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int bind(int fd, MemorySegment addr, int addrLen) {
        MemorySegment capture = capture();
        try {
            return result((int) BIND.invokeExact(capture, fd, addr, addrLen), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int listen(int fd, int backlog) {
        MemorySegment capture = capture();
        try {
            return result((int) LISTEN.invokeExact(capture, fd, backlog), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int setsockopt(int fd, int level, int name, MemorySegment value, int length) {
        MemorySegment capture = capture();
        try {
            return result((int) SETSOCKOPT.invokeExact(capture, fd, level, name, value, length), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code lengthInOut} holds the capacity of {@code value} on entry (a C {@code socklen_t}). */
    public static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment lengthInOut) {
        MemorySegment capture = capture();
        try {
            return result((int) GETSOCKOPT.invokeExact(capture, fd, level, name, value, lengthInOut), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int getsockname(int fd, MemorySegment addr, MemorySegment lengthInOut) {
        MemorySegment capture = capture();
        try {
            return result((int) GETSOCKNAME.invokeExact(capture, fd, addr, lengthInOut), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int getpeername(int fd, MemorySegment addr, MemorySegment lengthInOut) {
        MemorySegment capture = capture();
        try {
            return result((int) GETPEERNAME.invokeExact(capture, fd, addr, lengthInOut), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int shutdown(int fd, int how) {
        MemorySegment capture = capture();
        try {
            return result((int) SHUTDOWN.invokeExact(capture, fd, how), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int close(int fd) {
        MemorySegment capture = capture();
        try {
            return result((int) CLOSE.invokeExact(capture, fd), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code open(path, flags)} of an existing file: the fd or {@code -errno}. */
    public static int open(String path, int flags) {
        MemorySegment capture = capture();
        try (Arena a = Arena.ofConfined()) {
            return result((int) OPEN.invokeExact(capture, a.allocateFrom(path), flags, 0), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code pipe2(fds, flags)}: 0 or {@code -errno}.
     *
     * @param fds two {@code int}s: the read end, then the write end
     */
    public static int pipe2(MemorySegment fds, int flags) {
        MemorySegment capture = capture();
        try {
            return result((int) PIPE2.invokeExact(capture, fds, flags), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int eventfd(int initval, int flags) {
        MemorySegment capture = capture();
        try {
            return result((int) EVENTFD.invokeExact(capture, initval, flags), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long write(int fd, MemorySegment buf, long count) {
        MemorySegment capture = capture();
        try {
            return result((long) WRITE.invokeExact(capture, fd, buf, count), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @return the mapped address, or {@code -errno} (never {@code MAP_FAILED}) */
    public static long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        MemorySegment capture = capture();
        try {
            long r = (long) MMAP.invokeExact(capture, addr, length, prot, flags, fd, offset);
            return r == MAP_FAILED ? -errno(capture) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int munmap(long addr, long length) {
        MemorySegment capture = capture();
        try {
            return result((int) MUNMAP.invokeExact(capture, addr, length), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int madvise(long addr, long length, int advice) {
        MemorySegment capture = capture();
        try {
            return result((int) MADVISE.invokeExact(capture, addr, length, advice), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code sched_setaffinity(pid, maskSize, mask)}; pid 0 is the calling thread. */
    public static int schedSetaffinity(int pid, long maskSize, MemorySegment mask) {
        MemorySegment capture = capture();
        try {
            return result((int) SCHED_SETAFFINITY.invokeExact(capture, pid, maskSize, mask), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code sched_getaffinity(pid, maskSize, mask)}: bytes of mask written, or {@code -errno}. */
    public static int schedGetaffinity(int pid, long maskSize, MemorySegment mask) {
        MemorySegment capture = capture();
        try {
            return result((int) SCHED_GETAFFINITY.invokeExact(capture, pid, maskSize, mask), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code getrlimit(resource, rlim)}; {@code rlim} is two {@code long}s: current and maximum. */
    public static int getrlimit(int resource, MemorySegment rlim) {
        MemorySegment capture = capture();
        try {
            return result((int) GETRLIMIT.invokeExact(capture, resource, rlim), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code setrlimit(resource, rlim)}; {@code rlim} is two {@code long}s: current and maximum. */
    public static int setrlimit(int resource, MemorySegment rlim) {
        MemorySegment capture = capture();
        try {
            return result((int) SETRLIMIT.invokeExact(capture, resource, rlim), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @return the C library's text for {@code errno} */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
