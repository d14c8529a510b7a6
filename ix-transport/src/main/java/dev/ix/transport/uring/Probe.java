package dev.ix.transport.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Which io_uring opcodes the running kernel supports, asked with {@code IORING_REGISTER_PROBE} (never inferred from
 * the kernel version).
 */
public final class Probe {
    private final boolean[] supported;
    private final int lastOp;

    private Probe(boolean[] supported, int lastOp) {
        this.supported = supported;
        this.lastOp = lastOp;
    }

    /** Probes on an existing ring fd; callable from any thread before the ring is enabled. */
    public static Probe of(int ringFd) throws NativeIoException {
        int ops = Uring.IORING_OP_LAST * 4;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment probe = a.allocate(Uring.PROBE_HEADER_SIZE + (long) Uring.PROBE_OP_SIZE * ops, 8);
            int r = LibC.ioUringRegister(ringFd, Uring.IORING_REGISTER_PROBE, probe.address(), ops);
            if (r < 0) {
                throw new NativeIoException("io_uring_register(IORING_REGISTER_PROBE)", -r);
            }
            int last = Byte.toUnsignedInt(probe.get(ValueLayout.JAVA_BYTE, Uring.PROBE_LAST_OP));
            int len = Byte.toUnsignedInt(probe.get(ValueLayout.JAVA_BYTE, Uring.PROBE_OPS_LEN));
            boolean[] supported = new boolean[Math.max(len, last + 1)];
            for (int i = 0; i < len; i++) {
                long op = Uring.PROBE_HEADER_SIZE + (long) Uring.PROBE_OP_SIZE * i;
                short flags = probe.get(ValueLayout.JAVA_SHORT, op + Uring.PROBE_OP_FLAGS);
                supported[i] = (flags & Uring.IO_URING_OP_SUPPORTED) != 0;
            }
            return new Probe(supported, last);
        }
    }

    /** @return true when the kernel supports {@code opcode} */
    public boolean supports(int opcode) {
        return opcode >= 0 && opcode < supported.length && supported[opcode];
    }

    /** @return the highest opcode the kernel knows */
    public int lastOp() {
        return lastOp;
    }
}
