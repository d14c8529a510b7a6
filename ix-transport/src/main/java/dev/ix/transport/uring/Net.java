package dev.ix.transport.uring;

/**
 * The socket ABI the transport hands to the kernel through SQEs: the layouts of {@code struct msghdr} and
 * {@code struct iovec} (x86_64 and aarch64 LP64), the {@code MSG_*} flags of {@code send}/{@code recv} and the
 * {@code POLL*} events of {@code IORING_OP_POLL_ADD}, named after {@code <sys/socket.h>}, {@code <sys/uio.h>} and
 * {@code <poll.h>}.
 *
 * <pre>
 * struct msghdr (56 bytes)                           struct iovec (16 bytes)
 *   0 void*  msg_name         8 u32 msg_namelen         0 void*  iov_base
 *  16 iovec* msg_iov         24 u64 msg_iovlen          8 size_t iov_len
 *  32 void*  msg_control     40 u64 msg_controllen
 *  48 s32    msg_flags       52 (padding)
 * </pre>
 *
 * Internal API: public only so the transport's packages can share it.
 */
public final class Net {
    // struct msghdr
    public static final int MSGHDR_SIZE = 56;
    public static final int MSGHDR_IOV = 16;
    public static final int MSGHDR_IOVLEN = 24;

    // struct iovec
    public static final int IOVEC_SIZE = 16;
    public static final int IOVEC_BASE = 0;
    public static final int IOVEC_LEN = 8;
    /** {@code IOV_MAX} of Linux: the most entries one {@code sendmsg} takes. */
    public static final int IOV_MAX = 1024;

    // send/recv flags
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_NOSIGNAL = 0x4000;

    // poll events
    public static final int POLLOUT = 0x4;
    public static final int POLLRDHUP = 0x2000;

    private Net() {
    }
}
