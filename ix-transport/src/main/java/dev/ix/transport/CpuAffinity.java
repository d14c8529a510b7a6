package dev.ix.transport;

import dev.ix.transport.uring.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/** Pins the calling thread to one CPU ({@code sched_setaffinity}) and parses the CPU lists that say which. */
final class CpuAffinity {
    /** Bytes of the affinity mask: room for CPUs 0..1023, glibc's {@code CPU_SETSIZE}. */
    private static final int MASK_BYTES = 128;
    static final int MAX_CPU = MASK_BYTES * 8 - 1;

    private CpuAffinity() {
    }

    /**
     * Pins the calling thread to {@code cpu}.
     *
     * @return 0, or {@code -errno} ({@code EINVAL}: the CPU is offline or outside the process's allowed set)
     */
    static int pinCurrentThread(int cpu) {
        if (cpu < 0 || cpu > MAX_CPU) {
            throw new IllegalArgumentException("cpu: " + cpu + " (expected: 0.." + MAX_CPU + ")");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            long word = mask.get(ValueLayout.JAVA_LONG, (cpu / 64) * 8L);
            mask.set(ValueLayout.JAVA_LONG, (cpu / 64) * 8L, word | (1L << (cpu % 64)));
            return LibC.schedSetaffinity(0, MASK_BYTES, mask);
        }
    }

    /**
     * Gives the calling thread the CPUs of the process's main thread. A thread inherits the affinity of the thread
     * that starts it, so a helper thread first started by a pinned loop (watchdog, background pool, listener
     * bookkeeping) would otherwise share that loop's one core.
     *
     * @return 0, or {@code -errno}
     */
    static int resetCurrentThread() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            int r = LibC.schedGetaffinity((int) ProcessHandle.current().pid(), MASK_BYTES, mask);
            return r < 0 ? r : LibC.schedSetaffinity(0, MASK_BYTES, mask);
        }
    }

    /**
     * Parses a list such as {@code 1,3} or {@code 0-3} (taskset's syntax) into CPUs in the order given.
     *
     * @param what the setting's name, for the error message
     * @return the CPUs; empty for a blank list
     * @throws IllegalArgumentException naming {@code what} and the bad entry
     */
    static int[] parseCpuList(String list, String what) {
        if (list == null || list.isBlank()) {
            return new int[0];
        }
        int[] cpus = new int[0];
        for (String part : list.split(",")) {
            String p = part.strip();
            try {
                int dash = p.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).strip());
                int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).strip());
                if (from < 0 || to < from || to > MAX_CPU) {
                    throw new NumberFormatException();
                }
                int n = cpus.length;
                cpus = Arrays.copyOf(cpus, n + to - from + 1);
                for (int c = from; c <= to; c++) {
                    cpus[n + c - from] = c;
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + ": '" + list + "' (expected: CPUs 0.." + MAX_CPU
                        + " such as 1,2 or 0-3; bad entry '" + p + "')");
            }
        }
        return cpus;
    }
}
