package dev.ix.transport;

import dev.ix.transport.uring.LibC;
import dev.ix.transport.uring.NativeIoException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The classic BPF program attached with {@code SO_ATTACH_REUSEPORT_CBPF} to a group of {@code SO_REUSEPORT}
 * listeners: it picks the listener of the loop that serves the CPU which received the connection's first packet, so
 * a flow is handled on one core from the NIC queue (RSS) to the application, as IX's flow-consistent hashing does.
 *
 * <pre>
 *   ld  [SKF_AD_OFF + SKF_AD_CPU]      A = the CPU processing the SYN
 *   jeq #cpu0, 0, 1                    for each CPU with a serving loop:
 *   ret #position0                       the kernel's index of that loop's socket in the group
 *   ...
 *   ret #0xffffffff                    any other CPU: an index past the group, so the kernel hashes as usual
 * </pre>
 *
 * <p>Layout of each instruction ({@code struct sock_filter}): {@code u16 code, u8 jt, u8 jf, u32 k} (8 bytes);
 * {@code struct sock_fprog}: {@code u16 len}, padding, {@code struct sock_filter *filter} (16 bytes).
 */
final class SteeringProgram {
    static final short BPF_LD_W_ABS = 0x20;
    static final short BPF_JMP_JEQ_K = 0x15;
    static final short BPF_RET_K = 0x06;
    static final int SKF_AD_OFF = -0x1000;
    static final int SKF_AD_CPU = 36;
    static final int INSTRUCTION_SIZE = 8;
    /** The kernel's limit on classic BPF program length ({@code BPF_MAXINSNS}). */
    static final int MAX_INSTRUCTIONS = 4096;

    private SteeringProgram() {
    }

    /**
     * @param cpuOfPosition {@code cpuOfPosition[p]} is the CPU whose connections go to the socket at position
     *                      {@code p} of the reuseport group (the order in which the sockets joined it), or -1
     * @return the program's instructions, each packed as {@code code | jt << 16 | jf << 24 | k << 32}
     */
    static long[] instructions(int[] cpuOfPosition) {
        int mapped = 0;
        for (int cpu : cpuOfPosition) {
            if (cpu >= 0) {
                mapped++;
            }
        }
        long[] program = new long[2 + 2 * mapped];
        if (program.length > MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("listeners: " + cpuOfPosition.length + " (expected: <= "
                    + (MAX_INSTRUCTIONS - 2) / 2 + " for CPU steering)");
        }
        int i = 0;
        program[i++] = instruction(BPF_LD_W_ABS, 0, 0, SKF_AD_OFF + SKF_AD_CPU);
        for (int p = 0; p < cpuOfPosition.length; p++) {
            if (cpuOfPosition[p] >= 0) {
                program[i++] = instruction(BPF_JMP_JEQ_K, 0, 1, cpuOfPosition[p]);
                program[i++] = instruction(BPF_RET_K, 0, 0, p);
            }
        }
        program[i] = instruction(BPF_RET_K, 0, 0, -1);
        return program;
    }

    static long instruction(short code, int jt, int jf, int k) {
        return (code & 0xffffL) | ((jt & 0xffL) << 16) | ((jf & 0xffL) << 24) | ((k & 0xffffffffL) << 32);
    }

    /** Attaches the program to the reuseport group of listener {@code fd} (replacing any earlier one). */
    static void attach(int fd, int[] cpuOfPosition) throws NativeIoException {
        long[] program = instructions(cpuOfPosition);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment filter = arena.allocate((long) program.length * INSTRUCTION_SIZE, 8);
            for (int i = 0; i < program.length; i++) {
                long at = (long) i * INSTRUCTION_SIZE;
                long insn = program[i];
                filter.set(ValueLayout.JAVA_SHORT, at, (short) insn);
                filter.set(ValueLayout.JAVA_BYTE, at + 2, (byte) (insn >>> 16));
                filter.set(ValueLayout.JAVA_BYTE, at + 3, (byte) (insn >>> 24));
                filter.set(ValueLayout.JAVA_INT, at + 4, (int) (insn >>> 32));
            }
            MemorySegment fprog = arena.allocate(16, 8);
            fprog.set(ValueLayout.JAVA_SHORT, 0, (short) program.length);
            fprog.set(ValueLayout.JAVA_LONG, 8, filter.address());
            int r = LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_ATTACH_REUSEPORT_CBPF, fprog, 16);
            if (r < 0) {
                throw new NativeIoException("setsockopt(SO_ATTACH_REUSEPORT_CBPF)", -r);
            }
        }
    }
}
