package dev.ix.transport.uring;

/**
 * The io_uring ABI: opcodes, flags and the byte offsets of the kernel's structures, named after the fields of
 * {@code include/uapi/linux/io_uring.h}.
 *
 * <pre>
 * struct io_uring_sqe (64 bytes)                      struct io_uring_cqe (16 bytes)
 *   0 u8  opcode      1 u8 flags     2 u16 ioprio        0 u64 user_data
 *   4 s32 fd                                             8 s32 res
 *   8 u64 off | addr2                                   12 u32 flags   (buffer id in the upper 16 bits)
 *  16 u64 addr | splice_off_in
 *  24 u32 len        28 u32 op_flags (msg_flags, accept_flags, cancel_flags, ...)
 *  32 u64 user_data
 *  40 u16 buf_index | buf_group   42 u16 personality   44 s32 splice_fd_in | file_index
 *  48 u64 addr3      56 u64 pad
 * </pre>
 *
 * Internal API: public only so the transport's packages can share it.
 */
public final class Uring {
    // struct io_uring_sqe
    public static final int SQE_SIZE = 64;
    public static final int SQE_OPCODE = 0;
    public static final int SQE_FLAGS = 1;
    public static final int SQE_IOPRIO = 2;
    public static final int SQE_FD = 4;
    public static final int SQE_OFF = 8;
    public static final int SQE_ADDR = 16;
    public static final int SQE_LEN = 24;
    public static final int SQE_OP_FLAGS = 28;
    public static final int SQE_USER_DATA = 32;
    public static final int SQE_BUF_GROUP = 40;
    public static final int SQE_PERSONALITY = 42;
    public static final int SQE_FILE_INDEX = 44;
    public static final int SQE_ADDR3 = 48;

    // struct io_uring_cqe
    public static final int CQE_SIZE = 16;
    public static final int CQE_USER_DATA = 0;
    public static final int CQE_RES = 8;
    public static final int CQE_FLAGS = 12;

    /*
     * struct io_uring_params (120 bytes): sq_entries@0 cq_entries@4 flags@8 sq_thread_cpu@12 sq_thread_idle@16
     * features@20 wq_fd@24 resv[3]@28 sq_off@40 (struct io_sqring_offsets, 40) cq_off@80 (io_cqring_offsets, 40)
     */
    static final int PARAMS_SIZE = 120;
    static final int PARAMS_SQ_ENTRIES = 0;
    static final int PARAMS_CQ_ENTRIES = 4;
    static final int PARAMS_FLAGS = 8;
    static final int PARAMS_FEATURES = 20;
    static final int PARAMS_SQ_OFF = 40;
    static final int PARAMS_CQ_OFF = 80;
    // struct io_sqring_offsets: head tail ring_mask ring_entries flags dropped array resv1 user_addr
    static final int SQ_OFF_HEAD = 0;
    static final int SQ_OFF_TAIL = 4;
    static final int SQ_OFF_RING_MASK = 8;
    static final int SQ_OFF_RING_ENTRIES = 12;
    static final int SQ_OFF_FLAGS = 16;
    static final int SQ_OFF_DROPPED = 20;
    static final int SQ_OFF_ARRAY = 24;
    // struct io_cqring_offsets: head tail ring_mask ring_entries overflow cqes flags resv1 user_addr
    static final int CQ_OFF_HEAD = 0;
    static final int CQ_OFF_TAIL = 4;
    static final int CQ_OFF_RING_MASK = 8;
    static final int CQ_OFF_RING_ENTRIES = 12;
    static final int CQ_OFF_OVERFLOW = 16;
    static final int CQ_OFF_CQES = 20;

    static final long IORING_OFF_SQ_RING = 0L;
    static final long IORING_OFF_CQ_RING = 0x8000000L;
    static final long IORING_OFF_SQES = 0x10000000L;

    // setup flags
    public static final int IORING_SETUP_SQPOLL = 1 << 1;
    public static final int IORING_SETUP_CQSIZE = 1 << 3;
    public static final int IORING_SETUP_CLAMP = 1 << 4;
    public static final int IORING_SETUP_R_DISABLED = 1 << 6;
    public static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;
    public static final int IORING_SETUP_COOP_TASKRUN = 1 << 8;
    public static final int IORING_SETUP_TASKRUN_FLAG = 1 << 9;
    public static final int IORING_SETUP_SINGLE_ISSUER = 1 << 12;
    public static final int IORING_SETUP_DEFER_TASKRUN = 1 << 13;

    // features
    public static final int IORING_FEAT_SINGLE_MMAP = 1;
    public static final int IORING_FEAT_NODROP = 1 << 1;
    public static final int IORING_FEAT_EXT_ARG = 1 << 8;

    // io_uring_enter flags
    public static final int IORING_ENTER_GETEVENTS = 1;
    public static final int IORING_ENTER_SQ_WAKEUP = 1 << 1;
    public static final int IORING_ENTER_EXT_ARG = 1 << 3;

    // sq ring flags
    public static final int IORING_SQ_NEED_WAKEUP = 1;
    public static final int IORING_SQ_CQ_OVERFLOW = 1 << 1;

    // opcodes
    public static final byte IORING_OP_NOP = 0;
    public static final byte IORING_OP_WRITEV = 2;
    public static final byte IORING_OP_POLL_ADD = 6;
    public static final byte IORING_OP_POLL_REMOVE = 7;
    public static final byte IORING_OP_SENDMSG = 9;
    public static final byte IORING_OP_TIMEOUT = 11;
    public static final byte IORING_OP_ACCEPT = 13;
    public static final byte IORING_OP_ASYNC_CANCEL = 14;
    public static final byte IORING_OP_CONNECT = 16;
    public static final byte IORING_OP_CLOSE = 19;
    public static final byte IORING_OP_READ = 22;
    public static final byte IORING_OP_WRITE = 23;
    public static final byte IORING_OP_SEND = 26;
    public static final byte IORING_OP_RECV = 27;
    public static final byte IORING_OP_SPLICE = 30;
    public static final byte IORING_OP_SHUTDOWN = 34;
    public static final byte IORING_OP_SEND_ZC = 47;
    public static final byte IORING_OP_SENDMSG_ZC = 48;
    public static final int IORING_OP_LAST = 64;

    // sqe flags
    public static final byte IOSQE_FIXED_FILE = 1;
    public static final byte IOSQE_IO_LINK = 1 << 2;
    public static final byte IOSQE_ASYNC = 1 << 4;
    public static final byte IOSQE_BUFFER_SELECT = 1 << 5;
    public static final byte IOSQE_CQE_SKIP_SUCCESS = 1 << 6;

    // ioprio bits of accept / recv / send
    public static final short IORING_RECVSEND_POLL_FIRST = 1;
    public static final short IORING_RECV_MULTISHOT = 1 << 1;
    public static final short IORING_ACCEPT_MULTISHOT = 1;

    // async cancel flags
    public static final int IORING_ASYNC_CANCEL_ALL = 1;
    public static final int IORING_ASYNC_CANCEL_FD = 1 << 1;

    // cqe flags
    public static final int IORING_CQE_F_BUFFER = 1;
    public static final int IORING_CQE_F_MORE = 1 << 1;
    public static final int IORING_CQE_F_SOCK_NONEMPTY = 1 << 2;
    public static final int IORING_CQE_F_NOTIF = 1 << 3;
    public static final int IORING_CQE_BUFFER_SHIFT = 16;

    // io_uring_register opcodes
    public static final int IORING_REGISTER_PROBE = 8;
    public static final int IORING_REGISTER_ENABLE_RINGS = 12;
    public static final int IORING_REGISTER_PBUF_RING = 22;
    public static final int IORING_UNREGISTER_PBUF_RING = 23;

    // struct io_uring_probe (16 bytes) followed by struct io_uring_probe_op (8 bytes) per op
    static final int PROBE_HEADER_SIZE = 16;
    static final int PROBE_OP_SIZE = 8;
    static final int PROBE_LAST_OP = 0;
    static final int PROBE_OPS_LEN = 1;
    static final int PROBE_OP_FLAGS = 2;
    static final int IO_URING_OP_SUPPORTED = 1;

    /*
     * struct io_uring_buf_reg (40 bytes): ring_addr u64@0, ring_entries u32@8, bgid u16@12, flags u16@14, resv[3].
     * struct io_uring_buf (16 bytes): addr u64@0, len u32@8, bid u16@12, resv u16@14; the ring's tail is the resv
     * field of entry 0.
     */
    static final int BUF_REG_SIZE = 40;
    static final int BUF_REG_RING_ADDR = 0;
    static final int BUF_REG_RING_ENTRIES = 8;
    static final int BUF_REG_BGID = 12;
    static final int BUF_SIZE = 16;
    static final int BUF_ADDR = 0;
    static final int BUF_LEN = 8;
    static final int BUF_BID = 12;
    static final int BUF_RING_TAIL = 14;

    // struct io_uring_getevents_arg (24 bytes): sigmask u64@0, sigmask_sz u32@8, min_wait_usec u32@12, ts u64@16
    static final int GETEVENTS_ARG_SIZE = 24;
    static final int GETEVENTS_ARG_TS = 16;
    // struct __kernel_timespec (16 bytes)
    static final int TIMESPEC_SIZE = 16;

    private Uring() {
    }
}
