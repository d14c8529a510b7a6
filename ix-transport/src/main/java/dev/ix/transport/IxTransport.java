package dev.ix.transport;

import dev.ix.transport.mbuf.MbufPool;
import dev.ix.transport.uring.BufferRing;
import dev.ix.transport.uring.Errno;
import dev.ix.transport.uring.LibC;
import dev.ix.transport.uring.NativeIoException;
import dev.ix.transport.uring.Probe;
import dev.ix.transport.uring.Ring;
import dev.ix.transport.uring.Uring;

import io.netty.buffer.ByteBufAllocator;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether the ix transport can run here, why not, and how to fix it — in the manner of Netty's {@code IoUring} and
 * {@code Epoll} classes, computed once when this class loads.
 *
 * <p>The check opens a real ring with the flags ix needs ({@code SINGLE_ISSUER | DEFER_TASKRUN | R_DISABLED |
 * SUBMIT_ALL}), registers a provided-buffer ring and probes the opcodes it uses with {@code IORING_REGISTER_PROBE};
 * the kernel version is only quoted in messages, never used to decide.
 */
public final class IxTransport {
    /**
     * Every opcode the transport submits and cannot do without: ix is unavailable when the kernel lacks one.
     * {@code IxTransportTest} fails when a source file submits an opcode missing from here or from
     * {@link #OPTIONAL_OPS}, or when one listed here is no longer used.
     */
    static final byte[] REQUIRED_OPS = {Uring.IORING_OP_ACCEPT, Uring.IORING_OP_RECV, Uring.IORING_OP_SEND,
        Uring.IORING_OP_SENDMSG, Uring.IORING_OP_CONNECT, Uring.IORING_OP_CLOSE, Uring.IORING_OP_POLL_ADD,
        Uring.IORING_OP_ASYNC_CANCEL, Uring.IORING_OP_READ};
    /** Opcodes the transport uses when the kernel has them, with a fallback when not ({@code SPLICE}: FileRegion). */
    static final byte[] OPTIONAL_OPS = {Uring.IORING_OP_SPLICE};

    private static final Throwable UNAVAILABILITY_CAUSE;
    private static boolean spliceSupported;
    private static final List<String[]> FEATURES = new ArrayList<>();

    static {
        Throwable cause = null;
        try {
            cause = check();
        } catch (Throwable t) {
            cause = t;
        }
        UNAVAILABILITY_CAUSE = cause;
    }

    private IxTransport() {
    }

    /** @return true when ix can create event loops on this machine */
    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /**
     * @return why ix is unavailable, with the fix in the message, or {@code null} when it is available
     */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /**
     * Throws when ix is unavailable.
     *
     * @throws UnsatisfiedLinkError with {@link #unavailabilityCause()} as cause, as Netty's transports do
     */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw (Error) new UnsatisfiedLinkError("ix transport is unavailable: "
                    + UNAVAILABILITY_CAUSE.getMessage()).initCause(UNAVAILABILITY_CAUSE);
        }
    }

    /** @return whether the kernel runs {@code IORING_OP_SPLICE}, which {@link FileRegionSender} prefers */
    static boolean spliceSupported() {
        return spliceSupported;
    }

    /**
     * A block of text for a person: each feature ix uses, whether it is on, why not, and how to fix it.
     */
    public static String report() {
        StringBuilder sb = new StringBuilder();
        sb.append("ix transport: ").append(isAvailable() ? "AVAILABLE" : "UNAVAILABLE").append('\n');
        sb.append(String.format(Locale.ROOT, "  %-30s %s%n", "kernel", kernelRelease()));
        for (String[] f : FEATURES) {
            sb.append(String.format(Locale.ROOT, "  %-30s %s%n", f[0], f[1]));
        }
        sb.append(String.format(Locale.ROOT, "  %-30s %s%n", "receive mbuf memory", mbufPages()));
        sb.append(String.format(Locale.ROOT, "  %-30s %s%n", "kernel.io_uring_disabled",
                orUnknown(readFirstLine("/proc/sys/kernel/io_uring_disabled"))));
        sb.append(String.format(Locale.ROOT, "  %-30s %s%n", "seccomp", seccomp()));
        sb.append(String.format(Locale.ROOT, "  %-30s %s%n", "RLIMIT_MEMLOCK", memlock()));
        sb.append(String.format(Locale.ROOT, "  %-30s %s%n", "native access",
                IxTransport.class.getModule().isNativeAccessEnabled() ? "enabled"
                        : "not enabled: add --enable-native-access=ALL-UNNAMED to the java command line"));
        if (!isAvailable()) {
            sb.append("  cause: ").append(UNAVAILABILITY_CAUSE.getMessage()).append('\n');
        }
        return sb.toString();
    }

    private static void feature(String name, String state) {
        FEATURES.add(new String[]{name, state});
    }

    private static Throwable check() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux")) {
            return new UnsupportedOperationException("io_uring exists only on Linux (this is " + os + ")");
        }
        Ring ring;
        try {
            ring = Ring.open(8, 16, IxIoHandler.RING_SETUP_FLAGS);
        } catch (NativeIoException e) {
            feature("io_uring_setup", "FAILED: " + e.getMessage());
            return new IOException(setupFailureAdvice(e), e);
        }
        try {
            feature("io_uring_setup", "ok (SINGLE_ISSUER | DEFER_TASKRUN | SUBMIT_ALL)");
            int features = ring.features();
            boolean extArg = (features & Uring.IORING_FEAT_EXT_ARG) != 0;
            feature("timed wait (FEAT_EXT_ARG)", extArg ? "on" : "OFF");
            feature("no dropped completions", (features & Uring.IORING_FEAT_NODROP) != 0 ? "on" : "off");
            if (!extArg) {
                return new IOException("the kernel lacks IORING_FEAT_EXT_ARG (Linux 5.11+); upgrade to Linux 6.1+");
            }
            Probe probe = Probe.of(ring.fd());
            StringBuilder missing = new StringBuilder();
            for (byte op : REQUIRED_OPS) {
                if (!probe.supports(op)) {
                    missing.append(missing.isEmpty() ? "" : ", ").append(op);
                }
            }
            feature("required opcodes", missing.isEmpty() ? "all supported" : "MISSING " + missing);
            spliceSupported = probe.supports(Uring.IORING_OP_SPLICE);
            feature("SPLICE (FileRegion)", spliceSupported ? "on (file -> pipe -> socket, no user-space copy)"
                    : "not supported: a FileRegion is sent from a read-only mapping of its file (Linux 5.7+)");
            feature("SEND_ZC", probe.supports(Uring.IORING_OP_SEND_ZC) ? "supported" : "not supported (Linux 6.0+)");
            if (!missing.isEmpty()) {
                return new IOException("the kernel lacks io_uring opcodes " + missing + "; upgrade to Linux 6.1+");
            }
            ring.enable();
            try (BufferRing br = BufferRing.register(ring, (short) 0, 8)) {
                feature("provided buffer ring", "on (multishot recv with buffer select)");
            } catch (NativeIoException e) {
                feature("provided buffer ring", "FAILED: " + e.getMessage());
                return new IOException("cannot register a provided-buffer ring (Linux 5.19+ needed): "
                        + e.getMessage(), e);
            }
            return null;
        } catch (NativeIoException e) {
            return e;
        } finally {
            ring.close();
        }
    }

    private static String setupFailureAdvice(NativeIoException e) {
        String base = e.getMessage() + ". ";
        return switch (e.errno()) {
            case Errno.ENOSYS -> base + "This kernel has no io_uring (built without CONFIG_IO_URING, or older than"
                    + " 5.1); ix needs Linux 6.1 or newer.";
            case Errno.EPERM -> {
                String disabled = readFirstLine("/proc/sys/kernel/io_uring_disabled");
                if (disabled != null && !disabled.equals("0")) {
                    yield base + "io_uring is disabled by sysctl kernel.io_uring_disabled=" + disabled
                            + "; enable it with: sysctl -w kernel.io_uring_disabled=0";
                }
                yield base + "io_uring is blocked, most likely by a seccomp filter (" + seccomp() + "), e.g."
                        + " Docker's default profile: run with --security-opt seccomp=unconfined or allow"
                        + " io_uring_setup/io_uring_enter/io_uring_register.";
            }
            case Errno.EINVAL -> base + "The kernel does not accept SINGLE_ISSUER | DEFER_TASKRUN; ix needs"
                    + " Linux 6.1 or newer (this is " + kernelRelease() + ").";
            case Errno.ENOMEM -> base + "Not enough locked memory for the rings (" + memlock() + "); raise it,"
                    + " e.g. ulimit -l unlimited, or LimitMEMLOCK=infinity for a systemd service.";
            default -> base + "See `IxTransport.report()` for details.";
        };
    }

    /** Maps a default-sized arena once to say which pages the loops' mbuf pools get. */
    private static String mbufPages() {
        try {
            MbufPool pool = MbufPool.create(IxTransportProperties.MBUF_SIZE_DEFAULT,
                    IxTransportProperties.MBUF_COUNT_DEFAULT, ByteBufAllocator.DEFAULT);
            String kind = pool.pageKind();
            pool.close();
            return kind + (kind.startsWith("4 KiB") ? " (huge pages: reserve some with sysctl vm.nr_hugepages=N,"
                    + " or enable THP: echo madvise > /sys/kernel/mm/transparent_hugepage/enabled)" : "");
        } catch (RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String kernelRelease() {
        return orUnknown(readFirstLine("/proc/sys/kernel/osrelease"));
    }

    private static String seccomp() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Seccomp:")) {
                    String mode = line.substring(8).trim();
                    return switch (mode) {
                        case "0" -> "none";
                        case "1" -> "strict mode";
                        case "2" -> "filter mode (a seccomp filter is active)";
                        default -> "mode " + mode;
                    };
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // fall through: not readable here
        }
        return "unknown";
    }

    private static String memlock() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment rlim = a.allocate(16, 8);
            if (LibC.getrlimit(LibC.RLIMIT_MEMLOCK, rlim) < 0) {
                return "unknown";
            }
            long cur = rlim.get(ValueLayout.JAVA_LONG, 0);
            return (cur == -1 ? "unlimited" : (cur / 1024) + " KiB")
                    + " (io_uring memory is charged to the cgroup on Linux 5.12+, so this rarely matters)";
        } catch (Throwable t) {
            return "unknown";
        }
    }

    private static String readFirstLine(String path) {
        try {
            List<String> lines = Files.readAllLines(Path.of(path));
            return lines.isEmpty() ? null : lines.get(0).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String orUnknown(String s) {
        return s == null ? "unknown" : s;
    }
}
